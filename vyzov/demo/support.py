"""Demo of family support reproducing the brochure's table of «Дети в семье» services (002, п. 5):
per pilot region the number of services, specialists and families on support (407 / 2 916 / 24 708 in
all). Services beyond the demo organisations are added as «(демо)» units; families on support are
light synthetic records. The demo service specialist of Алтайский край gets a case-load of their own.

Structure (002, п. 5): the first service of each region is its regional service and coordinates the
others (territorial; the last of a region with five or more sits in an institution). Staff carry the
specialisations 002 names (head, psychologists, lawyers, methodists, case managers) and 004's
specialists for work with the birth family; each club is led by a psychologist with the qualifications 002
asks. In Красноярский край (004) three of its five units are a mobile brigade, the supervision centre for
families with addictions and the regional supervision service (with a supervisor trained by «Действуем
вместе»). Children's outcomes: each region has closed demo cases of 2025 with an outcome per child — demo
rows, far fewer than the brochure's ≈ 8 000 / ≈ 9 000, which the report shows beside them as the document's
figures."""

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
    SUPERVISION_CENTRE,
    CaseOutcome,
    CaseStatus,
    ChildOutcome,
    ChildOutcomeKind,
    Club,
    ClubSession,
    FamilyCase,
    MethodDocument,
    MethodEvent,
    Referral,
    RiskLevel,
    Service,
    ServiceKind,
    ServiceLevel,
    Specialist,
    SpecialistKind,
    SupervisionFormat,
    SupervisionSession,
)
from vyzov.territories.models import Municipality, Organization, OrganizationKind, Subject
from vyzov.territories.reference import read_csv

FAMILY_NOTE = "демо: семья на сопровождении службы"
KRASNOYARSK = "24"
DEMO_SERVICE_PREFIX = "Служба «Дети в семье» № "
SPECIAL_UNITS = (
    3  # Красноярский край: a mobile brigade, the addiction supervision centre, the supervision service
)
# The staff of a demo service in turn: the head first, then the specialisations 002 and 004 name.
STAFF_CYCLE = [
    SpecialistKind.CASE_MANAGER,
    SpecialistKind.PSYCHOLOGIST,
    SpecialistKind.CASE_MANAGER,
    SpecialistKind.BIRTH_FAMILY,
    SpecialistKind.LAWYER,
    SpecialistKind.METHODIST,
]
# Closed demo cases per region with children's outcomes, and how their children fared (demo shares).
CLOSED_PER_REGION = 24
OUTCOME_WEIGHTS = [
    (ChildOutcomeKind.RETURNED_HOME, 40),
    (ChildOutcomeKind.KEPT_IN_FAMILY, 45),
    (ChildOutcomeKind.SUBSTITUTE_FAMILY, 6),
    (ChildOutcomeKind.INSTITUTION, 5),
    (ChildOutcomeKind.OTHER, 4),
]


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
            )[: max(1, int(row["dv_services"]) - (SPECIAL_UNITS if subject.code == KRASNOYARSK else 0))]
        )
        for number in range(len(organizations), int(row["dv_services"])):
            municipality = municipalities[number % len(municipalities)]
            organizations.append(
                Organization.objects.create(
                    name=f"{DEMO_SERVICE_PREFIX}{number + 1} (демо), {municipality.name}",
                    kind=OrganizationKind.FAMILY_SERVICE,
                    subject=subject,
                    municipality=municipality,
                )
            )
        services = [
            Service.objects.create(organization=org, capacity=rng.randint(40, 200)) for org in organizations
        ]
        _structure(subject, services)
        specialists = []
        for service, count in zip(services, _spread(int(row["dv_specialists"]), len(services)), strict=True):
            for n in range(max(1, count)):
                kind = SpecialistKind.HEAD if n == 0 else STAFF_CYCLE[(n - 1) % len(STAFF_CYCLE)]
                if service.kind == ServiceKind.SUPERVISION_SERVICE and n > 0:
                    kind = SpecialistKind.SUPERVISOR
                specialists.append(
                    Specialist(
                        service=service,
                        full_name=f"Специалист {n + 1} ({service.organization_id}, демо)",
                        position=SpecialistKind(kind).label,
                        kind=kind,
                        profile_education=kind == SpecialistKind.PSYCHOLOGIST,
                        supervisor_trained_on=dt.date(2025, 6, 20)
                        if kind == SpecialistKind.SUPERVISOR
                        else None,
                        supervisor_trained_by=SUPERVISION_CENTRE if kind == SpecialistKind.SUPERVISOR else "",
                    )
                )
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
        _closed_cases(subject, municipalities, services[0], rng)
        leader = Specialist.objects.filter(service=services[0], kind=SpecialistKind.PSYCHOLOGIST).first()
        if leader is None:  # a service of one specialist: its head is the club's psychologist
            leader = Specialist.objects.filter(service=services[0]).order_by("pk").first()
        if leader is not None:
            leader.kind, leader.profile_education = SpecialistKind.PSYCHOLOGIST, True
            leader.club_course_on = dt.date(2025, 3, 14)
            leader.save(update_fields=["kind", "profile_education", "club_course_on"])
        club = Club.objects.create(
            service=services[0], title=f"Клуб «Устойчивая семья» — {subject.name}", leader=leader
        )
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


