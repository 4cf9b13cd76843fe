"""Contests: categories by one rule, applications and deadlines, experts never from their own subject,
scoring within the criteria, aggregation and disagreement, ranking with ties, publishing and diplomas,
the 2016/2017 reports reproduced from rows."""

import csv
import datetime as dt
import io
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone
from docx import Document

from conftest import centre, login, make_user, queries_for, subject
from vyzov.accounts.access import NotInScope
from vyzov.accounts.models import Role, ScopeLevel
from vyzov.contests import history, selectors, services
from vyzov.contests.models import (
    Application,
    ApplicationFile,
    ApplicationStatus,
    Award,
    BonusItem,
    Category,
    Contest,
    ContestStatus,
    CriteriaSet,
    Criterion,
    ExpertAssignment,
    Score,
)
from vyzov.contests.tests.commission import decide
from vyzov.territories.models import Municipality, MunicipalityKind, Subject

pytestmark = pytest.mark.django_db
TODAY = timezone.localdate()
DATA = history.DATA


def make_contest(admin, *, criteria=3, deadline=None, **settings) -> Contest:
    """A contest with the 2017 categories (from the reference file), a city set of `criteria` criteria
    worth 5 points, a rural set of 2, the children's jury action and one confirmed bonus; open."""
    contest = services.contest_create(
        actor=admin,
        data={
            "year": 2026,
            "title": "Город детей – город семей",
            "submission_deadline": deadline or TODAY + dt.timedelta(10),
            **settings,
        },
    )
    for row in history.rows("contest_categories.csv"):
        if row["year"] == "2017":
            Category.objects.create(
                contest=contest,
                code=row["category_code"],
                order=int(row["order_no"]),
                title=row["title_as_in_seed"],
                settlement_type="rural" if row["settlement_type"] == "сельское поселение" else "city",
                admin_centre=row["admin_centre"] == "да",
                population_min=int(row["population_min"]) if row["population_min"] else None,
                population_max=int(row["population_max"]) if row["population_max"] else None,
            )
    city = CriteriaSet.objects.create(contest=contest, settlement_type="city")
    rural = CriteriaSet.objects.create(contest=contest, settlement_type="rural")
    for number in range(1, criteria + 1):
        Criterion.objects.create(criteria_set=city, number=number, title=f"Критерий {number}", max_points=5)
    for number in (1, 2):
        Criterion.objects.create(criteria_set=rural, number=number, title=f"Критерий {number}", max_points=5)
    BonusItem.objects.create(
        contest=contest, number=1, title="Акция «А у нас во дворе»", points=5, cap=5, scored_by_jury=True
    )
    BonusItem.objects.create(contest=contest, number=2, title="Участие во встрече", points=2, cap=2)
    from vyzov.contests.models import Task

    Task.objects.create(contest=contest, kind="конкурсное задание", number=1, text="Совет жителей")
    return services.contest_advance(actor=admin, contest=contest)


def participant_of(municipality, username=None):
    return make_user(
        username or f"participant_{municipality.pk}",
        Role.CONTEST_PARTICIPANT,
        level=ScopeLevel.MUNICIPALITY,
        municipality=municipality,
    )


def expert_from(code, username):
    return make_user(username, Role.CONTEST_EXPERT, level=ScopeLevel.COUNTRY, home_subject=subject(code))


def accepted_application(admin, contest, municipality, participant=None):
    participant = participant or participant_of(municipality)
    application = services.application_create(actor=participant, contest=contest, municipality=municipality)
    task = contest.tasks.get()
    services.application_update(actor=participant, application=application, answers={task.pk: "Ответ"})
    services.application_submit(actor=participant, application=application)
    return services.application_review(actor=admin, application=application, accept=True)


def score_all(expert, application, points, *, submit=True):
    assignment = ExpertAssignment.objects.get(application=application, expert=expert)
    criteria = Criterion.objects.filter(
        criteria_set__contest=application.contest,
        criteria_set__settlement_type=application.category.settlement_type,
    )
    return services.scores_save(
        actor=expert,
        assignment=assignment,
        submit=submit,
        scores={c.pk: (Decimal(points), "") for c in criteria},
    )


