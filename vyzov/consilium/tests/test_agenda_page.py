"""The meeting page at scale: a summary by agenda reason and one section a page at a time."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.urls import reverse
from django.utils import timezone

from conftest import login, queries_for
from vyzov.consilium import selectors, services
from vyzov.consilium.models import AgendaItem, AgendaReason, Level
from vyzov.consilium.tests.test_consilium import placed_child, subject

pytestmark = pytest.mark.django_db
TODAY = timezone.localdate()
HTMX = {"HTTP_HX_REQUEST": "true"}


@pytest.fixture
def regional(fed_admin):
    return services.consilium_create(
        actor=fed_admin,
        data={"title": "Региональный консилиум", "level": Level.REGIONAL, "subject": subject("22")},
    )


def fill(home, count):
    """Children of three kinds: long stay and never reviewed; recent and never reviewed; long stay and
    reviewed long ago."""
    for number in range(count):
        kind = number % 3
        placed_child(
            home,
            since=TODAY - dt.timedelta(days=400 if kind != 1 else 20),
            reviewed=TODAY - dt.timedelta(days=300) if kind == 2 else None,
        )


def reviewed_children(html: str) -> list[int]:
    return [int(pk) for pk in re.findall(r"/consilium/meetings/\d+/children/(\d+)/\"", html)]


def test_secretary_opens_a_meeting_of_300_children_as_a_summary_and_50_rows(
    regional, home_barnaul, fed_admin, client
):
    fill(home_barnaul, 3)
    small = services.meeting_create(actor=fed_admin, consilium=regional, date=TODAY)
    login(client, fed_admin)
    few = queries_for(client, reverse("consilium:meeting_detail", args=[small.pk]))
    fill(home_barnaul, 297)
    big = services.meeting_create(actor=fed_admin, consilium=regional, date=TODAY + dt.timedelta(days=1))
    assert big.agenda.count() == 300
    url = reverse("consilium:meeting_detail", args=[big.pk])
    assert queries_for(client, url) == few <= 18
    assert queries_for(client, url, section=AgendaReason.REVIEW_DUE, page=2) == few

    response = client.get(url)
    html = response.content.decode()
    assert len(response.content) < 1_000_000
    assert "В повестке детей: 300" in html
    assert len(reviewed_children(html)) == selectors.AGENDA_PAGE_SIZE == 50
    assert "1 из 6" in html
    counts = {
        reason: AgendaItem.objects.filter(meeting=big, reasons__icontains=reason).count()
        for reason in (AgendaReason.NEVER_REVIEWED, AgendaReason.REVIEW_DUE)
    }
    assert counts == {AgendaReason.NEVER_REVIEWED: 200, AgendaReason.REVIEW_DUE: 100}
    assert f'data-section="{AgendaReason.REVIEW_DUE}">' in html
    assert re.search(r'data-section="review_due">[^<]*<span class="badge[^"]*">100<', html)


def test_walking_every_section_page_by_page_shows_each_child_once(
    regional, home_barnaul, fed_admin, client, monkeypatch
):
    monkeypatch.setattr(selectors, "AGENDA_PAGE_SIZE", 7)
    fill(home_barnaul, 30)
    meeting = services.meeting_create(actor=fed_admin, consilium=regional, date=TODAY)
    removed = meeting.agenda.order_by("pk").first()
    services.agenda_remove(actor=fed_admin, item=removed, reason="Рассмотрен муниципальным консилиумом")
    items = list(meeting.agenda.all())
    expected = {
        selectors.SECTION_ALL: {item.child_id for item in items if not item.removed},
        selectors.SECTION_REMOVED: {removed.child_id},
    }
    for code in AgendaReason.values:
        if any(code in item.reasons for item in items if not item.removed):
            expected[code] = {item.child_id for item in items if not item.removed and code in item.reasons}
    login(client, fed_admin)
    url = reverse("consilium:meeting_detail", args=[meeting.pk])
    assert set(expected) >= {AgendaReason.LONG_STAY, AgendaReason.NEVER_REVIEWED, AgendaReason.REVIEW_DUE}
    for code, children in expected.items():
        seen: list[int] = []
        page = 1
        while True:
            response = client.get(url, {"section": code, "page": page}, **HTMX)
            html = response.content.decode()
            assert response.status_code == 200 and "<html" not in html  # the fragment only
            if code == selectors.SECTION_REMOVED:
                assert "text-decoration-line-through" in html and not reviewed_children(html)
                seen.append(removed.child_id)
            else:
                assert len(reviewed_children(html)) <= 7
                seen += reviewed_children(html)
            if 'rel="next"' not in html:
                break
            page += 1
        assert sorted(seen) == sorted(children), code
    full = client.get(url, {"section": AgendaReason.REVIEW_DUE}).content.decode()
    assert "<html" in full and 'aria-current="true" href="?section=review_due' in full
    assert "Добавить в повестку" in full  # the secretary's forms stay on the page


def test_an_unknown_section_shows_the_whole_agenda_and_other_regions_get_404(
    regional, home_barnaul, fed_admin, specialist_perm, client
):
    fill(home_barnaul, 3)
    meeting = services.meeting_create(actor=fed_admin, consilium=regional, date=TODAY)
    url = reverse("consilium:meeting_detail", args=[meeting.pk])
    login(client, fed_admin)
    html = client.get(url, {"section": "<script>", "page": "x"}).content.decode()
    assert len(reviewed_children(html)) == 3 and "<script>" not in html
    login(client, specialist_perm)
    assert client.get(url, {"section": AgendaReason.LONG_STAY}, **HTMX).status_code == 404
