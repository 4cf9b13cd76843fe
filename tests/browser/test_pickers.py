"""A «Дети в семье» specialist opens a case by typing part of the family's name into the picker."""

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from vyzov.accounts.models import User
from vyzov.cases.tests.factories import make_family
from vyzov.support.models import FamilyCase, Service, Specialist

from .conftest import assert_accessible, screenshot
from .test_roles import sign_in

pytestmark = pytest.mark.browser


@pytest.fixture
def service_altai(demo):
    user = User.objects.get(username="service_altai")
    organization = user.grants.get().organization
    service = Service.objects.create(organization=organization)
    Specialist.objects.create(service=service, full_name="Борис Другой")
    specialist = Specialist.objects.create(service=service, user=user, full_name=user.full_name)
    municipality = organization.municipality
    family = make_family(municipality, title="Семья Пикеровых")
    make_family(municipality, title="Семья Соседовых")
    return service, specialist, family


def test_specialist_links_the_family_by_picking_it(page, live_server, service_altai):
    service, specialist, family = service_altai
    errors = []
    page.on("console", lambda message: errors.append(message.text) if message.type == "error" else None)
    sign_in(page, live_server, "service_altai")
    page.goto(f"{live_server.url}/support/services/{service.pk}/cases/new/")
    # The specialist is preselected: the case is about their own work.
    assert page.locator("#id_specialist").input_value() == str(specialist.pk)

    page.get_by_role("searchbox", name="Семья").fill("пикер")
    suggestion = page.get_by_role("button", name="Семья Пикеровых")
    suggestion.wait_for()
    assert page.get_by_role("button", name="Семья Соседовых").count() == 0
    assert_accessible(page)  # with the suggestions open
    screenshot(page, "picker-family")
    suggestion.click()
    assert page.get_by_role("searchbox", name="Семья").input_value() == "Семья Пикеровых"

    page.locator("#id_referral").select_option(index=1)
    page.locator("#id_reason").fill("Долги, угроза выселения")
    page.locator("#id_intake_date").fill(timezone.localdate().isoformat())
    page.get_by_role("button", name="Открыть сопровождение").click()
    page.wait_for_url("**/support/cases/**")
    expect(page.get_by_role("heading", name="Семья Пикеровых")).to_be_visible()
    case = FamilyCase.objects.get()
    assert case.family == family and case.specialist == specialist
    assert not errors
