"""Every form of the contest pages posts to its own URL. Each is tried from both sides: the person whose
action it is (the federal team, a district's contest manager, the participant, the assigned expert) and
someone who must get the missing answer (404) or a refusal (403) with nothing written. A refused form
comes back on its page with what was typed."""

import datetime as dt

import pytest
from django.apps import apps
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from conftest import centre, login, make_user
from vyzov.accounts.models import Role, ScopeLevel
from vyzov.contests import services
from vyzov.contests.models import (
    Answer,
    ApplicationFile,
    ApplicationPractice,
    ApplicationStatus,
    AssignmentRole,
    Award,
    BonusAward,
    BonusItem,
    Category,
    Contest,
    Criterion,
    ExpertAssignment,
    MediaPublication,
    Score,
    Stage,
)
from vyzov.contests.tests.test_contests import accepted_application, expert_from, make_contest, participant_of

pytestmark = pytest.mark.django_db
TODAY = timezone.localdate()


def row_counts() -> dict[str, int]:
    """Rows of every contest table: a refused request writes none."""
    return {m._meta.label_lower: m.objects.count() for m in apps.get_app_config("contests").get_models()}


@pytest.fixture
def sfo_manager(db):
    """A federal analyst of the Siberian district: manages the contest applications of its regions."""
    from vyzov.territories.models import FederalDistrict

    return make_user(
        "sfo_manager",
        Role.FEDERAL_ANALYST,
        level=ScopeLevel.DISTRICT,
        district=FederalDistrict.objects.get(code="СФО"),
    )


@pytest.fixture
def contest(fed_admin):
    return make_contest(fed_admin)


def _submitted(contest, municipality):
    participant = participant_of(municipality)
    application = services.application_create(actor=participant, contest=contest, municipality=municipality)
    services.application_update(
        actor=participant, application=application, answers={contest.tasks.get().pk: "Ответ"}
    )
    return services.application_submit(actor=participant, application=application)


def _draft(contest, municipality):
    return services.application_create(
        actor=participant_of(municipality), contest=contest, municipality=municipality
    )


def _assigned(fed_admin, application, username="expert_from_samara", code="63"):
    expert = expert_from(code, username)
    services.expert_assign(actor=fed_admin, application=application, expert=expert)
    return ExpertAssignment.objects.get(application=application, expert=expert)


def _expert(code, username):
    from vyzov.accounts.models import User

    return User.objects.filter(username=username).first() or expert_from(code, username)


# (route, the application's state, the form as posted, what the action left behind)
MANAGE_ACTIONS = [
    (
        "contests:application_review",
        "submitted",
        lambda ctx: {"decision": "accept", "reason": ""},
        lambda app: app.status == ApplicationStatus.ACCEPTED,
    ),
    (
        "contests:category_change",
        "accepted",
        lambda ctx: {"category": Category.objects.get(contest=ctx, code="II").pk, "reason": "Уточнено"},
        lambda app: app.category.code == "II",
    ),
    (
        "contests:deadline_extend",
        "draft",
        lambda ctx: {"until": f"{TODAY + dt.timedelta(days=30):%d.%m.%Y}", "reason": "Сбой связи"},
        lambda app: app.deadline_extended_to == TODAY + dt.timedelta(days=30),
    ),
    (
        "contests:expert_assign",
        "accepted",
        lambda ctx: {"expert": _expert("16", "expert_from_kazan").pk, "role": "expert"},
        lambda app: app.assignments.filter(expert__username="expert_from_kazan").exists(),
    ),
    (
        "contests:bonus_confirm",
        "accepted",
        lambda ctx: {"item": BonusItem.objects.get(contest=ctx, number=2).pk, "points": "1,5"},
        lambda app: BonusAward.objects.get(application=app).points == 1.5,
    ),
    (
        "contests:publication_add",
        "accepted",
        lambda ctx: {"date": f"{TODAY:%d.%m.%Y}", "outlet": "Алтайская правда", "title": "Двор для всех"},
        lambda app: MediaPublication.objects.filter(application=app, title="Двор для всех").exists(),
    ),
]


def _in_state(fed_admin, contest, municipality, state):
    if state == "draft":
        return _draft(contest, municipality)
    if state == "submitted":
        return _submitted(contest, municipality)
    return accepted_application(fed_admin, contest, municipality)


