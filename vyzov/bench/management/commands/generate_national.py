"""`manage.py generate_national --scale 1.0 --seed 42`: the synthetic national data set (see bench/generator.py)."""

from __future__ import annotations

import datetime as dt
import time

from django.core.management.base import BaseCommand, CommandError

from vyzov.bench import generator
from vyzov.cases.models import Child
from vyzov.territories.models import OrganizationKind
from vyzov.territories.reference import load_territories


def _date(value: str) -> dt.date:
    try:
        return dt.date.fromisoformat(value)
    except ValueError as error:
        raise CommandError(f"Дата в формате ГГГГ-ММ-ДД: {value!r}") from error


class Command(BaseCommand):
    help = (
        "Создаёт правдоподобный синтетический набор данных по всем 89 субъектам: муниципалитеты и "
        "организации «(синт.)», семьи, детей, помещения, маршруты и события. Одинаковый --seed даёт "
        "одинаковые данные. При --scale 1.0 — около 300 000 детей и 1 000 000 помещений и событий."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--scale", type=float, default=1.0, help="Доля от национального объёма (1.0 — полный)."
        )
        parser.add_argument("--seed", type=int, default=42, help="Зерно генератора случайных чисел.")
        parser.add_argument(
            "--reset", action="store_true", help="Сначала удалить ранее сгенерированные данные (только их)."
        )
        parser.add_argument(
            "--today",
            type=_date,
            default=None,
            help="Дата «сегодня» для генерации (ГГГГ-ММ-ДД); по умолчанию — текущая.",
        )
        parser.add_argument("--batch-size", type=int, default=generator.BATCH_SIZE)
        parser.add_argument(
            "--force", action="store_true", help="Генерировать даже рядом с настоящими записями реестра."
        )

    def handle(self, *args, scale, seed, reset, today, batch_size, force=False, **options):
        if not 0 < scale <= 5:
            raise CommandError("--scale: от 0 (не включая) до 5.")
        real_children = Child.objects.count() - len(generator.generated_child_ids())
        if real_children > 0 and not force:
            raise CommandError(
                f"В реестре есть настоящие записи ({real_children}): синтетические данные смешались бы с ними. "
                "Используйте отдельную базу (или --force, если это осознанно)."
            )
        verbose = options.get("verbosity", 1) >= 1
        log = self.stdout.write if verbose else (lambda _: None)
        started = time.monotonic()

        load_territories()
        existing = generator.existing_generated()
        deleted = None
        if any(existing.values()):
            if not reset:
                found = ", ".join(f"{name}: {count}" for name, count in existing.items() if count)
                raise CommandError(
                    f"Сгенерированные данные уже есть ({found}). Запустите с --reset, чтобы удалить их "
                    "и создать заново."
                )
            reset_started = time.monotonic()
            try:
                deleted = generator.reset(log=log)
            except generator.GeneratedDataInUse as error:
                raise CommandError(str(error)) from error
            reset_seconds = time.monotonic() - reset_started

        log(f"Генерация: масштаб {scale}, зерно {seed}…")
        try:
            report = generator.NationalGenerator(
                scale=scale, seed=seed, today=today, batch_size=batch_size, log=log
            ).run()
        except RuntimeError as error:
            raise CommandError(str(error)) from error
        if deleted is not None:
            report.deleted = deleted
            report.timings = {"удаление прежних данных": reset_seconds, **report.timings}
        if verbose:
            self.print_summary(report, time.monotonic() - started, scale)

    def print_summary(self, report: generator.Report, elapsed: float, scale: float) -> None:
        counts, targets = report.counts, report.targets
        placed = counts["children_placed"]
        pilot = counts["pilot_placed"]
        rows = [
            ("Муниципалитеты (синт.)", counts["municipalities"], targets.synthetic_municipalities),
            ("Организации (синт.)", counts["organizations"], sum(targets.organizations.values())),
            *(
                (f"  {OrganizationKind(kind).label}", counts[f"org_{kind}"], target)
                for kind, target in targets.organizations.items()
            ),
            ("Семьи", counts["families"], targets.families),
            ("  члены семей", counts["family_members"], None),
            ("  статусы СОП / ТЖС", counts["family_statuses"], None),
            (
                "  дети в семьях со статусом СОП",
                counts["children_in_sop_families"],
                round(generator.SOP_CHILDREN_NATIONAL * scale),
            ),
            ("    статус действует сейчас", counts["children_in_active_sop_families"], None),
            ("Дети", counts["children"], targets.children),
            ("  сейчас в организациях", placed, targets.placed),
            ("  из них в 14 пилотных регионах", pilot, None),
            (
                "  выбывшие и профилактика",
                counts["children"] - placed - counts["duplicates"],
                targets.historical,
            ),
            ("  заведённые дубли", counts["duplicates"], targets.duplicates),
            ("    с тем же СНИЛС", counts["duplicates_same_snils"], None),
            ("    с тем же свидетельством", counts["duplicates_same_certificate"], None),
            ("  со СНИЛС", counts["snils"], None),
            ("  со свидетельством о рождении", counts["certificates"], None),
            ("Помещения", counts["placements"], None),
            ("  открытые", counts["placements_open"], targets.placed),
            ("События", counts["events"], None),
            ("Помещения + события", counts["placements"] + counts["events"], None),
            ("Маршруты", counts["cases"], targets.children),
            ("  открытые", counts["cases_open"], None),
            ("  с просроченным пересмотром", counts["cases_overdue"], None),
            ("  закрытые", counts["cases_closed"], None),
        ]
        if report.deleted:
            self.stdout.write(
                "Удалено прежних сгенерированных записей: "
                + ", ".join(f"{name} {count}" for name, count in sorted(report.deleted.items()))
            )
        self.stdout.write("")
        self.stdout.write(f"{'Что':<40} {'создано':>10} {'цель':>10}")
        self.stdout.write("-" * 62)
        for label, count, target in rows:
            self.stdout.write(f"{label:<40} {count:>10} {'' if target is None else target:>10}")
        self.stdout.write("-" * 62)
        if placed:
            self.stdout.write(
                f"Доля пилотных регионов среди детей в организациях: {100 * pilot / placed:.1f} %"
            )
        if counts["cases_open"]:
            overdue = 100 * counts["cases_overdue"] / counts["cases_open"]
            self.stdout.write(f"Просроченный пересмотр среди открытых маршрутов: {overdue:.1f} %")
        self.stdout.write(f"Дублей заведено намеренно: {counts['duplicates']}")
        for phase, seconds in report.timings.items():
            self.stdout.write(f"  {phase}: {seconds:.1f} с")
        self.stdout.write(self.style.SUCCESS(f"Готово за {elapsed:.1f} с."))