# ---- categories --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("kind", "population", "centre_flag", "expected"),
    [
        (MunicipalityKind.URBAN_OKRUG, 1_000_000, True, "I"),
        (MunicipalityKind.URBAN_OKRUG, 100_000, False, "II"),  # «100 тысяч человек и более»
        (MunicipalityKind.URBAN_OKRUG, 99_999, False, "III"),
        (MunicipalityKind.URBAN_SETTLEMENT, 20_000, False, "III"),
        (MunicipalityKind.URBAN_SETTLEMENT, 19_999, False, "IV"),
        (MunicipalityKind.RURAL_SETTLEMENT, 900, False, "V"),
        (MunicipalityKind.MUNICIPAL_DISTRICT, 40_000, False, None),
        (MunicipalityKind.URBAN_OKRUG, None, False, None),
    ],
)
def test_category_follows_type_and_population_with_the_boundary_in_the_upper_group(
    fed_admin, kind, population, centre_flag, expected
):
    contest = make_contest(fed_admin)
    municipality = Municipality(
        subject=subject("22"), name="Город", kind=kind, population=population, is_regional_centre=centre_flag
    )
    category = services.category_for(municipality=municipality, categories=contest.categories.all())
    assert (category.code if category else None) == expected


# ---- applications ------------------------------------------------------------------------------


def test_participant_applies_and_sees_only_their_own_application(fed_admin, participant_chelyabinsk, client):
    contest = make_contest(fed_admin)
    barnaul = accepted_application(fed_admin, contest, centre("22"))
    login(client, participant_chelyabinsk)
    response = client.post(reverse("contests:contest_apply", args=[contest.pk]))
    own = Application.objects.get(municipality=centre("74"))
    assert response.url == reverse("contests:application_detail", args=[own.pk])
    assert own.category.code == "I"
    assert client.get(reverse("contests:application_detail", args=[own.pk])).status_code == 200
    assert client.get(reverse("contests:application_detail", args=[barnaul.pk])).status_code == 404
    assert client.get(f"/api/v1/contests/applications/{barnaul.pk}/").status_code == 404


def test_late_application_is_refused_unless_the_federal_team_extends(fed_admin, participant_chelyabinsk):
    contest = make_contest(fed_admin)
    application = services.application_create(
        actor=participant_chelyabinsk, contest=contest, municipality=centre("74")
    )
    task = contest.tasks.get()
    services.application_update(
        actor=participant_chelyabinsk, application=application, answers={task.pk: "Ответ"}
    )
    Contest.objects.filter(pk=contest.pk).update(submission_deadline=TODAY - dt.timedelta(days=1))
    application.refresh_from_db()
    with pytest.raises(ValidationError, match="Срок подачи заявок истёк"):
        services.application_submit(actor=participant_chelyabinsk, application=application)
    assert Application.objects.get(pk=application.pk).status == ApplicationStatus.DRAFT
    services.deadline_extend(actor=fed_admin, application=application, until=TODAY, reason="Сбой связи")
    application.refresh_from_db()
    services.application_submit(actor=participant_chelyabinsk, application=application)
    assert Application.objects.get(pk=application.pk).status == ApplicationStatus.SUBMITTED


def test_files_are_checked_and_nothing_is_saved_when_bad(
    fed_admin, participant_chelyabinsk, client, settings
):
    contest = make_contest(fed_admin)
    application = services.application_create(
        actor=participant_chelyabinsk, contest=contest, municipality=centre("74")
    )
    login(client, participant_chelyabinsk)
    url = reverse("contests:file_add", args=[application.pk])
    script = SimpleUploadedFile(
        "отчёт.pdf", b"<html><script>alert(1)</script>", content_type="application/pdf"
    )
    response = client.post(url, {"file": script})
    assert "Содержимое файла не соответствует его расширению." in response.content.decode()
    exe = SimpleUploadedFile("setup.exe", b"MZ\x90\x00", content_type="application/octet-stream")
    assert "Допустимые форматы" in client.post(url, {"file": exe}).content.decode()
    big = SimpleUploadedFile("big.pdf", b"%PDF" + b"0" * (services.MAX_FILE_BYTES + 1))
    assert "Файл больше 20 МБ." in client.post(url, {"file": big}).content.decode()
    assert not ApplicationFile.objects.exists()
    good = SimpleUploadedFile("отчёт.pdf", b"%PDF-1.4 report", content_type="application/pdf")
    client.post(url, {"file": good})
    stored = ApplicationFile.objects.get()
    download = client.get(reverse("contests:file_download", args=[stored.pk]))
    assert download["Content-Disposition"].startswith("attachment")


# ---- experts -----------------------------------------------------------------------------------