@pytest.mark.parametrize(("route", "state", "data", "done"), MANAGE_ACTIONS)
def test_sfo_manager_acts_on_barnaul_and_chelyabinsk_is_missing_to_them(
    fed_admin, sfo_manager, contest, client, route, state, data, done
):
    barnaul = _in_state(fed_admin, contest, centre("22"), state)
    chelyabinsk = _in_state(fed_admin, contest, centre("74"), state)
    login(client, sfo_manager)
    before = row_counts()
    assert client.post(reverse(route, args=[chelyabinsk.pk]), data(contest)).status_code == 404
    assert row_counts() == before
    response = client.post(reverse(route, args=[barnaul.pk]), data(contest))
    assert response.status_code == 302, response.content.decode()[:2000]
    assert response.url == reverse("contests:application_detail", args=[barnaul.pk])
    assert done(type(barnaul).objects.get(pk=barnaul.pk))


@pytest.mark.parametrize(("route", "state", "data", "done"), MANAGE_ACTIONS)
def test_participant_of_barnaul_cannot_take_the_federal_teams_actions(
    fed_admin, contest, client, route, state, data, done
):
    barnaul = _in_state(fed_admin, contest, centre("22"), state)
    login(client, participant_of(centre("22"), "participant_barnaul"))
    before = row_counts()
    assert client.post(reverse(route, args=[barnaul.pk]), data(contest)).status_code == 403
    assert row_counts() == before


def test_a_refused_extension_comes_back_with_the_reason_as_typed(fed_admin, contest, client):
    draft = _draft(contest, centre("22"))
    login(client, fed_admin)
    response = client.post(
        reverse("contests:deadline_extend", args=[draft.pk]),
        {"until": "31.02.2026", "reason": "Сбой связи в администрации"},
    )
    assert response.status_code == 400
    body = response.content.decode()
    assert "Сбой связи в администрации" in body and "31.02.2026" in body
    assert type(draft).objects.get(pk=draft.pk).deadline_extended_to is None


def test_a_refused_publication_keeps_what_was_typed_in_the_open_form(fed_admin, contest, client):
    barnaul = accepted_application(fed_admin, contest, centre("22"))
    login(client, fed_admin)
    future = f"{TODAY + dt.timedelta(days=2):%d.%m.%Y}"
    response = client.post(
        reverse("contests:publication_add", args=[barnaul.pk]),
        {"date": future, "outlet": "Алтайская правда", "title": "Двор для всех"},
    )
    assert response.status_code == 400
    body = response.content.decode()
    assert "Дата не может быть в будущем." in body and "Алтайская правда" in body
    assert "<details open>" in body
    assert not MediaPublication.objects.exists()


def test_fed_admin_unassigns_and_sends_for_rereview_only_this_applications_experts(
    fed_admin, contest, client
):
    barnaul = accepted_application(fed_admin, contest, centre("22"))
    chelyabinsk = accepted_application(fed_admin, contest, centre("74"))
    samara = _assigned(fed_admin, barnaul)
    kazan = _assigned(fed_admin, chelyabinsk, "expert_from_kazan", "16")
    ExpertAssignment.objects.filter(pk=samara.pk).update(submitted_at=timezone.now())
    login(client, fed_admin)
    # Another application's assignment named in the form: missing, nothing changes.
    response = client.post(
        reverse("contests:rereview_request", args=[barnaul.pk]),
        {"assignment": kazan.pk, "reason": "Проверьте"},
    )
    assert response.status_code == 404
    response = client.post(reverse("contests:rereview_request", args=[barnaul.pk]), {"assignment": samara.pk})
    assert response.status_code == 400  # no reason: the page again
    response = client.post(
        reverse("contests:rereview_request", args=[barnaul.pk]),
        {"assignment": samara.pk, "reason": "Критерий 2 не обоснован"},
    )
    assert response.status_code == 302
    samara.refresh_from_db()
    assert samara.submitted_at is None and samara.rereview_reason == "Критерий 2 не обоснован"
    assert (
        client.post(
            reverse("contests:expert_unassign", args=[barnaul.pk]), {"assignment": kazan.pk}
        ).status_code
        == 404
    )
    assert (
        client.post(
            reverse("contests:expert_unassign", args=[barnaul.pk]), {"assignment": samara.pk}
        ).status_code
        == 302
    )
    assert list(ExpertAssignment.objects.values_list("pk", flat=True)) == [kazan.pk]


# ---- the participant's forms --------------------------------------------------------------------------


