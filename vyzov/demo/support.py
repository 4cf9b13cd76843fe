"""Demo of family support reproducing the brochure's table of «Дети в семье» services (002, п. 5):
per pilot region the number of services, specialists and families on support (407 / 2 916 / 24 708 in
all). Services beyond the demo organisations are added as «(демо)» units; families on support are
light synthetic records. The demo service specialist of Алтайский край gets a case-load of their own."""

from __future__ import annotations

import csv
import datetime as dt
import random
from pathlib import Path

from django.apps import apps
from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone

from vyzov.accounts.models import User
from vyzov.cases.models import Family
from vyzov.core.bulk import bulk_insert
from vyzov.support.models import (
    CaseStatus,
    Club,
    ClubSession,
    FamilyCase,
    MethodDocument,
    MethodEvent,
    Referral,
    RiskLevel,
    Service,
    Specialist,
    SupervisionFormat,
    SupervisionSession,
)
from vyzov.territories.models import Municipality, Organization, OrganizationKind, Subject
from vyzov.territories.reference import read_csv

FAMILY_NOTE = "демо: семья на сопровождении службы"


def load_formats() -> None:
    path = Path(apps.get_app_config("support").path) / "data" / "supervision_formats.csv"
    with path.open(encoding="utf-8") as handle:
        for row in csv.DictReader(handle):
            SupervisionFormat.objects.update_or_create(
                title=row["format"], defaults={"provider": row["provider"], "order": int(row["no"])}
            )


def _spread(total: int, parts: int) -> list[int]:
    base, rest = divmod(total, parts)
    return [base + (1 if i < rest else 0) for i in range(parts)]


@transaction.atomic
def load(*, seed: int = 2024) -> int:
    load_formats()
    if Service.objects.exists():
        return 0
    rng = random.Random(seed)  # noqa: S311 — demo data
    today = timezone.localdate()
    for row in read_csv("vyzov_pilot_regions.csv"):
        subject = Subject.objects.get(code=row["subject_code"])
        municipalities = list(Municipality.objects.filter(subject=subject).order_by("-population")[:12])
        organizations = list(
            Organization.objects.filter(subject=subject, kind=OrganizationKind.FAMILY_SERVICE).order_by(
                "name"
            )[: int(row["dv_services"])]
        )
        for number in range(len(organizations), int(row["dv_services"])):
            municipality = municipalities[number % len(municipalities)]
            organizations.append(
                Organization.objects.create(
                    name=f"Служба «Дети в семье» № {number + 1} (демо), {municipality.name}",
                    kind=OrganizationKind.FAMILY_SERVICE,
                    subject=subject,
                    municipality=municipality,
                )
            )
        services = [
            Service.objects.create(organization=org, capacity=rng.randint(40, 200)) for org in organizations
        ]
        specialists = []
        for service, count in zip(services, _spread(int(row["dv_specialists"]), len(services)), strict=True):
            specialists += [
                Specialist(
                    service=service,
                    full_name=f"Специалист {n + 1} ({service.organization_id}, демо)",
                    position="специалист по социальной работе",
                )
                for n in range(max(1, count))
            ]
        specialists = bulk_insert(specialists)
        families_total = int(row["dv_families_on_support"])
        families = bulk_insert(
            [
                Family(
                    subject=subject,
                    municipality=municipalities[i % len(municipalities)],
                    title=f"Семья (демо) № {i + 1}",
                    notes=FAMILY_NOTE,
                    search_name=f"семья (демо) № {i + 1}",
                )
                for i in range(families_total)
            ]
        )
        bulk_insert(
            [
                FamilyCase(
                    service=specialist.service,
                    specialist=specialist,
                    family=family,
                    referral=rng.choice(Referral.values),
                    reason="Риск разлучения (демо)",
                    intake_date=today - dt.timedelta(days=rng.randint(10, 500)),
                    risk_level=rng.choice(RiskLevel.values),
                    children_count=rng.randint(1, 4),
                    next_review_date=today + dt.timedelta(days=rng.randint(-30, 90)),
                    status=CaseStatus.OPEN,
                )
                for family, specialist in zip(
                    families, (specialists[i % len(specialists)] for i in range(families_total)), strict=False
                )
            ]
        )
        club = Club.objects.create(service=services[0], title=f"Клуб «Устойчивая семья» — {subject.name}")
        club.families.set(families[:15])
        for week in range(4):
            ClubSession.objects.create(
                club=club,
                date=today - dt.timedelta(days=7 * (week + 1)),
                topic=[
                    "Режим дня и правила дома",
                    "Как договариваться с подростком",
                    "Бюджет семьи",
                    "Поддержка после возвращения ребёнка",
                ][week],
                facilitator="Психолог службы (демо)",
                families_attended=rng.randint(5, 15),
                children_attended=rng.randint(3, 20),
            )
        session = SupervisionSession.objects.create(
            service=services[0],
            format=SupervisionFormat.objects.order_by("order").first(),
            date=today - dt.timedelta(days=20),
            supervisor="Супервизор центра «Действуем вместе» (демо)",
            hours=3,
            recommendations="Разобраны два сложных случая; рекомендовано чаще бывать у семьи дома.",
        )
        session.participants.set(Specialist.objects.filter(service=services[0])[:5])
        centre = Organization.objects.filter(subject=subject, kind=OrganizationKind.RESOURCE_CENTRE).first()
        if centre:
            MethodEvent.objects.create(
                organization=centre,
                kind="training",
                date=today - dt.timedelta(days=40),
                title="Обучение специалистов служб: оценка риска разлучения",
                participants=rng.randint(20, 60),
            )
    _library(today)
    _altai_specialist()
    return Service.objects.count()


def _library(today: dt.date) -> None:
    altai = Subject.objects.get(code="22")
    for title, text in [
        (
            "Алгоритм работы службы «Дети в семье» со случаем (демо)",
            "Приём, оценка, план, сопровождение, закрытие.",
        ),
        (
            "Памятка: оценка риска разлучения ребёнка с семьёй (демо)",
            "Признаки высокого риска и первые шаги.",
        ),
    ]:
        document = MethodDocument(title=title, description=text, subject=altai)
        document.file.save("document.pdf", ContentFile(b"%PDF-1.4\n% demo document\n"), save=False)
        document.save()


def _altai_specialist() -> None:
    """The demo account `service_altai` works in its service: a Specialist record with 12 families."""
    user = User.objects.filter(username="service_altai").first()
    if user is None:
        return
    grant = user.grants.filter(organization__isnull=False).first()
    service = Service.objects.filter(organization=grant.organization).first() if grant else None
    if service is None:
        return
    specialist = Specialist.objects.filter(service=service).order_by("pk").first()
    specialist.user, specialist.full_name = user, user.full_name  # one of the brochure's specialists
    specialist.save(update_fields=["user", "full_name"])
    cases = list(FamilyCase.objects.filter(service=service).order_by("pk")[:12])
    for case in cases:
        case.specialist = specialist
    FamilyCase.objects.bulk_update(cases, ["specialist"])
