"""Demo of the contests: the 2016 and 2017 contests from the Fund's reports (history), the practice
library, and a 2026 contest with the 2017 set-up that is taking applications: a dozen towns have applied,
experts (expert_samara and two more) have scored some, one application shows disagreeing experts.

The seeds give no points and no list of rural criteria: the 2026 points, the nine rural criteria and the
bonus values are assumptions, labelled as such on the contest page."""

from __future__ import annotations

import csv
import datetime as dt
from decimal import Decimal
from pathlib import Path

from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.utils import timezone

from vyzov.accounts.models import Role, ScopeLevel, User
from vyzov.accounts.services import grant_build
from vyzov.contests import history, services
from vyzov.contests.models import (
    BonusItem,
    Contest,
    CriteriaSet,
    Criterion,
    ExpertAssignment,
    MemberRole,
    Nomination,
    OrganisationRole,
    SettlementType,
    Stage,
)
from vyzov.core.seeds import with_titles
from vyzov.practices.services import load_reference_practices
from vyzov.territories.models import Municipality, MunicipalityKind, Subject

ASSUMED_POINTS = Decimal(5)
RURAL_CRITERIA = (1, 2, 3, 4, 6, 7, 8, 12, 13)  # assumption: the seed does not list the rural nine
ASSUMED_BONUS = {
    1: (Decimal(5), Decimal(5)),
    2: (Decimal(2), Decimal(2)),
    3: (Decimal(2), Decimal(2)),
    4: (Decimal(1), Decimal(1)),
}
APPLICANTS = [
    ("22", "Барнаул"),
    ("22", "Бийск"),
    ("22", "Заринск"),
    ("59", "Пермь"),
    ("59", "Березники"),
    ("38", "Иркутск"),
    ("38", "Саянск"),
    ("24", "Красноярск"),
    ("24", "Канск"),
    ("63", "Самара"),
    ("66", "Екатеринбург"),
    ("56", "Оренбург"),
]
PRACTICES = [
    (
        1,
        "Школа ответственного родительства",
        "Центр помощи семье и детям",
        "Семьи в трудной жизненной ситуации получают индивидуальный план выхода из неё: консультации, помощь в "
        "трудоустройстве, сопровождение специалиста службы «Дети в семье».",
        "Ситуация стабилизировалась у 60 % семей.",
    ),
    (
        4,
        "Клуб отцов «Папа может»",
        "Центр социальной помощи семье",
        "Отцы вместе с детьми участвуют в спортивных и творческих встречах, обмениваются опытом воспитания.",
        "В клубе 40 семей.",
    ),
    (
        6,
        "Школа приёмных родителей",
        "Отдел опеки и попечительства",
        "Подготовка и сопровождение замещающих семей, встречи с психологом.",
        "Устроены в семьи 25 детей.",
    ),
    (
        12,
        "Волонтёры — семьям",
        "Ресурсный центр добровольчества",
        "Волонтёры помогают многодетным семьям и семьям с детьми-инвалидами.",
        "Помощь получили 120 семей.",
    ),
]
FUND = "Фонд поддержки детей, находящихся в трудной жизненной ситуации"
# 003 (2019): the Fund «проводит Всероссийский конкурс «Города для детей»».
ORGANISER_BASIS = "«…Фонд поддержки детей, находящихся в трудной жизненной ситуации, который … проводит Всероссийский конкурс «Города для детей»»"
# The seeds name no member of any commission: the 2026 commission is fictional and says so.
COMMISSION = [
    ("Председатель комиссии (демо)", "заместитель председателя правления", FUND, MemberRole.CHAIR),
    ("Секретарь комиссии (демо)", "главный специалист", FUND, MemberRole.SECRETARY),
    ("Член комиссии 1 (демо)", "эксперт", "Ассоциация малых и средних городов России", MemberRole.MEMBER),
    ("Член комиссии 2 (демо)", "эксперт", "Минтруд России", MemberRole.MEMBER),
    ("Член комиссии 3 (демо)", "эксперт по семейной политике", "", MemberRole.MEMBER),
]
ANSWER = (
    "Демо: создан совет жителей при главе города, проведено 12 встреч с семьями; дети сняли видеопрезентацию "
    "акции «А у нас во дворе»; перечень потребностей семей обновляется на сайте администрации."
)


def _expert(username: str, full_name: str, home: str) -> User:
    user, created = User.objects.get_or_create(
        username=username,
        defaults={
            "full_name": full_name,
            "email": f"{username}@demo.vyzov.invalid",
            "home_subject": Subject.objects.get(code=home),
        },
    )
    if created:
        user.set_unusable_password()  # scores loaded by the demo; nobody signs in as this person
        user.save()
        grant = grant_build(role=Role.CONTEST_EXPERT, level=ScopeLevel.COUNTRY)
        grant.user = user
        grant.save()
    return user


def roman(number: int) -> str:
    digits = [(10, "X"), (9, "IX"), (5, "V"), (4, "IV"), (1, "I")]
    text = ""
    for value, letters in digits:
        while number >= value:
            text, number = text + letters, number - value
    return text