def test_participant_of_barnaul_saves_submits_and_adds_to_their_own_application(fed_admin, contest, client):
    barnaul = participant_of(centre("22"), "participant_barnaul")
    application = services.application_create(actor=barnaul, contest=contest, municipality=centre("22"))
    task = contest.tasks.get()
    criterion = Criterion.objects.filter(criteria_set__contest=contest, criteria_set__settlement_type="city")[
        0
    ]
    login(client, barnaul)
    answer = {f"task_{task.pk}": "Совет жителей собирается раз в месяц"}
    assert client.post(reverse("contests:application_save", args=[application.pk]), answer).status_code == 302
    assert Answer.objects.get(application=application).text == "Совет жителей собирается раз в месяц"
    response = client.post(
        reverse("contests:practice_add", args=[application.pk]),
        {"criterion": criterion.pk, "title": "Клуб отцов", "description": "Встречи по субботам"},
    )
    assert response.status_code == 302 and ApplicationPractice.objects.get().title == "Клуб отцов"
    upload = SimpleUploadedFile("отчёт.pdf", b"%PDF-1.4 report", content_type="application/pdf")
    assert (
        client.post(reverse("contests:file_add", args=[application.pk]), {"file": upload}).status_code == 302
    )
    assert ApplicationFile.objects.filter(application=application).count() == 1
    assert (
        client.post(reverse("contests:application_submit", args=[application.pk]), answer).status_code == 302
    )
    assert type(application).objects.get(pk=application.pk).status == ApplicationStatus.SUBMITTED


@pytest.mark.parametrize(
    "route",
    [
        "contests:application_save",
        "contests:application_submit",
        "contests:practice_add",
        "contests:file_add",
    ],
)
def test_participant_of_chelyabinsk_finds_no_barnaul_application_and_sfo_manager_may_not_write_it(
    fed_admin, sfo_manager, participant_chelyabinsk, contest, client, route
):
    application = _draft(contest, centre("22"))
    data = {f"task_{contest.tasks.get().pk}": "Чужой ответ", "title": "Чужая практика"}
    before = row_counts()
    login(client, participant_chelyabinsk)
    assert client.post(reverse(route, args=[application.pk]), data).status_code == 404
    login(client, sfo_manager)  # sees the application, but it is the municipality's to write
    assert client.post(reverse(route, args=[application.pk]), data).status_code == 403
    assert row_counts() == before


def test_a_refused_practice_keeps_its_text(fed_admin, contest, client):
    barnaul = participant_of(centre("22"), "participant_barnaul")
    application = services.application_create(actor=barnaul, contest=contest, municipality=centre("22"))
    login(client, barnaul)
    response = client.post(
        reverse("contests:practice_add", args=[application.pk]),
        {"title": "Клуб отцов", "description": "Встречи по субботам"},  # no criterion chosen
    )
    assert response.status_code == 400
    assert "Встречи по субботам" in response.content.decode()
    assert not ApplicationPractice.objects.exists()


# ---- scoring ------------------------------------------------------------------------------------------


def test_the_assigned_expert_saves_and_submits_and_another_expert_finds_nothing(fed_admin, contest, client):
    application = accepted_application(fed_admin, contest, centre("22"))
    samara = _assigned(fed_admin, application).expert
    kazan = expert_from("16", "expert_from_kazan")
    criteria = Criterion.objects.filter(criteria_set__contest=contest, criteria_set__settlement_type="city")
    points = {f"points_{c.pk}": "4,5" for c in criteria}
    login(client, kazan)
    for route in ("contests:score_save", "contests:score_submit", "contests:jury_score"):
        assert client.post(reverse(route, args=[application.pk]), points).status_code == 404
    assert not Score.objects.exists()
    login(client, samara)
    response = client.post(reverse("contests:score_save", args=[application.pk]), points)
    assert response.status_code == 302 and Score.objects.count() == criteria.count()
    assert ExpertAssignment.objects.get(expert=samara).submitted_at is None
    assert client.post(reverse("contests:score_submit", args=[application.pk]), points).status_code == 302
    assert ExpertAssignment.objects.get(expert=samara).submitted_at is not None


