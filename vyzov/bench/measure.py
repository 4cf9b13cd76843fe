"""Benchmark helpers: timing of pages through the full Django stack, and the same SQL run raw.

The app/raw ratio answers "how much does Django add on top of the database": a page is requested,
its SQL statements are captured, then those exact statements are executed again straight through
the database cursor and timed.
"""

from __future__ import annotations

import statistics
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass, field

from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext


@dataclass
class Measurement:
    name: str
    runs: int
    p50_ms: float
    p95_ms: float
    target_ms: float | None = None
    queries: int | None = None
    raw_sql_p50_ms: float | None = None
    ratio: float | None = None
    # The page's slowest statement alone (its data: the physical limit) and the page's multiple of it.
    main_sql_p50_ms: float | None = None
    main_ratio: float | None = None
    # CPU time of this process (Python: middleware, view, ORM, templates) over the timed runs ÷ runs.
    cpu_ms_per_request: float | None = None
    html_kb: float | None = None
    extra: dict = field(default_factory=dict)

    @property
    def ok(self) -> bool | None:
        if self.target_ms is None:
            return None
        return self.p95_ms <= self.target_ms

    def as_dict(self) -> dict:
        data = asdict(self)
        data["ok"] = self.ok
        return data


class PeakMemory:
    """Peak resident memory growth of this process during a block, in MB (Linux).

    The kernel's high-water mark is reset at the start (/proc/self/clear_refs), so the figure is the
    block's own peak, and no tracing slows the code being timed.
    """

    def __enter__(self):
        with open("/proc/self/clear_refs", "w") as handle:
            handle.write("5")
        self.before = self._read("VmRSS")
        return self

    def __exit__(self, *exc):
        self.growth_mb = round((self._read("VmHWM") - self.before) / 1024, 1)

    @staticmethod
    def _read(key: str) -> int:
        with open("/proc/self/status") as handle:
            for line in handle:
                if line.startswith(key + ":"):
                    return int(line.split()[1])
        raise RuntimeError(f"{key} not in /proc/self/status")


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    index = min(len(ordered) - 1, max(0, round(share * (len(ordered) - 1))))
    return ordered[index]


def time_calls(call: Callable[[], object], *, runs: int, warmup: int = 3) -> list[float]:
    for _ in range(warmup):
        call()
    return _timed(call, runs=runs)


def _timed(call: Callable[[], object], *, runs: int) -> list[float]:
    timings = []
    for _ in range(runs):
        started = time.perf_counter()
        call()
        timings.append((time.perf_counter() - started) * 1000)
    return timings


def measure_page(
    name: str,
    client: Client,
    url: str | Callable[[], str],
    *,
    runs: int = 40,
    target_ms: float | None = None,
    with_raw_sql: bool = True,
) -> Measurement:
    next_url = url if callable(url) else (lambda: url)

    def get():
        path = next_url()
        response = client.get(path)
        if response.status_code != 200:
            raise RuntimeError(f"{path} answered {response.status_code}")
        if hasattr(response, "streaming_content"):
            for _chunk in response.streaming_content:
                pass
        return response

    cpu_started = time.process_time()
    for _ in range(3):
        get()
    timings = _timed(get, runs=runs)
    cpu_ms = (time.process_time() - cpu_started) * 1000 / runs
    with CaptureQueriesContext(connection) as captured:
        response = get()
    measurement = Measurement(
        name=name,
        runs=runs,
        p50_ms=round(statistics.median(timings), 1),
        p95_ms=round(percentile(timings, 0.95), 1),
        target_ms=target_ms,
        queries=len(captured.captured_queries),
        cpu_ms_per_request=round(cpu_ms, 1),
        html_kb=None if hasattr(response, "streaming_content") else round(len(response.content) / 1024, 1),
    )
    if with_raw_sql:
        statements = [query["sql"] for query in captured.captured_queries if _is_read(query["sql"])]
        raw = time_calls(lambda: _run_raw(statements), runs=runs)
        measurement.raw_sql_p50_ms = round(statistics.median(raw), 2)
        measurement.ratio = round(measurement.p50_ms / max(measurement.raw_sql_p50_ms, 0.01), 2)
        if statements:
            slowest = max(
                statements,
                key=lambda sql: statistics.median(time_calls(lambda: _run_raw([sql]), runs=3, warmup=1)),
            )
            main = time_calls(lambda: _run_raw([slowest]), runs=runs)
            measurement.main_sql_p50_ms = round(statistics.median(main), 2)
            measurement.main_ratio = round(measurement.p50_ms / max(measurement.main_sql_p50_ms, 0.01), 2)
            measurement.extra["main_sql"] = slowest[:300]
    return measurement


def _is_read(sql: str) -> bool:
    return sql.lstrip().upper().startswith("SELECT")


def _run_raw(statements: list[str]) -> None:
    with connection.cursor() as cursor:
        for sql in statements:
            cursor.execute(sql)
            cursor.fetchall()


def print_table(measurements: list[Measurement], write=print) -> None:
    write(
        f"{'сценарий':<46}{'p50 мс':>9}{'p95 мс':>9}{'цель':>8}{'SQL':>5}{'raw мс':>9}{'×':>7}"
        f"{'главн. мс':>10}{'×гл':>7}{'CPU мс':>8}{'КБ':>8}  итог"
    )
    for m in measurements:
        verdict = {True: "OK", False: "МЕДЛЕННО", None: ""}[m.ok]
        write(
            f"{m.name:<46}{m.p50_ms:>9}{m.p95_ms:>9}{m.target_ms or '':>8}{m.queries or '':>5}"
            f"{_blank(m.raw_sql_p50_ms):>9}{m.ratio or '':>7}{_blank(m.main_sql_p50_ms):>10}"
            f"{m.main_ratio or '':>7}{_blank(m.cpu_ms_per_request):>8}{_blank(m.html_kb):>8}  {verdict}"
        )
        for key, value in m.extra.items():
            if key != "main_sql":
                write(f"    {key}: {value}")


def _blank(value) -> str:
    return "" if value is None else str(value)
