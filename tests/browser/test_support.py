"""A «Дети в семье» specialist in the browser: the case-load and a family case."""

import datetime as dt

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from conftest import centre
from vyzov.accounts.models import User
from vyzov.cases.tests.factories import make_family
from vyzov.support import services
from vyzov.support.models import Service, Specialist

from .conftest import screenshot
from .test_roles import sign_in

pytestmark = pytest.mark.browser


@pytest.fixture
def caseload(demo):
    user = User.objects.get(username="service_altai")
    organization = user.grants.get().organization
    service = Service.objects.create(organization=organization)
    specialist = Specialist.objects.create(service=service, user=user, full_name=user.full_name)
    today = timezone.localdate()
    for number, title in enumerate(["Семья Петровых", "Семья Ивановых", "Семья Кузьминых"]):
        case = services.case_open(
            actor=user,
            service=service,
            family=make_family(centre("22"), title=title),
            specialist=specialist,
            data={
                "referral": "school",
                "reason": "Ребёнок пропускает школу, дома конфликт",
                "intake_date": today - dt.timedelta(days=40 + number),
                "children_count": 2,
            },
        )
        services.step_add(
            actor=user,
            case=case,
            data={
                "goal": "Безопасность ребёнка",
                "action": "Визит домой",
                "responsible": specialist,
                "due_date": today - dt.timedelta(days=number),
            },
        )
    return specialist


def test_specialist_works_with_a_family(page, live_server, caseload):
    sign_in(page, live_server, "service_altai")
    page.goto(f"{live_server.url}/support/")
    expect(page.get_by_role("link", name="Сопровождение №").first).to_be_visible()
    screenshot(page, "support-caseload")
    page.get_by_role("link", name="Сопровождение №").first.click()
    expect(page.get_by_text("Безопасность ребёнка")).to_be_visible()
    screenshot(page, "support-family-case")