def test_the_childrens_jury_scores_the_action_on_its_own_form(fed_admin, contest, client):
    application = accepted_application(fed_admin, contest, centre("22"))
    jury = expert_from("63", "jury_samara")
    services.expert_assign(actor=fed_admin, application=application, expert=jury, role=AssignmentRole.JURY)
    login(client, jury)
    page = client.get(reverse("contests:score", args=[application.pk])).content.decode()
    assert reverse("contests:jury_score", args=[application.pk]) in page
    response = client.post(reverse("contests:jury_score", args=[application.pk]), {"points": "много"})
    assert response.status_code == 200 and "Укажите баллы числом." in response.content.decode()
    response = client.post(reverse("contests:jury_score", args=[application.pk]), {"points": "4,5"})
    assert response.status_code == 302
    # the experts' form is not the jury's
    assert client.post(reverse("contests:score_save", args=[application.pk]), {}).status_code == 200


# ---- the contest's forms ------------------------------------------------------------------------------


def test_fed_admin_sets_up_copies_and_assigns_and_a_participant_may_not(
    fed_admin, participant_chelyabinsk, client
):
    draft = services.contest_create(actor=fed_admin, data={"year": 2027, "title": "Семья и город"})
    open_contest = make_contest(fed_admin)
    accepted_application(fed_admin, open_contest, centre("22"))
    expert_from("63", "expert_from_samara")
    stage = {"stage-title": "Приём заявок", "stage-date_from": "01.03.2027", "stage-date_to": "01.04.2027"}
    copy = {"year": "2028", "title": "Семья и город – растем вместе"}
    login(client, participant_chelyabinsk)
    before = row_counts()
    assert client.post(reverse("contests:setup_add", args=[draft.pk, "stage"]), stage).status_code in (
        403,
        404,
    )
    assert client.post(reverse("contests:contest_copy", args=[open_contest.pk]), copy).status_code == 403
    assert client.post(reverse("contests:experts_auto_assign", args=[open_contest.pk])).status_code == 403
    assert row_counts() == before
    login(client, fed_admin)
    assert client.post(reverse("contests:setup_add", args=[draft.pk, "stage"]), stage).status_code == 302
    assert Stage.objects.get(contest=draft).title == "Приём заявок"
    assert client.post(reverse("contests:setup_add", args=[draft.pk, "nonsense"]), stage).status_code == 404
    response = client.post(reverse("contests:contest_copy", args=[open_contest.pk]), copy)
    assert response.status_code == 302 and Contest.objects.filter(year=2028).exists()
    assert client.post(reverse("contests:experts_auto_assign", args=[open_contest.pk])).status_code == 302
    assert ExpertAssignment.objects.count() == 1


def test_a_refused_copy_keeps_the_title_as_typed(fed_admin, client):
    contest = make_contest(fed_admin)
    login(client, fed_admin)
    response = client.post(
        reverse("contests:contest_copy", args=[contest.pk]), {"year": "двадцать", "title": "Новый конкурс"}
    )
    assert response.status_code == 400
    assert 'value="Новый конкурс"' in response.content.decode()
    assert Contest.objects.count() == 1


def test_participant_of_chelyabinsk_applies_once_for_their_own_town(
    fed_admin, participant_chelyabinsk, client
):
    contest = make_contest(fed_admin)
    login(client, fed_admin)  # no municipality of their own to apply for
    assert client.post(reverse("contests:contest_apply", args=[contest.pk])).status_code == 404
    assert not contest.applications.exists()
    login(client, participant_chelyabinsk)
    response = client.post(reverse("contests:contest_apply", args=[contest.pk]))
    application = contest.applications.get()
    assert response.url == reverse("contests:application_detail", args=[application.pk])
    assert application.municipality == centre("74")


def test_a_special_award_names_an_application_of_this_contest(fed_admin, participant_chelyabinsk, client):
    contest = make_contest(fed_admin)
    barnaul = accepted_application(fed_admin, contest, centre("22"))
    other = accepted_application(fed_admin, make_contest(fed_admin), centre("74"))
    url = reverse("contests:award_add", args=[contest.pk])
    login(client, participant_chelyabinsk)
    assert client.post(url, {"application": barnaul.pk, "title": "Приз"}).status_code in (403, 404)
    login(client, fed_admin)
    response = client.post(url, {"application": other.pk, "title": "Приз зрительских симпатий"})
    assert response.status_code == 400
    body = response.content.decode()
    assert "Нет такой заявки в этом конкурсе." in body and "Приз зрительских симпатий" in body
    assert not Award.objects.exists()
    response = client.post(url, {"application": barnaul.pk, "title": "Приз зрительских симпатий"})
    assert response.status_code == 302
    assert Award.objects.get().application == barnaul
