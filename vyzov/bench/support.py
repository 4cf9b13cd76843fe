"""Benchmark of a specialist's case-load page with 300 open cases on the national data set."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from vyzov.accounts.models import Role, ScopeLevel
from vyzov.bench.cases import bench_user, client_for
from vyzov.bench.measure import Measurement, measure_page
from vyzov.cases.models import Family
from vyzov.support.models import CaseStatus, FamilyCase, Service, Specialist
from vyzov.territories.models import Organization, OrganizationKind

TARGET_MS = 150
CASES = 300


def ensure_specialist() -> Specialist:
    organization = Organization.objects.filter(kind=OrganizationKind.FAMILY_SERVICE).order_by("pk").first()
    service, _ = Service.objects.get_or_create(organization=organization)
    user = bench_user(
        "bench_service_specialist",
        Role.SERVICE_SPECIALIST,
        level=ScopeLevel.ORGANIZATION,
        organization=organization,
    )
    specialist, _ = Specialist.objects.get_or_create(
        service=service, user=user, defaults={"full_name": "Специалист для замеров"}
    )
    missing = CASES - FamilyCase.objects.filter(specialist=specialist, status=CaseStatus.OPEN).count()
    if missing > 0:
        today = timezone.localdate()
        families = Family.objects.filter(subject=organization.subject_id).order_by("pk")[:missing]
        FamilyCase.objects.bulk_create(
            FamilyCase(
                service=service,
                specialist=specialist,
                family=family,
                referral="guardianship",
                reason="замеры",
                intake_date=today - dt.timedelta(days=n % 400),
                children_count=2,
                next_review_date=today + dt.timedelta(days=(n % 60) - 20),
            )
            for n, family in enumerate(families)
        )
    return specialist


def run(*, runs: int, log=print) -> list[Measurement]:
    specialist = ensure_specialist()
    client = client_for(specialist.user)
    count = FamilyCase.objects.filter(specialist=specialist, status=CaseStatus.OPEN).count()
    log(f"Нагрузка специалиста: {count} семей")
    return [
        measure_page(
            f"Нагрузка специалиста ({count} семей)",
            client,
            f"/support/specialists/{specialist.pk}/caseload/",
            runs=runs,
            target_ms=TARGET_MS,
        ),
        measure_page(
            "Поддержка семей: обзор федерального пользователя",
            client_for(bench_user("bench_fed_admin", Role.FEDERAL_ADMIN, level=ScopeLevel.COUNTRY)),
            "/support/",
            runs=runs,
            target_ms=TARGET_MS,
        ),
    ]
