"""Benchmark of the contest pages at the scale of the 2017 contest and beyond: 600 accepted
applications, 3 experts each, 13 criteria — 23 400 scores; the ranking recomputes all of them."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.utils import timezone

from vyzov.accounts.models import Role, ScopeLevel
from vyzov.bench.cases import bench_user, client_for
from vyzov.bench.measure import Measurement, measure_page
from vyzov.contests.models import (
    Application,
    ApplicationStatus,
    Category,
    Contest,
    ContestStatus,
    CriteriaSet,
    Criterion,
    ExpertAssignment,
    Score,
)
from vyzov.territories.models import Municipality, Subject

APPLICATIONS = 600
EXPERTS = 12
TARGET_MS = 500
EXPERT_HOME = "77"


def ensure_contest() -> tuple[Contest, list]:
    experts = [
        bench_user(f"bench_expert_{n}", Role.CONTEST_EXPERT, level=ScopeLevel.COUNTRY) for n in range(EXPERTS)
    ]
    # Experts need a home subject (conflict of interest); no application comes from it.
    home = Subject.objects.get(code=EXPERT_HOME)
    for expert in experts:
        if expert.home_subject_id != home.pk:
            expert.home_subject = home
            expert.save(update_fields=["home_subject"])
    contest = Contest.objects.filter(title="Конкурс для замеров").first()
    if contest:
        return contest, experts
    contest = Contest.objects.create(
        year=2030,
        title="Конкурс для замеров",
        status=ContestStatus.REVIEW,
        submission_deadline=dt.date(2030, 1, 1),
    )
    categories = [
        Category.objects.create(
            contest=contest, code=code, order=n, title=f"Категория {code}", settlement_type="city"
        )
        for n, code in enumerate(["I", "II", "III", "IV"])
    ]
    criteria_set = CriteriaSet.objects.create(contest=contest, settlement_type="city")
    criteria = Criterion.objects.bulk_create(
        Criterion(criteria_set=criteria_set, number=n, title=f"Критерий {n}", max_points=5)
        for n in range(1, 14)
    )
    municipalities = list(
        Municipality.objects.exclude(subject__code=EXPERT_HOME).order_by("pk")[:APPLICATIONS]
    )
    subjects = {s.pk: s for s in Subject.objects.select_related("district")}
    applications = Application.objects.bulk_create(
        Application(
            contest=contest,
            municipality=m,
            subject_id=m.subject_id,
            settlement_name=m.name,
            historical_district=subjects[m.subject_id].district.name,
            category=categories[n % 4],
            status=ApplicationStatus.ACCEPTED,
            submitted_at=timezone.now(),
            report_received=True,
        )
        for n, m in enumerate(municipalities)
    )
    assignments = ExpertAssignment.objects.bulk_create(
        ExpertAssignment(application=a, expert=experts[(n + k * 5) % EXPERTS], submitted_at=timezone.now())
        for n, a in enumerate(applications)
        for k in range(3)
    )
    Score.objects.bulk_create(
        (
            Score(
                assignment=assignment,
                criterion=criterion,
                points=Decimal((assignment.pk + criterion.number) % 6),
            )
            for assignment in assignments
            for criterion in criteria
        ),
        batch_size=5000,
    )
    return contest, experts


def run(*, runs: int, log=print) -> list[Measurement]:
    contest, experts = ensure_contest()
    admin = bench_user("bench_contests_admin", Role.FEDERAL_ANALYST, level=ScopeLevel.COUNTRY)
    count = contest.applications.count()
    application = (
        ExpertAssignment.objects.filter(expert=experts[0], application__contest=contest).first().application
    )
    log(
        f"Конкурс: {count} заявок, {Score.objects.filter(assignment__application__contest=contest).count()} оценок"
    )
    client = client_for(admin)
    return [
        measure_page(
            f"Рейтинг конкурса ({count} заявок, пересчёт всех оценок)",
            client,
            f"/contests/{contest.pk}/ranking/",
            runs=runs,
            target_ms=TARGET_MS,
        ),
        measure_page(
            "Заявки конкурса (постранично)",
            client,
            f"/contests/{contest.pk}/applications/",
            runs=runs,
            target_ms=150,
        ),
        measure_page(
            "Страница оценки эксперта (13 критериев)",
            client_for(experts[0]),
            f"/contests/applications/{application.pk}/score/",
            runs=runs,
            target_ms=150,
        ),
    ]