def test_expert_from_chelyabinsk_is_never_assigned_nor_can_open_a_chelyabinsk_application(
    fed_admin, participant_chelyabinsk, client
):
    contest = make_contest(fed_admin, experts_per_application=2)
    chelyabinsk = accepted_application(fed_admin, contest, centre("74"), participant_chelyabinsk)
    barnaul = accepted_application(fed_admin, contest, centre("22"))
    expert_from_chelyabinsk = expert_from("74", "expert_from_chelyabinsk")
    expert_from_samara = expert_from("63", "expert_from_samara")
    services.experts_assign_automatically(actor=fed_admin, contest=contest)
    assert not ExpertAssignment.objects.filter(
        application=chelyabinsk, expert=expert_from_chelyabinsk
    ).exists()
    assert ExpertAssignment.objects.filter(application=chelyabinsk, expert=expert_from_samara).exists()
    assert ExpertAssignment.objects.filter(application=barnaul, expert=expert_from_chelyabinsk).exists()
    with pytest.raises(ValidationError, match="Конфликт интересов"):
        services.expert_assign(actor=fed_admin, application=chelyabinsk, expert=expert_from_chelyabinsk)
    # Even an assignment written past the service (an old import, a manual fix) opens nothing.
    ExpertAssignment.objects.create(application=chelyabinsk, expert=expert_from_chelyabinsk)
    login(client, expert_from_chelyabinsk)
    assert client.get(reverse("contests:score", args=[chelyabinsk.pk])).status_code == 404
    assert client.get(reverse("contests:application_detail", args=[chelyabinsk.pk])).status_code == 404
    assert client.get(f"/api/v1/contests/applications/{chelyabinsk.pk}/").status_code == 404
    listed = [a["id"] for a in client.get("/api/v1/contests/applications/").json()["results"]]
    assert listed == [barnaul.pk]
    assert client.get(reverse("contests:score", args=[barnaul.pk])).status_code == 200


def test_blind_review_hides_the_municipality_from_experts(fed_admin, client):
    contest = make_contest(fed_admin, blind=True)
    application = accepted_application(fed_admin, contest, centre("22"))
    expert = expert_from("63", "expert_from_samara")
    services.expert_assign(actor=fed_admin, application=application, expert=expert)
    login(client, expert)
    page = client.get(reverse("contests:score", args=[application.pk])).content.decode()
    assert "Барнаул" not in page and f"заявка № {application.pk}" in page
    data = client.get(f"/api/v1/contests/applications/{application.pk}/").json()
    assert data["settlement_name"] is None and data["subject"] is None


# ---- scoring -----------------------------------------------------------------------------------


def test_score_above_the_maximum_is_refused_and_nothing_saved(fed_admin, client):
    contest = make_contest(fed_admin)
    application = accepted_application(fed_admin, contest, centre("22"))
    expert = expert_from("63", "expert_from_samara")
    services.expert_assign(actor=fed_admin, application=application, expert=expert)
    criteria = list(
        Criterion.objects.filter(criteria_set__contest=contest, criteria_set__settlement_type="city")
    )
    login(client, expert)
    response = client.post(
        reverse("contests:score_save", args=[application.pk]),
        {f"points_{criteria[0].pk}": "4", f"points_{criteria[1].pk}": "7"},
    )
    assert response.status_code == 200
    assert "«Критерий 2»: не больше 5 баллов." in response.content.decode()
    assert not Score.objects.exists()
    response = client.post(
        reverse("contests:score_save", args=[application.pk]), {f"points_{criteria[0].pk}": "четыре"}
    )
    assert "баллы: «четыре» — не число" in response.content.decode()
    with pytest.raises(ValidationError, match="отрицательными"):
        score_all(expert, application, -1)
    with pytest.raises(ValidationError, match="с точностью до десятых"):
        score_all(expert, application, "2.25")
    with pytest.raises(ValidationError, match="Оцените все критерии"):
        services.scores_save(
            actor=expert,
            assignment=ExpertAssignment.objects.get(),
            submit=True,
            scores={criteria[0].pk: (Decimal(3), "")},
        )
    assert not Score.objects.exists()


def test_scores_are_locked_after_publishing(fed_admin):
    contest = make_contest(fed_admin, experts_per_application=1)
    application = accepted_application(fed_admin, contest, centre("22"))
    expert = expert_from("63", "expert_from_samara")
    services.experts_assign_automatically(actor=fed_admin, contest=contest)
    score_all(expert, application, 4)
    services.contest_advance(actor=fed_admin, contest=contest, close_early=True)  # review
    decide(fed_admin, contest)
    services.contest_advance(actor=fed_admin, contest=Contest.objects.get(pk=contest.pk))  # published
    with pytest.raises(ValidationError, match="Итоги конкурса опубликованы"):
        score_all(expert, application, 5)
    assert set(Score.objects.values_list("points", flat=True)) == {Decimal(4)}