def contest_number(year: int) -> str:
    """The contest's number in the annual series that was the VII in 2016 (000) and the VIII in 2017 (001)."""
    return roman(7 + year - 2016)


def _contest_2026(admin) -> Contest:
    source = Contest.objects.get(is_history=True, year=2017)
    # 003 (2019) calls the contest «Всероссийский конкурс «Города для детей»»; the series is annual
    # (VII in 2016, VIII in 2017), so the 2026 contest is the XVII.
    contest = services.contest_copy(
        actor=admin, source=source, year=2026, title="Всероссийский конкурс «Города для детей»"
    )
    contest.number, contest.submission_deadline = contest_number(2026), dt.date(2026, 12, 15)
    contest.save()
    Stage.objects.bulk_create(
        [
            Stage(
                contest=contest,
                title="Приём заявок",
                date_from=dt.date(2026, 9, 1),
                date_to=dt.date(2026, 12, 15),
            ),
            Stage(
                contest=contest,
                title="Экспертиза",
                date_from=dt.date(2026, 12, 16),
                date_to=dt.date(2027, 2, 15),
            ),
            Stage(
                contest=contest,
                title="Подведение итогов",
                date_from=dt.date(2027, 2, 16),
                date_to=dt.date(2027, 3, 1),
            ),
        ]
    )
    city = contest.criteria_sets.get(settlement_type=SettlementType.CITY)
    city.assumption = "Демо-допущение: по 5 баллов за критерий (в отчёте 2017 г. баллы не указаны)."
    city.save()
    city.criteria.update(max_points=ASSUMED_POINTS)
    rural = CriteriaSet.objects.create(
        contest=contest,
        settlement_type=SettlementType.RURAL,
        assumption="Демо-допущение: какие 9 из 13 критериев применяются к сельским поселениям, отчёт не говорит; "
        "по 5 баллов за критерий.",
    )
    Criterion.objects.bulk_create(
        Criterion(criteria_set=rural, number=c.number, title=c.title, max_points=ASSUMED_POINTS)
        for c in city.criteria.filter(number__in=RURAL_CRITERIA)
    )
    _extra_bonus_items(contest)
    for item in BonusItem.objects.filter(contest=contest):
        item.points, item.cap = ASSUMED_BONUS.get(item.number, (Decimal(1), Decimal(1)))
        item.save()
    services.organisation_add(
        actor=admin,
        contest=contest,
        data={
            "name": FUND,
            "organisation_role": OrganisationRole.ORGANISER,
            "basis": with_titles(f"{ORGANISER_BASIS} (003_f06f9ca8a6f9353a.txt, п. 1 Декларации)"),
        },
    )
    for full_name, position, organisation, role in COMMISSION:
        services.commission_member_add(
            actor=admin,
            contest=contest,
            data={
                "full_name": full_name,
                "position": position,
                "organisation": organisation,
                "member_role": role,
            },
        )
    Nomination.objects.bulk_create(
        [
            Nomination(contest=contest, title="Лучшая практика вовлечения отцов"),
            Nomination(contest=contest, title="Голос детей"),
        ]
    )
    services.regulation_upload(
        actor=admin,
        contest=contest,
        uploaded=SimpleUploadedFile("polozhenie-2026-demo.docx", _regulation_docx(contest)),
        title="Положение о конкурсе (демо: составлено из настроек конкурса)",
    )
    return services.contest_advance(actor=admin, contest=contest)  # open for applications


def _extra_bonus_items(contest: Contest) -> None:
    """Bonus items the programme's later documents give (`contests/data/contest_bonus_items.csv`): the
    children's helpline 8-800-2000-122 (003). Points are the demo's assumption, like the others."""
    path = Path(history.__file__).resolve().parent / "data" / "contest_bonus_items.csv"
    with path.open(encoding="utf-8", newline="") as handle:
        extra = [row for row in csv.DictReader(handle) if int(row["from_year"]) <= contest.year]
    number = max((item.number for item in contest.bonus_items.all()), default=0)
    for offset, row in enumerate(extra, start=1):
        services.setup_item_add(
            actor=User.objects.get(username="fed_admin"),
            contest=contest,
            item=BonusItem(
                contest=contest,
                number=number + offset,
                title=row["title"],
                points=Decimal(1),
                cap=Decimal(1),
                basis=with_titles(f"{row['basis']}. {row['note']}")[:1000],
            ),
        )


