// Copies the built front-end files from node_modules into Django's static tree.
// The system runs in closed networks: every asset is served by the application itself.
import { copyFileSync, mkdirSync } from "node:fs";
import { dirname, join } from "node:path";

const target = "vyzov/core/static/vendor";
const files = {
  "bootstrap/dist/css/bootstrap.min.css": "bootstrap/bootstrap.min.css",
  "bootstrap/dist/css/bootstrap.min.css.map": "bootstrap/bootstrap.min.css.map",
  "bootstrap/dist/js/bootstrap.bundle.min.js": "bootstrap/bootstrap.bundle.min.js",
  "bootstrap/dist/js/bootstrap.bundle.min.js.map": "bootstrap/bootstrap.bundle.min.js.map",
  "htmx.org/dist/htmx.min.js": "htmx/htmx.min.js",
  "chart.js/dist/chart.umd.min.js": "chartjs/chart.umd.min.js",
  "chart.js/dist/chart.umd.min.js.map": "chartjs/chart.umd.min.js.map",
};

for (const [source, destination] of Object.entries(files)) {
  const out = join(target, destination);
  mkdirSync(dirname(out), { recursive: true });
  copyFileSync(join("node_modules", source), out);
}
console.log(`vendor assets copied to ${target}`);