def test_publishing_needs_every_assessment_finished(fed_admin):
    contest = make_contest(fed_admin, experts_per_application=1)
    accepted_application(fed_admin, contest, centre("22"))
    expert_from("63", "expert_from_samara")
    services.experts_assign_automatically(actor=fed_admin, contest=contest)
    contest = services.contest_advance(actor=fed_admin, contest=contest, close_early=True)
    with pytest.raises(ValidationError, match="Не завершены оценки экспертов: 1"):
        services.contest_advance(actor=fed_admin, contest=contest)
    assert Contest.objects.get(pk=contest.pk).status == ContestStatus.REVIEW


@pytest.mark.parametrize(
    ("rule", "expected"),
    [("mean", Decimal("10.00")), ("median", Decimal("9.00")), ("trimmed", Decimal("9.00"))],
)
def test_experts_totals_are_combined_by_the_contests_rule(fed_admin, rule, expected):
    contest = make_contest(fed_admin, criteria=3, aggregation=rule, discrepancy_threshold=100)
    application = accepted_application(fed_admin, contest, centre("22"))
    for number, points in enumerate([2, 3, 5]):  # totals 6, 9, 15
        expert = expert_from("63", f"expert_{number}")
        services.expert_assign(actor=fed_admin, application=application, expert=expert)
        score_all(expert, application, points)
    assert selectors.results(contest=contest)[application.pk].final == expected


def test_disagreeing_experts_are_flagged_and_sent_to_re_review(fed_admin):
    contest = make_contest(fed_admin, criteria=3, discrepancy_threshold=20)  # maximum 15 points
    application = accepted_application(fed_admin, contest, centre("22"))
    strict, lenient = expert_from("63", "strict"), expert_from("16", "lenient")
    for expert, points in ((strict, 1), (lenient, 4)):
        services.expert_assign(actor=fed_admin, application=application, expert=expert)
        score_all(expert, application, points)
    result = selectors.results(contest=contest)[application.pk]
    assert result.disagreement == pytest.approx(60) and result.flagged
    assignment = ExpertAssignment.objects.get(expert=strict)
    services.rereview_request(actor=fed_admin, assignment=assignment, reason="Проверьте критерий 2")
    assert not selectors.results(contest=contest)[application.pk].complete
    score_all(strict, application, 4)
    assert not selectors.results(contest=contest)[application.pk].flagged


def test_jury_and_confirmed_bonuses_add_to_the_experts_score(fed_admin):
    contest = make_contest(fed_admin, criteria=3)
    application = accepted_application(fed_admin, contest, centre("22"))
    expert, jury = expert_from("63", "expert_from_samara"), expert_from("16", "jury_kazan")
    services.expert_assign(actor=fed_admin, application=application, expert=expert)
    score_all(expert, application, 3)  # 9
    assignment = services.expert_assign(actor=fed_admin, application=application, expert=jury, role="jury")
    with pytest.raises(ValidationError, match="от 0 до 5"):
        services.jury_score_save(actor=jury, assignment=assignment, points=Decimal(6))
    services.jury_score_save(actor=jury, assignment=assignment, points=Decimal(4))
    meeting = BonusItem.objects.get(contest=contest, scored_by_jury=False)
    with pytest.raises(ValidationError, match="от 0 до 2"):
        services.bonus_confirm(actor=fed_admin, application=application, item=meeting, points=Decimal(3))
    services.bonus_confirm(actor=fed_admin, application=application, item=meeting, points=Decimal(2))
    assert selectors.results(contest=contest)[application.pk].final == Decimal("15.00")


# ---- ranking, publishing, diplomas -------------------------------------------------------------


def test_ties_share_a_place_and_publishing_awards_diplomas(fed_admin, client):
    contest = make_contest(fed_admin, criteria=2, experts_per_application=1, places_awarded=2)
    expert = expert_from("63", "expert_from_samara")
    towns = [
        Municipality.objects.create(
            subject=subject("22"), name=f"Город {n}", kind="urban_okrug", population=50_000
        )
        for n in range(4)
    ]
    applications = [accepted_application(fed_admin, contest, town) for town in towns]
    services.experts_assign_automatically(actor=fed_admin, contest=contest)
    for application, points in zip(applications, [5, 5, 3, 2], strict=True):
        score_all(expert, application, points)
    group = next(g for g in selectors.ranking(contest=contest) if g.category.code == "III")
    assert [(row.application.settlement_name, row.place) for row in group.rows] == [
        ("Город 0", 1),
        ("Город 1", 1),
        ("Город 2", 2),
        ("Город 3", 3),
    ]
    contest = services.contest_advance(actor=fed_admin, contest=contest, close_early=True)
    decide(fed_admin, contest)
    services.contest_advance(actor=fed_admin, contest=contest)
    awards = list(Award.objects.order_by("place", "application__settlement_name"))
    assert [(a.application.settlement_name, a.place) for a in awards] == [
        ("Город 0", 1),
        ("Город 1", 1),
        ("Город 2", 2),
    ]
    login(client, fed_admin)
    diploma = client.get(reverse("contests:diploma", args=[awards[0].pk]))
    text = "\n".join(p.text for p in Document(io.BytesIO(diploma.content)).paragraphs)
    assert "Город 0" in text and awards[0].diploma_code in text
    client.logout()
    assert (
        "Диплом подлинный"
        in client.get(reverse("contests:verify", args=[awards[0].diploma_code])).content.decode()
    )
    assert client.get(reverse("contests:verify", args=["0000FAKE"])).status_code == 404


