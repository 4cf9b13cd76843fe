"""A consilium meeting in the browser: the proposed agenda, a review with a decision and an action item,
and the executor's «Мои поручения»."""

import datetime as dt

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from conftest import centre, subject
from vyzov.accounts.models import User
from vyzov.cases.tests.factories import make_child, place
from vyzov.consilium import services
from vyzov.consilium.models import Level
from vyzov.territories.models import Organization

from .conftest import screenshot
from .test_roles import sign_in

pytestmark = pytest.mark.browser


@pytest.fixture
def meeting(demo):
    admin = User.objects.get(username="fed_admin")
    home = Organization.objects.filter(
        subject__code="22", kind="orphan_institution", municipality__is_regional_centre=True
    ).first()
    for n, name in enumerate(["Воробьёва", "Синицына", "Снегирёв"]):
        child = make_child(
            centre("22"),
            last_name=name,
            first_name="Ольга" if name.endswith("а") else "Олег",
            birth_date=dt.date(2013 + n, 5, 5),
        )
        place(child, home, start=timezone.localdate() - dt.timedelta(days=300 + n))
    consilium = services.consilium_create(
        actor=admin,
        data={
            "title": "Региональный консилиум Алтайского края",
            "level": Level.REGIONAL,
            "subject": subject("22"),
        },
    )
    return services.meeting_create(actor=admin, consilium=consilium, date=timezone.localdate())


def test_curator_reviews_a_child_and_the_executor_sees_the_item(page, live_server, meeting):
    sign_in(page, live_server, "curator_altai")
    page.goto(f"{live_server.url}/consilium/meetings/{meeting.pk}/")
    expect(page.get_by_text("в учреждении больше 6 месяцев").first).to_be_visible()
    screenshot(page, "consilium-meeting-agenda")
    page.get_by_role("link", name="Рассмотреть").first.click()
    page.locator("#id_review-placement_justified").select_option("justified")
    page.locator("#id_review-return_prospect").select_option("conditional")
    page.get_by_role("button", name="Сохранить ответы").click()
    expect(page.get_by_text("Ответы сохранены")).to_be_visible()
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
    screenshot(page, "consilium-review")
    page.get_by_role("button", name="Принять решение").click()
    expect(page.get_by_text("Решение принято")).to_be_visible()

    page.context.clear_cookies()
    sign_in(page, live_server, "municipal_barnaul")
    page.goto(f"{live_server.url}/consilium/my-items/")
    expect(page.get_by_text("Обследовать условия жизни семьи")).to_be_visible()
    screenshot(page, "consilium-my-items")
