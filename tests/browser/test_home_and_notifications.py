"""The home page as today's work and the bell: a curator assigns an action item at a consilium
review; the municipal specialist's home lists it, the bell shows 1, one click opens the item."""

import datetime as dt

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from conftest import centre, subject
from vyzov.accounts.models import User
from vyzov.cases.tests.factories import make_child, place
from vyzov.consilium import services
from vyzov.consilium.models import ActionItem, Level
from vyzov.territories.models import Organization

from .conftest import assert_accessible, console_errors, screenshot
from .test_roles import sign_in

pytestmark = pytest.mark.browser


@pytest.fixture
def meeting(demo):
    admin = User.objects.get(username="fed_admin")
    home = Organization.objects.filter(
        subject__code="22", kind="orphan_institution", municipality__is_regional_centre=True
    ).first()
    child = make_child(
        centre("22"), last_name="Воробьёва", first_name="Ольга", birth_date=dt.date(2014, 5, 5)
    )
    place(child, home, start=timezone.localdate() - dt.timedelta(days=300))
    consilium = services.consilium_create(
        actor=admin,
        data={
            "title": "Региональный консилиум Алтайского края",
            "level": Level.REGIONAL,
            "subject": subject("22"),
        },
    )
    return services.meeting_create(actor=admin, consilium=consilium, date=timezone.localdate())


def test_assigned_item_is_on_the_executors_home_and_in_the_bell(page, live_server, meeting):
    errors = console_errors(page)
    sign_in(page, live_server, "curator_altai")
    page.goto(f"{live_server.url}/consilium/meetings/{meeting.pk}/")
    page.get_by_role("link", name="Рассмотреть").first.click()
    page.locator("#id_review-placement_justified").select_option("justified")
    page.locator("#id_review-return_prospect").select_option("conditional")
    page.locator("#id_decision-route_goal").select_option("return_home")
    page.locator("#id_decision-reasons").fill("Мама готова забрать ребёнка при поддержке службы")
    page.locator("#id_decision-next_review_date").fill(
        (timezone.localdate() + dt.timedelta(days=60)).isoformat()
    )
    page.locator("#id_action0-what").fill("Обследовать условия жизни семьи")
    page.locator("#id_action0-organization").select_option(
        label=str(
            Organization.objects.filter(
                subject__code="22", kind="guardianship_body", municipality__is_regional_centre=True
            ).first()
        )
    )
    page.locator("#id_action0-executor").select_option(label="Специалист опеки г. Барнаула (демо)")
    page.locator("#id_action0-deadline").fill((timezone.localdate() + dt.timedelta(days=10)).isoformat())
    page.get_by_role("button", name="Принять решение").click()
    expect(page.get_by_text("Решение принято")).to_be_visible()
    assert page.locator(".notification-bell").get_attribute("data-unread") == "0"  # not told of one's own act
    item = ActionItem.objects.get(what="Обследовать условия жизни семьи")

    page.context.clear_cookies()
    sign_in(page, live_server, "municipal_barnaul")
    bell = page.locator(".notification-bell")
    assert bell.get_attribute("data-unread") == "1"
    assert bell.locator(".badge").inner_text() == "1"
    queue = page.locator('[data-queue="action_items"]')
    link = queue.get_by_role("link", name="Обследовать условия жизни семьи")
    expect(link).to_be_visible()
    assert_accessible(page)
    screenshot(page, "home-municipal-work-queue")
    link.click()
    page.wait_for_url(f"{live_server.url}/consilium/items/{item.pk}/")

    bell.click()
    page.wait_for_url(f"{live_server.url}/notifications/")
    page.get_by_role("button", name="Вам поручено").first.click()
    page.wait_for_url(f"{live_server.url}/consilium/items/{item.pk}/")
    assert page.locator(".notification-bell").get_attribute("data-unread") == "0"
    assert errors == []