def test_competition_rule_skips_the_shared_places(fed_admin):
    contest = make_contest(fed_admin, criteria=2, experts_per_application=1, tie_rule="competition")
    expert = expert_from("63", "expert_from_samara")
    towns = [
        Municipality.objects.create(
            subject=subject("22"), name=f"Город {n}", kind="urban_okrug", population=50_000
        )
        for n in range(3)
    ]
    applications = [accepted_application(fed_admin, contest, town) for town in towns]
    services.experts_assign_automatically(actor=fed_admin, contest=contest)
    for application, points in zip(applications, [4, 4, 1], strict=True):
        score_all(expert, application, points)
    group = next(g for g in selectors.ranking(contest=contest) if g.category.code == "III")
    assert [row.place for row in group.rows] == [1, 1, 3]


def test_copy_takes_the_set_up_but_not_the_applications(fed_admin):
    contest = make_contest(fed_admin)
    accepted_application(fed_admin, contest, centre("22"))
    copy = services.contest_copy(actor=fed_admin, source=contest, year=2027, title="Новый конкурс")
    assert copy.categories.count() == 5 and copy.tasks.count() == 1 and copy.bonus_items.count() == 2
    assert Criterion.objects.filter(criteria_set__contest=copy).count() == 5
    assert copy.submission_deadline.year == contest.submission_deadline.year + 1
    assert not copy.applications.exists() and copy.status == ContestStatus.DRAFT


def test_accepted_application_publishes_its_practices(fed_admin, participant_chelyabinsk):
    from vyzov.practices.models import Practice
    from vyzov.practices.services import load_themes

    load_themes()
    contest = make_contest(fed_admin)
    application = services.application_create(
        actor=participant_chelyabinsk, contest=contest, municipality=centre("74")
    )
    criterion = Criterion.objects.filter(
        criteria_set__contest=contest, criteria_set__settlement_type="city"
    ).first()
    services.practice_add(
        actor=participant_chelyabinsk,
        application=application,
        criterion=criterion,
        data={"title": "Клуб отцов", "description": "Отцы и дети вместе", "results": "40 семей"},
    )
    services.application_update(
        actor=participant_chelyabinsk, application=application, answers={contest.tasks.get().pk: "Ответ"}
    )
    services.application_submit(actor=participant_chelyabinsk, application=application)
    assert not Practice.objects.exists()
    services.application_review(actor=fed_admin, application=application, accept=True)
    practice = Practice.objects.get()
    assert (practice.title, practice.subject.code, practice.year) == ("Клуб отцов", "74", 2026)


def test_participant_cannot_accept_their_own_application(fed_admin, participant_chelyabinsk, client):
    contest = make_contest(fed_admin)
    application = services.application_create(
        actor=participant_chelyabinsk, contest=contest, municipality=centre("74")
    )
    login(client, participant_chelyabinsk)
    response = client.post(
        reverse("contests:application_review", args=[application.pk]), {"decision": "accept"}
    )
    assert response.status_code == 403
    with pytest.raises(NotInScope):
        services.application_create(actor=participant_chelyabinsk, contest=contest, municipality=centre("22"))


# ---- query counts ------------------------------------------------------------------------------


