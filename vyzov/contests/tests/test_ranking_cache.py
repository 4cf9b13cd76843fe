"""The contest ranking is computed once per version of its results and cached; every service that
changes what it is computed from bumps the version, so the page and the API never show a stale place."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.urls import reverse
from rest_framework.test import APIClient

from conftest import centre, login
from vyzov.contests import selectors, services
from vyzov.contests.models import BonusItem, Category, Contest, ExpertAssignment

from .test_contests import accepted_application, expert_from, make_contest, participant_of, score_all

pytestmark = pytest.mark.django_db


@pytest.fixture
def counted(monkeypatch):
    """How many times the ranking was really computed."""
    calls: list[int] = []
    original = selectors.ranking

    def ranking(*, contest):
        calls.append(contest.pk)
        return original(contest=contest)

    monkeypatch.setattr(selectors, "ranking", ranking)
    return calls


def finals(contest: Contest) -> dict[int, Decimal | None]:
    api = APIClient()
    api.force_authenticate(contest.created_by)
    body = api.get(f"/api/v1/contests/contests/{contest.pk}/ranking/").json()
    return {
        row["application"]: row["final"] and Decimal(str(row["final"]))
        for group in body
        for row in group["rows"]
    }


def test_federal_admin_sees_each_score_as_soon_as_it_is_saved(fed_admin, client, counted):
    contest = make_contest(fed_admin, criteria=3, experts_per_application=1)
    barnaul = accepted_application(fed_admin, contest, centre("22"))
    samara = expert_from("63", "expert_samara")
    services.expert_assign(actor=fed_admin, application=barnaul, expert=samara)
    login(client, fed_admin)
    url = reverse("contests:ranking", args=[contest.pk])
    assert "оценки не завершены" in client.get(url).content.decode()
    assert client.get(url).status_code == 200 and len(counted) == 1  # the second view is the cache's
    score_all(samara, barnaul, 4)  # 12 points
    page = client.get(url).content.decode()
    assert "оценки не завершены" not in page and len(counted) == 2
    client.get(url)
    assert len(counted) == 2


def test_every_results_service_invalidates_the_cached_ranking(fed_admin, counted):
    contest = make_contest(fed_admin, criteria=3, experts_per_application=1)
    barnaul = accepted_application(fed_admin, contest, centre("22"))
    expert, jury = expert_from("63", "expert_samara"), expert_from("16", "jury_kazan")

    def changed(step) -> bool:
        before = Contest.objects.get(pk=contest.pk).results_version
        step()
        return Contest.objects.get(pk=contest.pk).results_version > before

    assert changed(lambda: services.expert_assign(actor=fed_admin, application=barnaul, expert=expert))
    assert changed(lambda: score_all(expert, barnaul, 3))
    assert finals(contest)[barnaul.pk] == Decimal("9")
    assignment = services.expert_assign(actor=fed_admin, application=barnaul, expert=jury, role="jury")
    assert changed(lambda: services.jury_score_save(actor=jury, assignment=assignment, points=Decimal(4)))
    assert finals(contest)[barnaul.pk] == Decimal("13")
    meeting = BonusItem.objects.get(contest=contest, scored_by_jury=False)
    assert changed(
        lambda: services.bonus_confirm(actor=fed_admin, application=barnaul, item=meeting, points=Decimal(2))
    )
    assert finals(contest)[barnaul.pk] == Decimal("15")
    own = ExpertAssignment.objects.get(expert=expert)
    assert changed(lambda: services.rereview_request(actor=fed_admin, assignment=own, reason="Проверьте"))
    assert changed(lambda: score_all(expert, barnaul, 5))
    assert finals(contest)[barnaul.pk] == Decimal("21")
    other = Category.objects.filter(contest=contest).exclude(pk=barnaul.category_id).first()
    assert changed(
        lambda: services.category_change(
            actor=fed_admin, application=barnaul, category=other, reason="Приказ"
        )
    )
    body = APIClient()
    body.force_authenticate(fed_admin)
    groups = body.get(f"/api/v1/contests/contests/{contest.pk}/ranking/").json()
    assert [group["category"] for group in groups if group["rows"]] == [other.code]
    second = accepted_application(fed_admin, contest, centre("63"))  # application_review bumps it too
    assert second.pk in finals(contest)
    assert changed(lambda: services.expert_unassign(actor=fed_admin, assignment=assignment))


def test_a_participant_gets_404_on_an_unpublished_ranking_even_when_it_is_cached(fed_admin, client):
    contest = make_contest(fed_admin, criteria=2)
    participant = participant_of(centre("22"))
    accepted_application(fed_admin, contest, centre("22"), participant)
    login(client, fed_admin)
    url = reverse("contests:ranking", args=[contest.pk])
    assert client.get(url).status_code == 200
    login(client, participant)
    assert client.get(url).status_code == 404
