"""The children list pages by keyset («Следующая/Предыдущая»): walking every page forward and back
shows each row of the actor's scope exactly once, for every sort, with ties and empty values."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.urls import reverse
from django.utils import timezone

from conftest import centre, login, make_org
from vyzov.cases import selectors, services, views
from vyzov.cases.forms import SORT_CHOICES
from vyzov.cases.models import Child, RouteGoal
from vyzov.core.keyset import keyset_page

from .factories import make_child, place

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
