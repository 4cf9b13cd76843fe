"""A regional curator in the browser: the regional passport, the programme and the МРГ."""

import pytest
from playwright.sync_api import expect

from vyzov.demo import monitoring as monitoring_demo
from vyzov.demo import programmes as programmes_demo
from vyzov.demo import support as support_demo
from vyzov.monitoring.reference import load_all as load_monitoring_reference
from vyzov.programmes.models import RegionalProgramme

from .conftest import screenshot
from .test_roles import sign_in

pytestmark = pytest.mark.browser


def test_curator_reviews_the_region(page, live_server, demo):
    load_monitoring_reference()
    monitoring_demo.load()
    support_demo.load()
    programmes_demo.load()
    sign_in(page, live_server, "curator_altai")
    page.goto(f"{live_server.url}/programmes/regions/22/passport/")
    expect(page.get_by_role("heading", name="Паспорт региона: Алтайский край")).to_be_visible()
    assert page.locator('[data-figure="actions_overdue"]').inner_text() == "1"
    screenshot(page, "programmes-passport")
    page.get_by_role("link", name="Региональная программа по профилактике").click()
    expect(page.get_by_text("Семьи на сопровождении служб «Дети в семье»")).to_be_visible()
    screenshot(page, "programmes-programme")
    page.goto(f"{live_server.url}/programmes/regions/22/working-group/")
    expect(page.locator("span.text-danger", has_text="просрочено").first).to_be_visible()
    screenshot(page, "programmes-working-group")
    page.goto(f"{live_server.url}/programmes/regions/22/curator/")
    expect(page.get_by_text("Румянцева Наталья Леонидовна")).to_be_visible()
    screenshot(page, "programmes-curator")
    assert RegionalProgramme.objects.count() == 14
