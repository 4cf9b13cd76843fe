"""What every request pays: CPU time and SQL per request of a few pages, and where the Python time goes.

Runs in-process with the Django test client under the settings given (production-like:
`DJANGO_SETTINGS_MODULE=config.settings.loadtest` — prod middleware, database sessions, DEBUG off)
against the database of those settings. A federal administrator (`profile_fed`) is created if missing.

    manage.py profile_requests --runs 200 /accounts/profile/ /register/families/
"""

from __future__ import annotations

import cProfile
import io
import os
import pstats
import time

from django.core.cache import cache
from django.core.management.base import BaseCommand
from django.db import connection
from django.test import Client

from vyzov.accounts.models import Role, ScopeLevel
from vyzov.bench.cases import bench_user


class Command(BaseCommand):
    help = "CPU ms and SQL per request of the given pages, with a cProfile summary (docs/performance.md)."

    def add_arguments(self, parser):
        parser.add_argument("urls", nargs="+")
        parser.add_argument("--runs", type=int, default=100)
        parser.add_argument("--top", type=int, default=25, help="Lines of the profile to print.")
        parser.add_argument("--sql", action="store_true", help="Print each request's SQL.")
        parser.add_argument(
            "--no-cache",
            action="store_true",
            help="Empty the cache before each request (the «before» figure).",
        )

    def handle(self, *args, urls, runs, top, sql, no_cache, **options):
        user = bench_user("profile_fed", Role.FEDERAL_ADMIN, level=ScopeLevel.COUNTRY)
        client = Client()
        client.force_login(user)
        get = client.get
        if no_cache:

            def get(url):
                cache.clear()
                return client.get(url)

        self.stdout.write(f"load average {os.getloadavg()[0]:.1f}; {runs} requests per page")
        for url in urls:
            for _ in range(5):  # warm: caches of the process, template loading
                assert get(url).status_code == 200, url
            queries: list[str] = []

            def record(execute, sql, params, many, context, queries=queries):
                queries.append(sql)
                return execute(sql, params, many, context)

            with connection.execute_wrapper(record):
                get(url)
            started, cpu = time.perf_counter(), time.process_time()
            for _ in range(runs):
                get(url)
            wall_ms = (time.perf_counter() - started) * 1000 / runs
            cpu_ms = (time.process_time() - cpu) * 1000 / runs
            self.stdout.write(
                f"\n{url}: CPU {cpu_ms:.2f} ms/request, wall {wall_ms:.2f} ms, {len(queries)} SQL"
            )
            if sql:
                for query in queries:
                    self.stdout.write(f"  SQL {query[:160]}")
            profiler = cProfile.Profile()
            profiler.enable()
            for _ in range(runs):
                get(url)
            profiler.disable()
            out = io.StringIO()
            stats = pstats.Stats(profiler, stream=out)
            stats.sort_stats("cumulative").print_stats(
                r"vyzov|django/(middleware|contrib|template/base)", top
            )
            self.stdout.write(out.getvalue().split("ncalls", 1)[-1])