def _structure(subject: Subject, services: list[Service]) -> None:
    """The first service is the regional one and coordinates the rest; Красноярский край (004) has its
    mobile brigade, supervision centre for families with addictions and regional supervision service."""
    regional, others = services[0], services[1:]
    regional.level = ServiceLevel.REGIONAL
    regional.save(update_fields=["level"])
    special = {}
    # Only units this loader created are renamed (the organisations of the territories demo keep their
    # names, so that loading the demo again finds them).
    own = [service for service in others if service.organization.name.startswith(DEMO_SERVICE_PREFIX)]
    if subject.code == KRASNOYARSK and len(own) >= 3:
        brigade, centre, supervision = own[-3:]
        special = {
            brigade.pk: (
                ServiceKind.MOBILE_BRIGADE,
                ServiceLevel.TERRITORIAL,
                "Мобильная бригада экстренной помощи",
            ),
            centre.pk: (
                ServiceKind.ADDICTION_SUPERVISION,
                ServiceLevel.REGIONAL,
                "Супервизорский центр для семей с зависимостями",
            ),
            supervision.pk: (
                ServiceKind.SUPERVISION_SERVICE,
                ServiceLevel.REGIONAL,
                "Региональная супервизорская служба",
            ),
        }
    for number, service in enumerate(others, start=1):
        kind, level, name = special.get(
            service.pk, (ServiceKind.FAMILY_SERVICE, ServiceLevel.TERRITORIAL, "")
        )
        if len(services) >= 5 and number == len(others) and service.pk not in special:
            level = ServiceLevel.INSTITUTION
        service.kind, service.level = kind, level
        service.coordinator = regional if level != ServiceLevel.REGIONAL else None
        service.full_clean()
        service.save(update_fields=["kind", "level", "coordinator"])
        if name:
            organization = service.organization
            place = organization.municipality.name if organization.municipality else subject.name
            organization.name = f"{name} (демо), {place}"
            organization.save(update_fields=["name"])


def _closed_cases(
    subject: Subject, municipalities: list[Municipality], service: Service, rng: random.Random
) -> None:
    """Families whose support ended in 2025, with an outcome for each child (demo rows)."""
    specialist = Specialist.objects.filter(service=service).order_by("pk").first()
    families = bulk_insert(
        [
            Family(
                subject=subject,
                municipality=municipalities[i % len(municipalities)],
                title=f"Семья (демо, сопровождение завершено) № {i + 1}",
                notes=FAMILY_NOTE,
                search_name=f"семья (демо, сопровождение завершено) № {i + 1}",
            )
            for i in range(CLOSED_PER_REGION)
        ]
    )
    kinds, weights = zip(*OUTCOME_WEIGHTS, strict=True)
    cases, outcomes = [], []
    for family in families:
        intake = dt.date(2025, 1, 9) + dt.timedelta(days=rng.randint(0, 200))
        closed = intake + dt.timedelta(days=rng.randint(60, 150))
        children = rng.randint(1, 4)
        results = rng.choices(kinds, weights=weights, k=children)
        case_outcome = (
            CaseOutcome.RETURNED_HOME
            if ChildOutcomeKind.RETURNED_HOME in results
            else CaseOutcome.SEPARATION_PREVENTED
            if ChildOutcomeKind.KEPT_IN_FAMILY in results
            else CaseOutcome.OTHER
        )
        cases.append(
            FamilyCase(
                service=service,
                specialist=specialist,
                family=family,
                referral=rng.choice(Referral.values),
                reason="Риск разлучения (демо)",
                intake_date=intake,
                risk_level=rng.choice(RiskLevel.values),
                children_count=children,
                status=CaseStatus.CLOSED,
                closed_on=closed,
                outcome=case_outcome,
            )
        )
        outcomes.append((results, closed))
    cases = bulk_insert(cases)
    bulk_insert(
        [
            ChildOutcome(case=case, number=number, outcome=result, date=closed)
            for case, (results, closed) in zip(cases, outcomes, strict=True)
            for number, result in enumerate(results, start=1)
        ]
    )


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
