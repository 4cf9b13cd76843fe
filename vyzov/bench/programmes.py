"""Benchmark of the regional passport (the federal team's review page) on the national data set: each
pilot region with a programme of 10 indicators and 30 measures and an МРГ with 150 assignments."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.contrib.contenttypes.models import ContentType
from django.utils import timezone

from vyzov.accounts.models import Role, ScopeLevel
from vyzov.bench.cases import bench_user, client_for, rotating
from vyzov.bench.measure import Measurement, measure_page
from vyzov.consilium.models import ActionItem, ActionStatus
from vyzov.programmes import services
from vyzov.programmes.models import (
    IndicatorActual,
    IndicatorTarget,
    Measure,
    ProgrammeIndicator,
    RegionalProgramme,
    WorkingGroup,
    WorkingGroupDecision,
    WorkingGroupMeeting,
)
from vyzov.territories.models import Organization, Subject

TARGET_MS = 300


def ensure_region(subject: Subject, admin) -> None:
    if RegionalProgramme.objects.filter(subject=subject).exists():
        return
    programme = services.programme_create(
        actor=admin, subject=subject, title="Программа для замеров", start_year=2025, end_year=2026
    )
    directions = list(programme.directions.all())
    for number in range(10):
        indicator = ProgrammeIndicator.objects.create(
            direction=directions[number % 8],
            name=f"Показатель {number}",
            better="lower" if number % 2 else "higher",
            baseline=Decimal(100),
        )
        IndicatorTarget.objects.bulk_create(
            IndicatorTarget(indicator=indicator, year=year, value=Decimal(75 + year % 2))
            for year in (2025, 2026)
        )
        IndicatorActual.objects.bulk_create(
            IndicatorActual(indicator=indicator, as_of=dt.date(2025, month, 1), value=Decimal(100 - month))
            for month in (4, 7, 10)
        )
    Measure.objects.bulk_create(
        Measure(
            direction=directions[n % 8],
            title=f"Мероприятие {n}",
            responsible="Министерство",
            deadline=dt.date(2026, 1 + n % 12, 1),
            status="done" if n % 3 else "planned",
        )
        for n in range(30)
    )
    group = WorkingGroup.objects.create(subject=subject, title="МРГ для замеров")
    organization = Organization.objects.filter(subject=subject).order_by("pk").first()
    today = timezone.localdate()
    origin_type = ContentType.objects.get_for_model(WorkingGroupDecision)
    for number in range(10):
        meeting = WorkingGroupMeeting.objects.create(
            group=group, date=today - dt.timedelta(days=30 * number), agenda="Повестка"
        )
        decisions = WorkingGroupDecision.objects.bulk_create(
            WorkingGroupDecision(meeting=meeting, text=f"Решение {n}") for n in range(5)
        )
        ActionItem.objects.bulk_create(
            ActionItem(
                origin_type=origin_type,
                origin_id=decision.pk,
                subject=subject,
                municipality=organization.municipality,
                organization=organization,
                what="Поручение",
                deadline=today + dt.timedelta(days=n * 7 - 10),
                status=ActionStatus.DONE if n == 0 else ActionStatus.ASSIGNED,
            )
            for decision in decisions
            for n in range(3)
        )


def run(*, runs: int, log=print) -> list[Measurement]:
    admin = bench_user("bench_programmes_admin", Role.FEDERAL_ADMIN, level=ScopeLevel.COUNTRY)
    pilots = list(Subject.objects.filter(is_pilot=True).order_by("code"))
    for subject in pilots:
        ensure_region(subject, admin)
    analyst = bench_user("bench_programmes_analyst", Role.FEDERAL_ANALYST, level=ScopeLevel.COUNTRY)
    log(f"Паспорт региона: {len(pilots)} пилотных регионов с программами")
    return [
        measure_page(
            "Паспорт региона (федеральная команда)",
            client_for(analyst),
            rotating([f"/programmes/regions/{s.code}/passport/" for s in pilots]),
            runs=runs,
            target_ms=TARGET_MS,
        ),
        measure_page(
            "Региональная программа: 10 показателей, 30 мероприятий",
            client_for(analyst),
            rotating([f"/programmes/{p.pk}/" for p in RegionalProgramme.objects.filter(subject__in=pilots)]),
            runs=runs,
            target_ms=TARGET_MS,
        ),
    ]
