"""Which contests a person sees is one rule (selectors.contests_visible) for the pages and the API: the
federal team every contest, drafts included; other contest roles only contests past preparation."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone
from rest_framework.test import APIClient

from conftest import login, make_user
from vyzov.accounts.models import Role, ScopeLevel
from vyzov.contests import services
from vyzov.contests.tests.test_contests import make_contest
from vyzov.territories.models import FederalDistrict

pytestmark = pytest.mark.django_db


@pytest.fixture
def contests(fed_admin):
    draft = services.contest_create(
        actor=fed_admin,
        data={
            "year": 2027,
            "title": "В подготовке",
            "submission_deadline": timezone.localdate() + dt.timedelta(30),
        },
    )
    return {"draft": draft, "open": make_contest(fed_admin)}


@pytest.fixture
def district_analyst(db):
    """contests.manage, but for one federal district only: not the federal team that prepares contests."""
    district = FederalDistrict.objects.get(code="СФО")
    return make_user("analyst_district", Role.FEDERAL_ANALYST, level=ScopeLevel.DISTRICT, district=district)


def seen(client, actor, contests) -> tuple[set[str], set[str], set[str]]:
    login(client, actor)
    listed = {c.pk for c in client.get(reverse("contests:contest_list")).context["contests"]}
    page = {
        name
        for name, contest in contests.items()
        if client.get(reverse("contests:contest_detail", args=[contest.pk])).status_code == 200
    }
    api = APIClient()
    api.force_authenticate(actor)
    in_api = {row["id"] for row in api.get("/api/v1/contests/contests/").json()["results"]}
    return (
        {name for name, c in contests.items() if c.pk in listed},
        page,
        {name for name, c in contests.items() if c.pk in in_api},
    )


@pytest.mark.parametrize(
    ("who", "expected"),
    [
        ("fed_admin", {"draft", "open"}),
        ("district_analyst", {"open"}),
        ("participant_chelyabinsk", {"open"}),
        ("expert_samara", {"open"}),
    ],
)
def test_pages_and_api_show_the_same_contests(who, expected, contests, client, request):
    listed, opened, in_api = seen(client, request.getfixturevalue(who), contests)
    assert listed == opened == in_api == expected
