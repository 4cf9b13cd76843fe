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
# The groups of scenarios in the order they run; `--only NAME` picks some of them.
SCENARIOS = {
    "cases": cases_bench,
    "monitoring": monitoring_bench,
    "consilium": consilium_bench,
    "support": support_bench,
    "programmes": programmes_bench,
    "contests": contests_bench,
    "search": dashboard_bench,
}


class Command(BaseCommand):
    help = "Замеры производительности на национальном наборе данных (PostgreSQL)."

    def add_arguments(self, parser):
        parser.add_argument(
            "--scale", type=float, default=1.0, help="Объём набора данных (1.0 — вся страна)."
        )
        parser.add_argument("--seed", type=int, default=42)
        parser.add_argument("--runs", type=int, default=40, help="Запросов на каждый сценарий.")
        parser.add_argument(
            "--only",
            choices=sorted(SCENARIOS),
            action="append",
            help="Только эти группы сценариев (можно несколько раз), например --only search.",
        )

    def handle(self, *args, scale, seed, runs, only=None, **options):
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
        measurements = []
        for name, scenario in SCENARIOS.items():
            if not only or name in only:
                measurements += scenario.run(runs=runs, log=self.stdout.write)
        print_table(measurements, write=self.stdout.write)
        if only:  # a partial run does not replace the full results kept in the repository
            self.stdout.write(self.style.SUCCESS("Частичный замер: bench/results.json не изменён."))
            return
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
