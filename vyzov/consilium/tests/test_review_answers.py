"""The review page never drops typed answers: «Принять решение» saves the answers with the decision in
one transaction, «Сохранить ответы» keeps what was typed into the decision; access from both sides."""

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from conftest import login, subject
from vyzov.cases.models import Case, RouteGoal
from vyzov.cases.tests.factories import make_child, place
from vyzov.consilium import services
from vyzov.consilium.models import Decision, Level, Review

pytestmark = pytest.mark.django_db
TODAY = timezone.localdate()


@pytest.fixture
def meeting(fed_admin, child):
    consilium = services.consilium_create(
        actor=fed_admin,
        data={"title": "Региональный консилиум", "level": Level.REGIONAL, "subject": subject("22")},
    )
    return services.meeting_create(actor=fed_admin, consilium=consilium, date=TODAY)


@pytest.fixture
def child(home_barnaul):
    child = make_child(home_barnaul.municipality)
    place(child, home_barnaul, start=TODAY - dt.timedelta(days=300))
    return child


def answers(**extra):
    data = {
        "review-placement_justified": "justified",
        "review-placement_comment": "Мама в больнице",
        "review-return_prospect": "conditional",
        "review-return_measures": "Лечение матери, затем возвращение",
        "review-services_needed": ["family_service"],
    }
    data.update(extra)
    return data


def decision(**extra):
    data = {
        "decision-route_goal": RouteGoal.RETURN_HOME,
        "decision-reasons": "Мама готова забрать ребёнка",
        "decision-next_review_date": (TODAY + dt.timedelta(days=60)).isoformat(),
    }
    data.update(extra)
    return data


def urls(meeting, child):
    args = [meeting.pk, child.pk]
    return (
        reverse("consilium:review", args=args),
        reverse("consilium:review_answers_save", args=args),
        reverse("consilium:review_decide", args=args),
    )


def test_deciding_before_saving_keeps_the_answers(client, curator_altai, meeting, child):
    page, _, decide = urls(meeting, child)
    login(client, curator_altai)
    response = client.post(decide, {**answers(), **decision()})
    assert response.status_code == 302
    review = Review.objects.get(meeting=meeting, child=child)
    assert review.placement_justified == "justified"
    assert review.return_measures == "Лечение матери, затем возвращение"
    assert review.services_needed == ["family_service"]
    assert review.decision.route_goal == RouteGoal.RETURN_HOME
    assert Case.objects.get(child=child).goal == RouteGoal.RETURN_HOME
    shown = client.get(page).content.decode()
    assert "Лечение матери, затем возвращение" in shown and "Решение принято" in shown


def test_refused_decision_saves_nothing_and_shows_everything_typed(client, curator_altai, meeting, child):
    _, _, decide = urls(meeting, child)
    login(client, curator_altai)
    response = client.post(decide, {**answers(), **decision(**{"decision-reasons": ""})})
    assert response.status_code == 400
    assert not Review.objects.exists() and not Decision.objects.exists()
    body = response.content.decode()
    assert "Лечение матери, затем возвращение" in body  # the answers are still on the page


def test_service_rolls_back_the_answers_when_the_decision_is_refused(curator_altai, meeting, child):
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError):
        services.review_decide(
            actor=curator_altai,
            meeting=meeting,
            child=child,
            answers={"return_prospect": "soon"},
            expected_version=None,
            route_goal=RouteGoal.RETURN_HOME,
            reasons="основание",
            next_review_date=TODAY - dt.timedelta(days=1),
        )
    assert not Review.objects.exists()


def test_saving_answers_keeps_what_was_typed_into_the_decision(client, curator_altai, meeting, child):
    _, save, _ = urls(meeting, child)
    login(client, curator_altai)
    response = client.post(save, {**answers(), **decision(), "action0-what": "Обследовать семью"})
    assert response.status_code == 200
    body = response.content.decode()
    assert "Решение ещё не принято" in body
    assert "Мама готова забрать ребёнка" in body and "Обследовать семью" in body
    assert Review.objects.get().return_prospect == "conditional"
    assert not Decision.objects.exists()


def test_saving_answers_alone_redirects_and_a_stale_version_is_refused(client, curator_altai, meeting, child):
    _page, save, decide = urls(meeting, child)
    login(client, curator_altai)
    assert client.post(save, answers()).status_code == 302
    review = Review.objects.get()
    assert review.version == 1
    # Someone else changed the answers meanwhile: the decision with the old version is refused.
    services.review_save(
        actor=curator_altai,
        meeting=meeting,
        child=child,
        data={"return_prospect": "impossible"},
        expected_version=1,
    )
    response = client.post(decide, {**answers(**{"review-version": "1"}), **decision()})
    assert response.status_code == 400
    assert "другой пользователь" in response.content.decode()
    assert not Decision.objects.exists()
    assert Review.objects.get().return_prospect == "impossible"


def test_out_of_scope_is_404_and_a_viewer_without_decide_is_403(
    client, specialist_perm, fed_analyst, meeting, child
):
    page, save, decide = urls(meeting, child)
    login(client, specialist_perm)
    assert client.get(page).status_code == 404
    assert client.post(decide, {**answers(), **decision()}).status_code == 404
    login(client, fed_analyst)
    assert client.get(page).status_code == 200
    assert client.post(save, answers()).status_code == 403
    assert client.post(decide, {**answers(), **decision()}).status_code == 403
    assert not Review.objects.exists()


def test_the_review_url_only_reads(client, curator_altai, meeting, child):
    page, _, _ = urls(meeting, child)
    login(client, curator_altai)
    assert client.post(page, {**answers(), **decision()}).status_code == 405
    assert not Review.objects.exists()
