"""Closing the intake of applications: before the deadline only with «закрыть досрочно» (refused with a
message naming the deadline otherwise), the page asks for confirmation; access from both sides. And
answers the service refuses stay on the page."""

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from conftest import centre, login
from vyzov.contests import services
from vyzov.contests.models import Answer, Contest, ContestStatus
from vyzov.core.models import AuditAction, AuditEntry

from .test_contests import accepted_application, make_contest, participant_of

pytestmark = pytest.mark.django_db
TODAY = timezone.localdate()


def last_status_entry(contest):
    return (
        AuditEntry.objects.filter(
            action=AuditAction.STATUS_CHANGE, object_type="contests.contest", object_id=str(contest.pk)
        )
        .order_by("-id")
        .first()
    )


@pytest.mark.parametrize("days_left", [10, 0])
def test_closing_before_the_deadline_is_refused_unless_said_explicitly(fed_admin, days_left):
    contest = make_contest(fed_admin, deadline=TODAY + dt.timedelta(days=days_left))
    deadline = f"{TODAY + dt.timedelta(days=days_left):%d.%m.%Y}"
    with pytest.raises(ValidationError, match=f"до {deadline} включительно.*закрыть досрочно"):
        services.contest_advance(actor=fed_admin, contest=contest)
    assert Contest.objects.get(pk=contest.pk).status == ContestStatus.OPEN
    contest = services.contest_advance(actor=fed_admin, contest=contest, close_early=True)
    assert contest.status == ContestStatus.REVIEW
    assert last_status_entry(contest).details == {"status": "review", "closed_early": True}


def test_after_the_deadline_the_intake_closes_without_the_flag(fed_admin):
    contest = make_contest(fed_admin)
    Contest.objects.filter(pk=contest.pk).update(submission_deadline=TODAY - dt.timedelta(days=1))
    contest = services.contest_advance(actor=fed_admin, contest=Contest.objects.get(pk=contest.pk))
    assert contest.status == ContestStatus.REVIEW
    assert last_status_entry(contest).details["closed_early"] is False


def test_an_extended_deadline_of_a_municipality_counts(fed_admin):
    contest = make_contest(fed_admin)
    application = accepted_application(fed_admin, contest, centre("22"))
    Contest.objects.filter(pk=contest.pk).update(submission_deadline=TODAY - dt.timedelta(days=1))
    type(application).objects.filter(pk=application.pk).update(
        deadline_extended_to=TODAY + dt.timedelta(days=3)
    )
    with pytest.raises(ValidationError, match=f"до {TODAY + dt.timedelta(days=3):%d.%m.%Y}"):
        services.contest_advance(actor=fed_admin, contest=Contest.objects.get(pk=contest.pk))


def test_page_refuses_without_the_flag_and_closes_with_it(fed_admin, client):
    contest = make_contest(fed_admin)
    login(client, fed_admin)
    page = client.get(reverse("contests:contest_detail", args=[contest.pk])).content.decode()
    assert 'name="close_early"' in page and "data-confirm=" in page
    assert f"{TODAY + dt.timedelta(days=10):%d.%m.%Y}" in page
    url = reverse("contests:contest_advance", args=[contest.pk])
    response = client.post(url, follow=True)
    assert "закрыть досрочно" in response.content.decode()
    assert Contest.objects.get(pk=contest.pk).status == ContestStatus.OPEN
    client.post(url, {"close_early": "1"})
    assert Contest.objects.get(pk=contest.pk).status == ContestStatus.REVIEW
    assert client.get(url).status_code == 405


def test_participant_and_expert_cannot_close_the_intake(
    fed_admin, participant_chelyabinsk, expert_samara, client
):
    contest = make_contest(fed_admin)
    url = reverse("contests:contest_advance", args=[contest.pk])
    for user in (participant_chelyabinsk, expert_samara):
        login(client, user)
        assert client.post(url, {"close_early": "1"}).status_code in (403, 404)
        page = client.get(reverse("contests:contest_detail", args=[contest.pk])).content.decode()
        assert 'name="close_early"' not in page
    assert Contest.objects.get(pk=contest.pk).status == ContestStatus.OPEN


def test_answers_refused_by_the_service_stay_on_the_page(fed_admin, client):
    contest = make_contest(fed_admin)
    participant = participant_of(centre("22"))
    application = services.application_create(actor=participant, contest=contest, municipality=centre("22"))
    task = contest.tasks.get()
    services.application_update(actor=participant, application=application, answers={task.pk: "Первый ответ"})
    services.application_submit(actor=participant, application=application)  # e.g. from another tab
    login(client, participant)
    response = client.post(
        reverse("contests:application_save", args=[application.pk]),
        {f"task_{task.pk}": "Новый длинный ответ о совете жителей"},
    )
    assert response.status_code == 400
    body = response.content.decode()
    assert "Ответы не сохранены" in body and "Новый длинный ответ о совете жителей" in body
    assert Answer.objects.get(application=application).text == "Первый ответ"


def test_a_refused_set_up_item_stays_on_the_page(fed_admin, participant_chelyabinsk, client):
    contest = make_contest(fed_admin)
    login(client, fed_admin)
    response = client.post(
        reverse("contests:setup_add", args=[contest.pk, "stage"]),
        {"stage-title": "Приём заявок муниципалитетов", "stage-date_from": "not a date"},
    )
    assert response.status_code == 400
    body = response.content.decode()
    assert "Приём заявок муниципалитетов" in body and "<details open>" in body
    assert not contest.stages.exists()
    login(client, participant_chelyabinsk)
    response = client.post(
        reverse("contests:setup_add", args=[contest.pk, "stage"]),
        {"stage-title": "Чужой этап", "stage-date_from": "not a date"},
    )
    assert response.status_code in (403, 404) and "Чужой этап" not in response.content.decode()
