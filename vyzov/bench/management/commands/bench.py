"""`manage.py bench`: measure pages, API, import and export on the national data set."""

import json
import os
import platform
import time
from pathlib import Path

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError
from django.db import connection
from django.utils import timezone

from vyzov.bench import cases as cases_bench
from vyzov.bench import consilium as consilium_bench
from vyzov.bench import contests as contests_bench
from vyzov.bench import dashboard as dashboard_bench
from vyzov.bench import monitoring as monitoring_bench
from vyzov.bench import programmes as programmes_bench
from vyzov.bench import support as support_bench
from vyzov.bench.measure import print_table
from vyzov.cases.models import Child
from vyzov.territories.reference import load_territories

RESULTS = Path(settings.BASE_DIR) / "bench" / "results.json"


class Command(BaseCommand):
    help = "Замеры производительности на национальном наборе данных (PostgreSQL)."

    def add_arguments(self, parser):
        parser.add_argument(
            "--scale", type=float, default=1.0, help="Объём набора данных (1.0 — вся страна)."
        )
        parser.add_argument("--seed", type=int, default=42)
        parser.add_argument("--runs", type=int, default=40, help="Запросов на каждый сценарий.")

    def handle(self, *args, scale, seed, runs, **options):
        if connection.vendor != "postgresql":
            raise CommandError("Замеры выполняются на PostgreSQL: задайте BENCH_DATABASE_URL.")
        load_territories()
        expected = int(60_000 * scale)
        placed = Child.objects.filter(current_organization__isnull=False).count()
        if placed < expected * 0.9:
            self.stdout.write(f"Генерирую национальный набор данных (масштаб {scale}) — это несколько минут…")
            started = time.perf_counter()
            call_command("generate_national", scale=scale, seed=seed, reset=placed > 0, stdout=self.stdout)
            self.stdout.write(f"Набор данных готов за {time.perf_counter() - started:.0f} с.")
        # Autovacuum may be off (it is on the reference machine): plans are measured on vacuumed,
        # analysed tables, as a maintained production database has them.
        with connection.cursor() as cursor:
            cursor.execute("VACUUM (ANALYZE)")
        measurements = cases_bench.run(runs=runs, log=self.stdout.write)
        measurements += monitoring_bench.run(runs=runs, log=self.stdout.write)
        measurements += consilium_bench.run(runs=runs, log=self.stdout.write)
        measurements += support_bench.run(runs=runs, log=self.stdout.write)
        measurements += programmes_bench.run(runs=runs, log=self.stdout.write)
        measurements += contests_bench.run(runs=runs, log=self.stdout.write)
        measurements += dashboard_bench.run(runs=runs, log=self.stdout.write)
        print_table(measurements, write=self.stdout.write)
        RESULTS.parent.mkdir(exist_ok=True)
        RESULTS.write_text(
            json.dumps(
                {
                    "measured_at": timezone.now().isoformat(),
                    "machine": f"{platform.machine()}, Python {platform.python_version()}, {os.cpu_count()} CPU",
                    "database": f"PostgreSQL {connection.pg_version // 10000}",
                    "scale": scale,
                    "children": Child.objects.count(),
                    "children_placed": Child.objects.filter(current_organization__isnull=False).count(),
                    "measurements": [m.as_dict() for m in measurements],
                },
                ensure_ascii=False,
                indent=2,
            )
        )
        self.stdout.write(self.style.SUCCESS(f"Результаты: {RESULTS}"))