def test_lists_scoring_and_ranking_pages_have_bounded_queries(fed_admin, client):
    contest = make_contest(fed_admin, experts_per_application=2)
    experts = [expert_from("63", "expert_a"), expert_from("16", "expert_b")]

    def grow(n):
        for number in range(n):
            town = Municipality.objects.create(
                subject=subject("22"), name=f"Город {n}-{number}", kind="urban_okrug", population=50_000
            )
            application = accepted_application(fed_admin, contest, town)
            for expert in experts:
                services.expert_assign(actor=fed_admin, application=application, expert=expert)
                score_all(expert, application, 3)
        return application

    application = grow(2)
    urls = [
        reverse("contests:application_list", args=[contest.pk]),
        reverse("contests:ranking", args=[contest.pk]),
    ]
    login(client, fed_admin)
    before = [queries_for(client, url) for url in urls]
    login(client, experts[0])
    score_before = queries_for(client, reverse("contests:score", args=[application.pk]))
    application = grow(8)
    login(client, fed_admin)
    assert [queries_for(client, url) for url in urls] == before
    login(client, experts[0])
    assert queries_for(client, reverse("contests:score", args=[application.pk])) == score_before
    assert max(before) <= 25 and score_before <= 25


# ---- the reports of 2016 and 2017 --------------------------------------------------------------


def seed_figures(year):
    with (DATA / "contest_participation.csv").open(encoding="utf-8") as handle:
        return [row for row in csv.DictReader(handle) if row["year"] == str(year)]


def figure(rows, breakdown, metric_start):
    return int(
        next(r["value"] for r in rows if r["breakdown"] == breakdown and r["metric"].startswith(metric_start))
    )


@pytest.fixture
def reports(db):
    history.load_history()
    return {c.year: selectors.report(contest=c) for c in Contest.objects.filter(is_history=True)}


def test_2017_report_reproduces_the_seeds_counts_from_rows(reports):
    rows, report = seed_figures(2017), reports[2017]
    assert report.participants == figure(rows, "итого", "участники") == 293
    assert report.subjects == figure(rows, "итого", "субъекты") == 64
    assert report.reports_received == figure(rows, "итого", "получено отчетов") == 177
    assert dict(report.by_district) == {
        r["name_as_in_seed"]: int(r["value"]) for r in rows if r["breakdown"] == "федеральный округ"
    }
    assert {c.code: reports_ for c, _p, reports_ in report.by_category} == {
        r["category_code"]: int(r["value"]) for r in rows if r["breakdown"] == "категория"
    }
    assert report.leaders == [("Челябинская область", 17)]
    with (DATA / "contest_media.csv").open(encoding="utf-8") as handle:
        media = list(csv.DictReader(handle))
    assert report.media_total == 564 and report.media_about_action == 333 and report.media_subjects == 55
    named = {
        Subject.objects.get(code=r["subject_code"]).name: int(r["value"])
        for r in media
        if r["scope"] == "субъект"
    }
    assert dict(report.media_by_subject[:10]) == named


def test_2016_report_keeps_the_seeds_ties_and_districts(reports):
    rows, report = seed_figures(2016), reports[2016]
    assert (report.participants, report.subjects, report.reports_received) == (176, 59, 117)
    assert dict(report.by_district)["Крымский федеральный округ"] == 2
    assert {c.code: p for c, p, _r in report.by_category} == {"1": 19, "2": 30, "3": 82, "4": 45}
    assert report.leaders == [
        ("Белгородская область", figure(rows, "лидер по числу участников", "участники"))
    ]
    first = {
        c.code: [(a.place, a.application.settlement_name) for a in awards] for c, awards in report.places
    }
    assert first["1"][:2] == [(1, "Саранск"), (1, "Уфа")] and first["1"][2] == (2, "Тула")
    assert (2, "Красная Яруга") in first["4"] and (2, "Пласт") in first["4"]
    assert len(report.special) == 13


def test_every_city_the_reports_name_is_a_participant_in_its_own_region(reports):
    from vyzov.contests.models import Application

    for row in history.rows("contest_named_participants.csv") + history.rows("contest_winners.csv"):
        application = Application.objects.get(
            contest__year=int(row["year"]), settlement_name=row["settlement"]
        )
        assert application.subject.code == row["subject_code"], row["settlement"]
    named_2017 = {
        r["settlement"] for r in history.rows("contest_named_participants.csv") if r["year"] == "2017"
    }
    sent = set(
        Application.objects.filter(contest__year=2017, report_received=True).values_list(
            "settlement_name", flat=True
        )
    )
    assert named_2017 <= sent  # their practice is in the report, so they reported
    # 000: «Впервые в Конкурсе приняли участие города Республики Крым» — not Севастополь.
    crimea = Application.objects.filter(contest__year=2016, historical_district="Крымский федеральный округ")
    assert set(crimea.values_list("subject__code", flat=True)) == {"91"} and crimea.count() == 2
    for code in ("29", "35", "56", "07"):  # the regions 000 names through their cities
        assert Application.objects.filter(contest__year=2016, subject__code=code).exists()
    for code in ("50", "34", "10", "41", "16", "65"):
        assert Application.objects.filter(contest__year=2017, subject__code=code).exists()


