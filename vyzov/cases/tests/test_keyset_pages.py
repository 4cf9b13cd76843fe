"""The children list pages by keyset («Следующая/Предыдущая»): walking every page forward and back
shows each row of the actor's scope exactly once, for every sort, with ties and empty values."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from rest_framework.test import APIClient

from conftest import centre, login, make_org
from vyzov.cases import selectors, services, views
from vyzov.cases.forms import SORT_CHOICES
from vyzov.cases.models import Child, RouteGoal
from vyzov.core.keyset import keyset_page

from .factories import make_child, make_family, place

pytestmark = pytest.mark.django_db
TODAY = timezone.localdate()


def listed(html: str) -> list[int]:
    return [int(pk) for pk in re.findall(r'href="/register/children/(\d+)/"', html)]


def link(html: str, rel: str) -> str | None:
    found = re.search(rf'href="([^"]+)" rel="{rel}"', html)
    return reverse("cases:child_list") + found.group(1).replace("&amp;", "&") if found else None


@pytest.fixture
def register(curator_altai):
    """Eleven Altai children with equal names, birth dates, placement days and review dates among them
    (and some without a placement or a review date); one Perm child outside the curator's scope."""
    home = make_org("Центр № 7, Барнаул", municipality=centre("22"))
    children = []
    for number in range(11):
        child = make_child(
            centre("22"),
            last_name="Одинаков" if number % 3 else "Другой",
            first_name="Иван",
            birth_date=dt.date(2015, 1, 1 + number % 2),
        )
        if number % 4:
            place(child, home, start=dt.date(2024, 1, 1 + number % 2))
        if number % 5:
            child = Child.objects.get(pk=child.pk)
            services.route_change(
                actor=curator_altai,
                child=child,
                goal=RouteGoal.RETURN_HOME,
                reason="план",
                next_review_date=TODAY + dt.timedelta(days=number % 2),
                expected_version=child.case.version,
            )
        children.append(child.pk)
    outsider = make_child(centre("59"), last_name="Одинаков", first_name="Иван")
    return children, outsider.pk


@pytest.mark.parametrize("sort", [code for code, _label in SORT_CHOICES])
def test_curator_walks_every_page_forward_and_back(sort, register, curator_altai, client, monkeypatch):
    children, outsider = register
    monkeypatch.setattr(views, "CHILD_PAGE_SIZE", 3)
    login(client, curator_altai)
    url = f"{reverse('cases:child_list')}?sort={sort}"
    pages: list[list[int]] = []
    while url:
        html = client.get(url).content.decode()
        pages.append(listed(html))
        assert "Всего: 11" in html
        url = link(html, "next")
    forward = [pk for page in pages for pk in page]
    assert sorted(forward) == sorted(children) and outsider not in forward
    assert len(pages) == 4 and all(len(page) == 3 for page in pages[:3])
    expected = [child.pk for child in selectors.child_list(actor=curator_altai, filters={"sort": sort})]
    assert forward == expected  # the pages follow the list's own order, ties by id
    back = [pages[-1]]
    url = link(html, "prev")
    while url:
        html = client.get(url).content.decode()
        back.insert(0, listed(html))
        url = link(html, "prev")
    assert back == pages


def test_a_broken_cursor_shows_the_first_page(register, curator_altai, client):
    login(client, curator_altai)
    html = client.get(reverse("cases:child_list"), {"after": "not-a-cursor!", "sort": "next_review"})
    assert html.status_code == 200 and len(listed(html.content.decode())) == 11


@pytest.mark.parametrize("sort", list(selectors.SORTS))
def test_keyset_walk_of_every_sort_matches_the_list_order(sort, register, curator_altai):
    """Every sort of the selector (the API's too, descending placement and id included)."""
    children = selectors.child_list(actor=curator_altai, filters={"sort": sort})
    order = selectors.sort_order(sort)
    pages = [keyset_page(children, order=order, per_page=4)]
    while pages[-1].next_cursor:
        pages.append(keyset_page(children, order=order, after=pages[-1].next_cursor, per_page=4))
    assert [child.pk for page in pages for child in page] == [child.pk for child in children]
    assert len(pages) == 3 and pages[0].prev_cursor is None
    back = [pages[-1]]
    while back[0].prev_cursor:
        back.insert(0, keyset_page(children, order=order, before=back[0].prev_cursor, per_page=4))
    assert [[child.pk for child in page] for page in back] == [[child.pk for child in page] for page in pages]
    assert back[0].prev_cursor is None and len(children) == 11 and register[1] not in {c.pk for c in children}


@pytest.fixture
def families(curator_altai):
    """Seven Altai families, four of them with the same title; one Perm family outside the scope."""
    altai = [
        make_family(centre("22"), title="Семья Одинаковых" if number % 2 else f"Семья {number}")
        for number in range(7)
    ]
    return [family.pk for family in altai], make_family(centre("59"), title="Семья Одинаковых").pk


def family_rows(html: str) -> list[int]:
    return [int(pk) for pk in re.findall(r'href="/register/families/(\d+)/"', html)]


def test_curator_walks_the_families_by_key_forward_and_back(families, curator_altai, client, monkeypatch):
    mine, outsider = families
    monkeypatch.setattr(views, "FAMILY_PAGE_SIZE", 3)
    login(client, curator_altai)
    url: str | None = reverse("cases:family_list")
    pages: list[list[int]] = []
    while url:
        html = client.get(url).content.decode()
        pages.append(family_rows(html))
        assert "Всего: 7" in html and "?page=" not in html
        found = re.search(r'href="([^"]+)" rel="next"', html)
        url = reverse("cases:family_list") + found.group(1).replace("&amp;", "&") if found else None
    expected = [family.pk for family in selectors.family_list(actor=curator_altai)]
    assert [pk for page in pages for pk in page] == expected and sorted(expected) == sorted(mine)
    assert [len(page) for page in pages] == [3, 3, 1] and outsider not in expected
    found = re.search(r'href="([^"]+)" rel="prev"', html)
    assert found
    back = client.get(reverse("cases:family_list") + found.group(1).replace("&amp;", "&")).content.decode()
    assert family_rows(back) == pages[1]


def test_perm_curator_walking_the_api_sees_only_perm(families, curator_perm):
    api = APIClient()
    api.force_authenticate(curator_perm)
    body = api.get("/api/v1/families/").json()
    assert [row["id"] for row in body["results"]] == [families[1]]
    assert body["next"] is None and body["previous"] is None and "count" not in body


@pytest.mark.parametrize("sort", list(selectors.SORTS))
def test_api_client_walks_the_children_by_key_without_a_count(
    sort, register, curator_altai, django_assert_max_num_queries
):
    """`next` and `previous` links walk the API list in its sort; no request counts the register."""
    children, outsider = register
    api = APIClient()
    api.force_authenticate(curator_altai)
    url: str | None = f"/api/v1/children/?sort={sort}&page_size=4"
    pages: list[dict] = []
    while url:
        with CaptureQueriesContext(connection) as queries:
            body = api.get(url).json()
        assert not any("COUNT(" in query["sql"].upper() for query in queries.captured_queries)
        pages.append(body)
        url = body["next"]
    ids = [row["id"] for page in pages for row in page["results"]]
    expected = [child.pk for child in selectors.child_list(actor=curator_altai, filters={"sort": sort})]
    assert ids == expected and sorted(ids) == sorted(children) and outsider not in ids
    assert len(pages) == 3 and pages[0]["previous"] is None
    previous = api.get(pages[-1]["previous"]).json()
    assert [row["id"] for row in previous["results"]] == [row["id"] for row in pages[-2]["results"]]
