// Charts of the situational centre. Data comes from <script type="application/json"> blocks
// rendered by the server (json_script), so no inline scripts are needed (CSP: script-src 'self').
(function () {
  "use strict";
  function data(id) {
    var element = document.getElementById(id);
    return element ? JSON.parse(element.textContent) : null;
  }
  var palette = ["#1f3a5f", "#d9480f", "#2b8a3e", "#5f3dc4", "#c2255c", "#1864ab", "#e67700", "#087f5b",
                 "#862e9c", "#495057"];

  var overview = data("overview-chart-data");
  if (overview && document.getElementById("overview-chart")) {
    new Chart(document.getElementById("overview-chart"), {
      type: "line",
      data: {
        labels: overview.labels,
        datasets: [
          {label: "Россия", data: overview.country, borderColor: palette[0], yAxisID: "y"},
          {label: "14 пилотных регионов", data: overview.pilot, borderColor: palette[1], yAxisID: "y1"}
        ]
      },
      options: {
        responsive: true, animation: false,
        scales: {
          y: {position: "left", title: {display: true, text: "Россия"}},
          y1: {position: "right", grid: {drawOnChartArea: false}, title: {display: true, text: "пилотные регионы"}}
        }
      }
    });
  }

  var region = data("region-chart-data");
  if (region) {
    region.series.forEach(function (series, index) {
      var canvas = document.getElementById("chart-" + series.code);
      if (!canvas) { return; }
      var datasets = [{
        label: series.name,
        data: region.labels.map(function (label) { return label in series.points ? series.points[label] : null; }),
        borderColor: palette[index % palette.length], spanGaps: true
      }];
      if (series.code === "children_in_institutions" && region.target !== null) {
        datasets.push({label: "Цель (−25 %)", data: region.labels.map(function () { return region.target; }),
                       borderColor: "#2b8a3e", borderDash: [6, 4], pointRadius: 0});
        datasets.push({label: "Базовое значение", data: region.labels.map(function () { return region.baseline; }),
                       borderColor: "#868e96", borderDash: [2, 3], pointRadius: 0});
      }
      new Chart(canvas, {
        type: "line",
        data: {labels: region.labels.map(function (d) { return d.split("-").reverse().join("."); }), datasets: datasets},
        options: {responsive: true, animation: false, plugins: {legend: {position: "bottom"}}}
      });
    });
  }

  var explore = data("explore-chart-data");
  if (explore && document.getElementById("explore-chart")) {
    new Chart(document.getElementById("explore-chart"), {
      type: explore.kind,
      data: {
        labels: explore.labels,
        datasets: explore.series.map(function (series, index) {
          var colour = palette[index % palette.length];
          return {label: series.label, data: series.data, borderColor: colour, backgroundColor: colour, spanGaps: false};
        })
      },
      options: {responsive: true, animation: false, plugins: {legend: {position: "bottom"}}}
    });
  }
})();