def test_partner_awards_record_the_body_and_are_not_verified_as_the_contests(reports, client):
    from vyzov.contests.models import Award

    partner = Award.objects.get(contest__year=2016, application__settlement_name="Хабаровск")
    assert "Крепкая семья" in partner.awarding_body and not partner.issued_by_system
    ours = Award.objects.get(contest__year=2016, application__settlement_name="Таганрог")
    assert ours.awarding_body == "" and ours.issued_by_system
    page = client.get(f"/contests/verify/{ours.diploma_code}/")
    assert page.status_code == 200 and "организаторы конкурса" in page.content.decode()
    partner_awards = Award.objects.filter(contest__year=2016, diploma_code__isnull=True)
    assert partner_awards.count() == 7  # five partners gave seven diplomas
    assert client.get("/contests/verify/None/").status_code == 404


def test_publications_registry_feeds_the_report_and_refuses_future_dates(fed_admin, client):
    contest = make_contest(fed_admin)
    application = accepted_application(fed_admin, contest, centre("22"))
    login(client, fed_admin)
    url = reverse("contests:publication_add", args=[application.pk])
    future = (TODAY + dt.timedelta(days=2)).isoformat()
    response = client.post(url, {"date": future, "title": "Статья"})
    assert response.status_code == 400
    assert response.context["publication_form"]["title"].value() == "Статья"  # nothing typed is lost
    # The range of a publication's date is the model's (2010 … today): the form says so on the field.
    assert "Дата не может быть в будущем." in response.content.decode()
    client.post(
        url,
        {
            "date": TODAY.isoformat(),
            "outlet": "Алтайская правда",
            "title": "Двор для всех",
            "about_action": "on",
        },
    )
    report = selectors.report(contest=contest)
    assert (report.media_total, report.media_about_action, report.media_by_subject) == (
        1,
        1,
        [("Алтайский край", 1)],
    )


# ---- found in review: fail closed ------------------------------------------------------------------


def test_expert_without_a_subject_gets_nothing(fed_admin, client):
    contest = make_contest(fed_admin, experts_per_application=1)
    application = accepted_application(fed_admin, contest, centre("74"))
    nowhere = make_user("expert_nowhere", Role.CONTEST_EXPERT, level=ScopeLevel.COUNTRY)
    assert services.experts_assign_automatically(actor=fed_admin, contest=contest) == 0
    with pytest.raises(ValidationError, match="не указан субъект"):
        services.expert_assign(actor=fed_admin, application=application, expert=nowhere)
    ExpertAssignment.objects.create(application=application, expert=nowhere)
    login(client, nowhere)
    assert client.get(reverse("contests:score", args=[application.pk])).status_code == 404


def test_creating_an_expert_needs_their_subject(fed_admin, client):
    login(client, fed_admin)
    data = {
        "username": "new_expert",
        "full_name": "Новый эксперт",
        "email": "e@example.test",
        "password1": "correct-horse-battery-staple",
        "password2": "correct-horse-battery-staple",
        "role": Role.CONTEST_EXPERT,
    }
    response = client.post(reverse("accounts:user_create"), data)
    assert "Укажите субъект РФ эксперта" in response.content.decode()
    client.post(reverse("accounts:user_create"), {**data, "home_subject": subject("74").pk})
    from vyzov.accounts.models import User

    assert User.objects.get(username="new_expert").home_subject.code == "74"


def test_blind_review_hides_files_links_publications_and_library_entries(fed_admin, client):
    from vyzov.practices.models import Practice

    contest = make_contest(fed_admin, blind=True, experts_per_application=1)
    participant = participant_of(centre("22"))
    application = services.application_create(actor=participant, contest=contest, municipality=centre("22"))
    criterion = Criterion.objects.filter(criteria_set__contest=contest).first()
    services.practice_add(
        actor=participant,
        application=application,
        criterion=criterion,
        data={"title": "Уникальная практика", "description": "Описание"},
    )
    services.file_add(
        actor=participant,
        application=application,
        uploaded=SimpleUploadedFile("Отчёт Барнаула.pdf", b"%PDF-1.4"),
    )
    services.application_update(
        actor=participant,
        application=application,
        social_page="https://vk.com/barnaul",
        answers={contest.tasks.get().pk: "Ответ"},
    )
    services.application_submit(actor=participant, application=application)
    services.application_review(actor=fed_admin, application=application, accept=True)
    services.publication_add(
        actor=fed_admin, application=application, data={"title": "Барнаул — город детей"}
    )
    assert not Practice.objects.exists()  # not while the review is blind
    expert = expert_from("63", "expert_from_samara")
    services.expert_assign(actor=fed_admin, application=application, expert=expert)
    login(client, expert)
    for url in (
        reverse("contests:application_detail", args=[application.pk]),
        reverse("contests:score", args=[application.pk]),
    ):
        page = client.get(url).content.decode()
        assert "Барнаул" not in page and "vk.com" not in page
    download = client.get(reverse("contests:file_download", args=[application.files.get().pk]))
    assert "%D0%91%D0%B0%D1%80" not in download["Content-Disposition"]  # «Бар…»
    score_all(expert, application, 3)
    contest = services.contest_advance(actor=fed_admin, contest=contest, close_early=True)
    decide(fed_admin, contest)
    services.contest_advance(actor=fed_admin, contest=contest)
    assert Practice.objects.get().title == "Уникальная практика"


