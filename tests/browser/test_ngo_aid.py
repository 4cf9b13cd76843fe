"""The NGO operator in the browser: a submitted request is approved within the fund's balance."""

import datetime as dt

import pytest
from playwright.sync_api import expect

from conftest import centre
from vyzov.cases.models import SocialStatusKind
from vyzov.cases.tests.factories import make_family
from vyzov.demo import ngo_aid as ngo_aid_demo
from vyzov.ngo_aid import reference
from vyzov.ngo_aid.models import AidRequest, RequestStatus
from vyzov.territories.reference import read_csv

from .conftest import screenshot
from .test_roles import sign_in

pytestmark = pytest.mark.browser


@pytest.fixture
def aid(demo):
    for _ in range(3):  # families in СОП for the live requests of Иркутская область
        family = make_family(centre("38"))
        family.statuses.create(kind=SocialStatusKind.SOP, start_date=dt.date(2025, 1, 1), basis="КДН")
    reference.load_forms()
    reference.ensure_operators(pilot_rows=read_csv("vyzov_pilot_regions.csv"))
    ngo_aid_demo._live_requests()
    return AidRequest.objects.filter(status=RequestStatus.SUBMITTED).first()


def test_operator_approves_a_request(page, live_server, aid):
    sign_in(page, live_server, "ngo_irkutsk")
    page.goto(f"{live_server.url}/aid/")
    screenshot(page, "aid-requests-operator")
    page.goto(f"{live_server.url}/aid/{aid.pk}/")
    expect(page.get_by_text("проверено системой").first).to_be_visible()
    page.locator("#id_amount").fill("59500.00")
    screenshot(page, "aid-request-card")
    page.get_by_role("button", name="Одобрить").click()
    expect(page.get_by_text("Заявка одобрена")).to_be_visible()
    assert page.locator("[data-status]").inner_text() == "одобрена"
