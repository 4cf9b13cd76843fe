"""`make loadtest`: gunicorn (production settings, config/gunicorn.py) under Locust on loopback.

Steps: the database (LOADTEST_DATABASE_URL) is created, migrated and — if it lacks them — filled with
the national data set (`generate_national --scale S`) and the demo accounts (`load_demo`), then
VACUUM (ANALYZE); static files are collected; gunicorn starts on 127.0.0.1; Locust runs the mixed
scenario of vyzov/bench/locustfile.py headless for a bounded time; the gunicorn workers' memory is
sampled meanwhile; gunicorn is stopped; the figures go to bench/load.json.

    python scripts/loadtest.py --scale 1.0 --users 50 --duration 120
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import platform
import signal
import subprocess
import sys
import threading
import time
import urllib.request
from pathlib import Path
from urllib.parse import urlsplit

import psutil

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "scripts"))
SETTINGS = "config.settings.loadtest"
DEFAULT_URL = "postgres://postgres@127.0.0.1:5432/vyzov_load"


def run(*args: str, env: dict, **kwargs) -> subprocess.CompletedProcess:
    print("$", " ".join(args), flush=True)
    return subprocess.run(args, env=env, cwd=ROOT, check=True, **kwargs)  # noqa: S603


def manage(*args: str, env: dict, **kwargs) -> subprocess.CompletedProcess:
    return run(sys.executable, "manage.py", *args, env=env, **kwargs)


def prepare(*, url: str, scale: float, env: dict) -> None:
    """The database with the national data set and the demo accounts, vacuumed and analysed."""
    import psycopg
    from ensure_database import main as ensure_database

    ensure_database(url)
    manage("migrate", "--noinput", "-v", "0", env=env)
    with psycopg.connect(url, autocommit=True) as connection:
        placed = connection.execute(
            "SELECT count(*) FROM cases_child WHERE current_organization_id IS NOT NULL"
        ).fetchone()[0]
        demo = connection.execute(
            "SELECT count(*) FROM accounts_user WHERE username = 'fed_admin'"
        ).fetchone()[0]
    changed = False
    expected = int(60_000 * scale)
    if placed < expected * 0.9 or placed > expected * 1.1:
        if demo:
            sys.exit(
                f"В базе {url} набор другого масштаба ({placed} детей в организациях, ожидалось ~{expected}) "
                "и демо-данные: удалите базу (dropdb) или укажите другую LOADTEST_DATABASE_URL."
            )
        reset = ["--reset"] if placed else []
        manage("generate_national", "--scale", str(scale), "--seed", "42", *reset, env=env)
        changed = True
    if not demo:
        manage("load_demo", "--force", "--register-scale", "0", env=env)
        changed = True
    with psycopg.connect(url, autocommit=True) as connection:
        # This machine's PostgreSQL may run without autovacuum: plans must not be measured on
        # never-vacuumed tables.
        connection.execute("VACUUM (ANALYZE)" if changed else "ANALYZE")
    if not (ROOT / "var" / "loadtest-static" / "staticfiles.json").exists():
        manage("collectstatic", "--noinput", "-v", "0", env=env)


CURATOR_SUBJECT = "22"  # curator_altai (vyzov/demo/accounts.py)


def write_targets(*, url: str, path: Path) -> dict:
    """Ids the locustfile requests, drawn from the load database (random, fixed per run)."""
    import psycopg

    with psycopg.connect(url) as connection:

        def column(query: str, *params) -> list:
            return [row[0] for row in connection.execute(query, params).fetchall()]

        connection.execute("SELECT setseed(0.42)")
        found = {
            "children": column(
                "SELECT id FROM cases_child WHERE merged_into_id IS NULL ORDER BY random() LIMIT 500"
            ),
            "curator_subject_code": CURATOR_SUBJECT,
            "curator_children": column(
                "SELECT c.id FROM cases_child c JOIN territories_subject s ON s.id = c.subject_id "
                "JOIN cases_case k ON k.child_id = c.id "
                "WHERE s.code = %s AND c.merged_into_id IS NULL ORDER BY random() LIMIT 300",
                CURATOR_SUBJECT,
            ),
            "surnames": column(
                "SELECT DISTINCT last_name FROM (SELECT last_name FROM cases_child ORDER BY random() LIMIT 60) t"
            ),
            "subject_codes": column("SELECT code FROM territories_subject ORDER BY code"),
            "route_goals": ["undetermined", "return_home", "substitute_family", "independence"],
            # The curator's largest meeting (the agenda page) and the contest with most applications.
            "meeting": next(
                iter(
                    column(
                        "SELECT m.id FROM consilium_meeting m "
                        "JOIN consilium_consilium c ON c.id = m.consilium_id "
                        "JOIN territories_subject s ON s.id = c.subject_id "
                        "LEFT JOIN consilium_agendaitem a ON a.meeting_id = m.id "
                        "WHERE s.code = %s GROUP BY m.id ORDER BY count(a.id) DESC, m.id LIMIT 1",
                        CURATOR_SUBJECT,
                    )
                ),
                None,
            ),
            "contest": next(
                iter(
                    column(
                        "SELECT contest_id FROM contests_application GROUP BY contest_id "
                        "ORDER BY count(*) DESC, contest_id LIMIT 1"
                    )
                ),
                None,
            ),
        }
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(found, ensure_ascii=False), encoding="utf-8")
    return found


def worker_pids(master: int) -> list[int]:
    try:
        return [child.pid for child in psutil.Process(master).children()]
    except psutil.NoSuchProcess:
        return []


def database_backends(name: str) -> list[psutil.Process]:
    """PostgreSQL backends serving the load database (their process title names it)."""
    found = []
    for process in psutil.process_iter(["name", "cmdline"]):
        cmdline = " ".join(process.info["cmdline"] or [])
        if cmdline.startswith("postgres:") and f" {name} " in f"{cmdline} ":
            found.append(process)
    return found


def cpu_seconds(process: psutil.Process) -> float:
    times = process.cpu_times()
    return times.user + times.system


class Sampler(threading.Thread):
    """Every 0.5 s: resident memory of each gunicorn worker (peak of one, peak of all together) and the
    CPU time of the workers and of the PostgreSQL backends of the load database. CPU is counted from the
    moment the locustfile starts measuring (the marker file) to the end."""

    def __init__(self, master: int, database: str, marker: Path):
        super().__init__(daemon=True)
        self.master, self.database, self.marker = master, database, marker
        self.stop = threading.Event()
        self.peak_worker = 0
        self.peak_total = 0
        self.baseline: dict[tuple[str, int], float] | None = None
        self.last: dict[tuple[str, int], float] = {}

    def run(self) -> None:
        while not self.stop.is_set():
            self.sample()
            self.stop.wait(0.5)
        self.sample()

    def sample(self) -> None:
        total = 0
        seen: dict[tuple[str, int], float] = {}
        for pid in worker_pids(self.master):
            try:
                process = psutil.Process(pid)
                rss = process.memory_info().rss
                seen[("web", pid)] = cpu_seconds(process)
            except psutil.NoSuchProcess:
                continue
            total += rss
            self.peak_worker = max(self.peak_worker, rss)
        self.peak_total = max(self.peak_total, total)
        for process in database_backends(self.database):
            try:
                seen[("db", process.pid)] = cpu_seconds(process)
            except psutil.NoSuchProcess:
                continue
        if self.baseline is None:
            if self.marker.exists():
                self.baseline = dict(seen)
                self.last = dict(seen)
            return
        self.last.update(seen)

    def cpu(self, kind: str) -> float:
        if self.baseline is None:
            return 0.0
        return sum(value - self.baseline.get(key, 0.0) for key, value in self.last.items() if key[0] == kind)


def wait_ready(port: int, timeout: float = 120) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=5) as response:
                if response.status == 200:
                    return
        except OSError:
            pass
        time.sleep(0.5)
    raise SystemExit("gunicorn не ответил на /healthz")


def read_stats(path: Path) -> dict:
    """Locust's *_stats.csv: one row per request name and the «Aggregated» row."""
    results = {}
    with path.open(encoding="utf-8") as handle:
        for row in csv.DictReader(handle):
            count = int(row["Request Count"])
            results[row["Name"]] = {
                "requests": count,
                "rps": round(float(row["Requests/s"]), 1),
                "p50_ms": float(row["50%"]) if count else None,
                "p95_ms": float(row["95%"]) if count else None,
                "p99_ms": float(row["99%"]) if count else None,
                "errors": int(row["Failure Count"]),
                "avg_bytes": round(float(row["Average Content Size"])),
            }
    return results


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scale", type=float, default=1.0)
    parser.add_argument("--users", type=int, default=50)
    parser.add_argument("--spawn-rate", type=float, default=10)
    parser.add_argument("--duration", type=int, default=120, help="seconds of load after all users start")
    parser.add_argument("--port", type=int, default=8091)
    parser.add_argument(
        "--workers", type=int, default=None, help="WEB_CONCURRENCY (default: config/gunicorn.py)"
    )
    parser.add_argument("--out", default=str(ROOT / "bench" / "load.json"))
    parser.add_argument("--prepare-only", action="store_true")
    args = parser.parse_args(argv)

    url = os.environ.get("LOADTEST_DATABASE_URL", DEFAULT_URL)
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": SETTINGS, "LOADTEST_DATABASE_URL": url}
    env.pop("DEBUG", None)
    prepare(url=url, scale=args.scale, env=env)
    if args.prepare_only:
        return 0

    logs = ROOT / "var" / "loadtest"
    found = write_targets(url=url, path=logs / "targets.json")
    print(
        f"targets: meeting {found['meeting']}, contest {found['contest']}, {len(found['children'])} children"
    )
    gunicorn_env = {**env, "GUNICORN_BIND": f"127.0.0.1:{args.port}", "LOG_LEVEL": "WARNING"}
    if args.workers:
        gunicorn_env["WEB_CONCURRENCY"] = str(args.workers)
    gunicorn_log = (logs / "gunicorn.log").open("w")
    print(f"$ gunicorn -c config/gunicorn.py config.wsgi  (127.0.0.1:{args.port})", flush=True)
    server = subprocess.Popen(
        [sys.executable, "-m", "gunicorn", "-c", "config/gunicorn.py", "config.wsgi"],
        cwd=ROOT,
        env=gunicorn_env,
        stdout=gunicorn_log,
        stderr=subprocess.STDOUT,
    )
    marker = logs / "measuring"
    marker.unlink(missing_ok=True)
    sampler = Sampler(server.pid, urlsplit(url).path.lstrip("/"), marker)
    try:
        wait_ready(args.port)
        workers = len(worker_pids(server.pid))
        sampler.start()
        load_before = os.getloadavg()
        run(
            sys.executable,
            "-m",
            "locust",
            "-f",
            "vyzov/bench/locustfile.py",
            "--headless",
            "--only-summary",
            "--users",
            str(args.users),
            "--spawn-rate",
            str(args.spawn_rate),
            "--run-time",
            f"{args.duration + 600}s",  # a bound only: the locustfile stops the run (LOADTEST_DURATION)
            "--stop-timeout",
            "10",
            "--host",
            f"http://127.0.0.1:{args.port}",
            "--csv",
            str(logs / "locust"),
            "--exit-code-on-error",
            "0",
            env={
                **env,
                "LOADTEST_TARGETS": str(logs / "targets.json"),
                "LOADTEST_DURATION": str(args.duration),
                "LOADTEST_MARKER": str(marker),
            },
        )
        load_after = os.getloadavg()
    finally:
        sampler.stop.set()
        sampler.join(5)
        server.send_signal(signal.SIGTERM)
        try:
            server.wait(timeout=60)
        except subprocess.TimeoutExpired:
            server.kill()
        gunicorn_log.close()

    stats = {name: page for name, page in read_stats(logs / "locust_stats.csv").items() if page["requests"]}
    mixed = stats.pop("Aggregated")
    web_cpu, db_cpu = sampler.cpu("web"), sampler.cpu("db")
    requests = max(mixed["requests"], 1)
    result = {
        "measured_at": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
        "machine": f"{platform.machine()}, Python {platform.python_version()}, {os.cpu_count()} CPU",
        "scale": args.scale,
        "users": args.users,
        "duration_s": args.duration,
        "gunicorn": {"workers": workers, "threads": int(env.get("GUNICORN_THREADS", "1"))},
        "load_average_before": [round(value, 2) for value in load_before],
        "load_average_after": [round(value, 2) for value in load_after],
        "mixed": mixed,
        "pages": stats,
        # CPU time over the measured run ÷ requests served (on a shared machine: the honest figure).
        "cpu_ms_per_request": {
            "gunicorn": round(1000 * web_cpu / requests, 1),
            "postgresql": round(1000 * db_cpu / requests, 1),
            "total": round(1000 * (web_cpu + db_cpu) / requests, 1),
        },
        "workers_peak_rss_mb": round(sampler.peak_worker / 2**20, 1),
        "workers_peak_rss_total_mb": round(sampler.peak_total / 2**20, 1),
        "target": {"rps": 200, "p95_ms": 300, "errors": 0},
    }
    Path(args.out).write_text(json.dumps(result, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    print(
        f"mixed: {mixed['rps']} req/s, p50 {mixed['p50_ms']} ms, p95 {mixed['p95_ms']} ms, "
        f"errors {mixed['errors']}; worker peak RSS {result['workers_peak_rss_mb']} MB "
        f"(all {result['workers_peak_rss_total_mb']} MB); load average {load_after[0]:.2f}; "
        f"CPU per request {result['cpu_ms_per_request']}"
    )
    for name, page in sorted(stats.items()):
        print(
            f"  {name:<28} {page['rps']:>7} req/s  p50 {page['p50_ms']} ms  p95 {page['p95_ms']} ms  errors {page['errors']}"
        )
    print(f"→ {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