def test_bonus_without_a_limit_and_late_criteria_are_refused(fed_admin):
    contest = make_contest(fed_admin)
    with pytest.raises(ValidationError, match="меняются только этапы и номинации"):
        services.setup_item_add(
            actor=fed_admin,
            contest=contest,
            item=Criterion(
                criteria_set=contest.criteria_sets.get(settlement_type="city"),
                number=9,
                title="Новый",
                max_points=5,
            ),
        )
    draft = services.contest_create(actor=fed_admin, data={"year": 2027, "title": "Черновик"})
    with pytest.raises(ValidationError, match="сколько баллов можно дать"):
        services.setup_item_add(
            actor=fed_admin, contest=draft, item=BonusItem(contest=draft, number=1, title="Бонус")
        )


def test_a_finished_assessment_changes_only_after_re_review(fed_admin):
    contest = make_contest(fed_admin)
    application = accepted_application(fed_admin, contest, centre("22"))
    expert = expert_from("63", "expert_from_samara")
    services.expert_assign(actor=fed_admin, application=application, expert=expert)
    score_all(expert, application, 5)
    with pytest.raises(ValidationError, match="Оценка завершена"):
        score_all(expert, application, 0, submit=False)
    assert set(Score.objects.values_list("points", flat=True)) == {Decimal(5)}
    services.rereview_request(actor=fed_admin, assignment=ExpertAssignment.objects.get(), reason="Проверьте")
    score_all(expert, application, 4)
    assert set(Score.objects.values_list("points", flat=True)) == {Decimal(4)}


def test_unassigning_an_expert_who_cannot_score_unblocks_publishing(fed_admin):
    contest = make_contest(fed_admin, experts_per_application=1)
    application = accepted_application(fed_admin, contest, centre("22"))
    expert = expert_from("63", "expert_from_samara")
    services.experts_assign_automatically(actor=fed_admin, contest=contest)
    expert.is_active = False
    expert.save()
    substitute = expert_from("16", "expert_from_kazan")
    assert services.experts_assign_automatically(actor=fed_admin, contest=contest) == 1
    services.expert_unassign(actor=fed_admin, assignment=ExpertAssignment.objects.get(expert=expert))
    score_all(substitute, application, 3)
    contest = services.contest_advance(actor=fed_admin, contest=contest, close_early=True)
    decide(fed_admin, contest)
    assert services.contest_advance(actor=fed_admin, contest=contest).status == ContestStatus.PUBLISHED


def test_a_district_analyst_manages_only_their_districts_applications(fed_admin, analyst_sfo, client):
    from vyzov.accounts.access import ActionNotAllowed
    from vyzov.territories.models import FederalDistrict

    sfo_manager = make_user(
        "sfo_manager",
        Role.FEDERAL_ANALYST,
        level=ScopeLevel.DISTRICT,
        district=FederalDistrict.objects.get(code="СФО"),
    )
    contest = make_contest(fed_admin)
    barnaul = accepted_application(fed_admin, contest, centre("22"))
    chelyabinsk = accepted_application(fed_admin, contest, centre("74"))
    services.publication_add(actor=sfo_manager, application=barnaul, data={"title": "Статья"})
    with pytest.raises(NotInScope):
        services.publication_add(actor=sfo_manager, application=chelyabinsk, data={"title": "Статья"})
    with pytest.raises(ActionNotAllowed):
        services.experts_assign_automatically(actor=sfo_manager, contest=contest)
    login(client, sfo_manager)
    assert client.get(reverse("contests:ranking", args=[contest.pk])).status_code == 404
    assert client.get(reverse("contests:application_detail", args=[chelyabinsk.pk])).status_code == 404
