"""Benchmarks of the situational centre (run by `manage.py bench`): 89 subjects × 12 quarters ×
20 indicators, with municipality-level figures, as the issue asks."""

from __future__ import annotations

import datetime as dt
import random

from django.db import connection, transaction
from django.db.models import Sum
from django.test import Client, override_settings

from vyzov.accounts.models import Role, ScopeLevel
from vyzov.bench.cases import bench_user, client_for
from vyzov.bench.measure import Measurement, measure_page
from vyzov.monitoring import reference, rollups
from vyzov.monitoring.models import Direction, Figure, FigureSource, Indicator, QuarterReport, ReportStatus
from vyzov.territories.models import Municipality, Subject

TARGET_MS = 200
EXPLORER_TARGET_MS = 500  # issue 18: any explorer view at national scale
BENCH_MARK = "bench:"


def _quarters() -> list[dt.date]:
    dates, year, month = [], 2023, 1
    while len(dates) < 12:
        dates.append(dt.date(year, month, 1))
        month += 3
        if month > 12:
            year, month = year + 1, 1
    return dates


@transaction.atomic
def ensure_data(*, log=print) -> None:
    """Fill monitoring for the benchmark unless it is already there (idempotent)."""
    reference.load_all()
    if Figure.objects.filter(comment__startswith=BENCH_MARK).exists():
        return
    rng = random.Random(7)  # noqa: S311 — benchmark data
    indicators = list(Indicator.objects.order_by("order"))
    for number in range(len(indicators), 20):
        indicator, _ = Indicator.objects.get_or_create(
            code=f"bench_indicator_{number}",
            defaults={
                "name": f"Показатель для замеров № {number}",
                "direction": Direction.LOWER_IS_BETTER,
                "order": 1000 + number,
            },
        )
        indicators.append(indicator)
    main = Indicator.objects.get(code=reference.MAIN_INDICATOR)
    municipalities: dict[int, list[Municipality]] = {}
    for municipality in Municipality.objects.order_by("pk"):
        municipalities.setdefault(municipality.subject_id, []).append(municipality)
    QuarterReport.objects.all().delete()
    figures = []
    quarters = _quarters()
    for subject in Subject.objects.order_by("code"):
        base = rng.randint(150, 3000)
        for index, as_of in enumerate(quarters):
            report = QuarterReport.objects.create(subject=subject, as_of=as_of, status=ReportStatus.ACCEPTED)
            level = round(base * (1 - 0.02 * index) * rng.uniform(0.97, 1.03))
            for indicator in indicators:
                if indicator == main:
                    continue
                figures.append(
                    Figure(
                        report=report,
                        indicator=indicator,
                        subject=subject,
                        as_of=as_of,
                        value=rng.randint(0, level),
                        source=FigureSource.DEMO,
                        comment=BENCH_MARK,
                    )
                )
            places = municipalities.get(subject.pk, [])
            for municipality in places:
                figures.append(
                    Figure(
                        report=report,
                        indicator=main,
                        subject=subject,
                        municipality=municipality,
                        as_of=as_of,
                        value=rng.randint(0, max(1, 2 * level // max(1, len(places)))),
                        source=FigureSource.DEMO,
                        comment=BENCH_MARK,
                    )
                )
    Figure.objects.bulk_create(figures, batch_size=5000)
    reference.set_targets(
        baselines=dict(
            Figure.objects.filter(indicator=main, as_of=reference.BASELINE_DATE, municipality__isnull=False)
            .values_list("subject__code")
            .annotate(total=Sum("value"))
            .order_by()
        )
    )
    for as_of in quarters:
        rollups.recompute(as_of=as_of)
    if connection.vendor == "postgresql":
        # Fresh statistics of what was just seeded (autovacuum would do it later): without them the
        # planner expects one row and the municipality views took a second instead of a few ms.
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE monitoring_figure, monitoring_quarterreport, monitoring_rollup")
    log(
        f"Мониторинг для замеров: {len(figures)} значений, {len(quarters)} кварталов, {len(indicators)} показателей"
    )


def run(*, runs: int, log=print) -> list[Measurement]:
    ensure_data(log=log)
    analyst = bench_user("bench_fed_analyst", Role.FEDERAL_ANALYST, level=ScopeLevel.COUNTRY)
    client = client_for(analyst)
    return [
        measure_page(
            "Ситуационный центр: обзор страны", client, "/monitoring/", runs=runs, target_ms=TARGET_MS
        ),
        measure_page(
            "Ситуационный центр: страница региона",
            client,
            "/monitoring/regions/24/",
            runs=runs,
            target_ms=TARGET_MS,
        ),
        measure_page(
            "Ситуационный центр: рейтинг", client, "/monitoring/ranking/", runs=runs, target_ms=TARGET_MS
        ),
        *explorer_run(client=client, runs=runs),
    ]


def explorer_run(*, client, runs: int) -> list[Measurement]:
    """The analytics explorer and open data at national scale: every indicator × 12 quarters at each
    territory level, the municipalities of the whole country, the API and the open-data files."""
    quarters = _quarters()
    period = f"start={quarters[0].isoformat()}&end={quarters[-1].isoformat()}"
    every = "&".join(f"indicator={code}" for code in Indicator.objects.values_list("code", flat=True))
    main = f"indicator={reference.MAIN_INDICATOR}"
    views = [
        ("субъекты × 20 показателей × 12 кварталов", f"/monitoring/explore/?{every}&level=subject&{period}"),
        ("субъекты, кварталы в строках", f"/monitoring/explore/?{every}&level=subject&rows=period&{period}"),
        ("округа × 20 показателей × 12 кварталов", f"/monitoring/explore/?{every}&level=district&{period}"),
        ("страна × 20 показателей × 12 кварталов", f"/monitoring/explore/?{every}&level=country&{period}"),
        (
            "пилотная группа × 20 показателей × 12 кварталов",
            f"/monitoring/explore/?{every}&level=pilot&{period}",
        ),
        (
            "2 300 муниципалитетов страны, 12 кварталов",
            f"/monitoring/explore/?{main}&level=municipality&{period}",
        ),
        (
            "муниципалитеты Красноярского края",
            f"/monitoring/explore/?{main}&level=municipality&subject=24&{period}",
        ),
        ("API: субъекты × 20 показателей", f"/api/v1/monitoring/explore/?{every}&level=subject&{period}"),
        ("полнота и своевременность, 89 субъектов", "/monitoring/completeness/?quarters=12"),
    ]
    measurements = [
        measure_page(f"Конструктор аналитики: {name}", client, url, runs=runs, target_ms=EXPLORER_TARGET_MS)
        for name, url in views
    ]
    anonymous = Client()
    # The open data set is cached between requests (as in production); the per-address limit is lifted
    # for the measurement, which sends many requests from one address.
    with override_settings(VYZOV_OPEN_DATA_RATE=1_000_000):
        for name, url in (
            ("страница", "/open-data/"),
            ("CSV", "/open-data/data.csv"),
            ("JSON", "/open-data/data.json"),
        ):
            measurements.append(
                measure_page(
                    f"Открытые данные: {name}", anonymous, url, runs=runs, target_ms=EXPLORER_TARGET_MS
                )
            )
    return measurements