def _regulation_docx(contest: Contest) -> bytes:
    """A regulation put together from the contest's own set-up in the system (the seeds give no text of
    a regulation), marked as the demo's."""
    import io

    from docx import Document

    document = Document()
    document.add_heading(f"Положение о конкурсе: {contest.number} {contest.title} ({contest.year})", level=1)
    document.add_paragraph(
        "Демо: документ составлен из настроек конкурса в системе; текста положения в материалах программы нет."
    )
    document.add_heading("Сроки", level=2)
    for stage in contest.stages.all():
        document.add_paragraph(f"{stage.title}: {stage.date_from:%d.%m.%Y} — {stage.date_to:%d.%m.%Y}")
    document.add_heading("Категории участников", level=2)
    for category in contest.categories.all():
        document.add_paragraph(f"{category.code}. {category.title}")
    document.add_heading("Задания", level=2)
    for task in contest.tasks.all():
        document.add_paragraph(f"{task.get_kind_display().capitalize()} {task.number}. {task.text}")
    document.add_heading("Критерии оценки", level=2)
    for criteria_set in contest.criteria_sets.prefetch_related("criteria"):
        document.add_paragraph(f"{criteria_set.get_settlement_type_display().capitalize()}:")
        for criterion in criteria_set.criteria.all():
            document.add_paragraph(f"{criterion.number}. {criterion.title} — до {criterion.max_points} б.")
    document.add_heading("Дополнительные баллы", level=2)
    for item in contest.bonus_items.all():
        document.add_paragraph(f"{item.title} — {item.points} б.")
    stream = io.BytesIO()
    document.save(stream)
    return stream.getvalue()


def _rural_settlement() -> Municipality:
    municipality, _ = Municipality.objects.get_or_create(
        subject=Subject.objects.get(code="22"),
        name="Шульгинский сельсовет (демо)",
        kind=MunicipalityKind.RURAL_SETTLEMENT,
        defaults={"population": 1800},
    )
    return municipality


@transaction.atomic
def load() -> int:
    created = history.load_history()
    history.load_history_details()
    load_reference_practices()
    if Contest.objects.filter(is_history=False).exists():
        return created
    admin = User.objects.get(username="fed_admin")
    contest = _contest_2026(admin)
    _expert("expert_moscow", "Эксперт конкурса из Москвы (демо)", "77")
    _expert("expert_kazan", "Эксперт конкурса из Татарстана (демо)", "16")
    criteria = {
        s.settlement_type: list(s.criteria.all()) for s in contest.criteria_sets.prefetch_related("criteria")
    }
    tasks = [task for task in contest.tasks.all() if task.is_answered]
    municipalities = [Municipality.objects.get(subject__code=code, name=name) for code, name in APPLICANTS]
    municipalities.append(_rural_settlement())
    for number, municipality in enumerate(municipalities):
        participant = _participant(municipality)
        application = services.application_create(
            actor=participant, contest=contest, municipality=municipality
        )
        services.application_update(
            actor=participant,
            application=application,
            answers={task.pk: ANSWER for task in tasks},
            social_page=f"https://vk.com/demo_city_{number}",
        )
        settlement = application.category.settlement_type
        for theme, title, organization, description, results in PRACTICES[: 1 + number % len(PRACTICES)]:
            criterion = next((c for c in criteria[settlement] if c.number == theme), criteria[settlement][0])
            services.practice_add(
                actor=participant,
                application=application,
                criterion=criterion,
                data={
                    "title": f"{title} ({municipality.name})",
                    "organization": organization,
                    "description": description,
                    "results": results,
                },
            )
        if number == len(municipalities) - 1:
            continue  # the last one stays a draft
        services.application_submit(actor=participant, application=application)
        if number % 4 == 3:
            continue  # waits for the federal team
        services.application_review(actor=admin, application=application, accept=True)
    services.experts_assign_automatically(actor=admin, contest=contest)
    _scores(contest, criteria)
    return created


def _participant(municipality: Municipality) -> User:
    """The municipality's contest participant: the demo account for Челябинск, generated ones elsewhere."""
    username = f"participant_demo_{municipality.pk}"
    user, created = User.objects.get_or_create(
        username=username,
        defaults={
            "full_name": f"Участник конкурса: {municipality.name} (демо)",
            "email": f"{username}@demo.vyzov.invalid",
            "home_subject": municipality.subject,
        },
    )
    if created:
        user.set_unusable_password()
        user.save()
        grant = grant_build(
            role=Role.CONTEST_PARTICIPANT, level=ScopeLevel.MUNICIPALITY, municipality=municipality
        )
        grant.user = user
        grant.save()
    return user


def _scores(contest: Contest, criteria) -> None:
    """Experts other than expert_samara score everything assigned; expert_samara has work waiting. One
    application gets a strict and a lenient expert so that the disagreement flag shows."""
    today = timezone.localdate()
    assignments = (
        ExpertAssignment.objects.filter(application__contest=contest)
        .select_related("expert", "application__category")
        .order_by("application_id", "expert_id")
    )
    first = assignments[0].application_id if assignments else None
    for assignment in assignments:
        if assignment.expert.username == "expert_samara":
            continue
        application = assignment.application
        base = 2 + (application.pk * 7 + today.month) % 3  # 2..4 points: a varied, reproducible picture
        if application.pk == first:
            base = 1 if assignment.expert.username == "expert_moscow" else 5
        scores = {
            c.pk: (Decimal(min(base + (c.number % 2), int(c.max_points))), "")
            for c in criteria[application.category.settlement_type]
        }
        services.scores_save(actor=assignment.expert, assignment=assignment, scores=scores, submit=True)
