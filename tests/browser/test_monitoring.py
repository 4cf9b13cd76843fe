"""The situational centre in a browser: the country overview with its map and a region page with charts."""

import pytest

from vyzov.demo import monitoring as monitoring_demo
from vyzov.monitoring import reference

from .conftest import screenshot
from .test_roles import sign_in

pytestmark = pytest.mark.browser


@pytest.fixture
def monitoring(demo):
    reference.load_all()
    monitoring_demo.load()


def test_federal_analyst_sees_the_country_and_opens_a_region(page, live_server, monitoring):
    sign_in(page, live_server, "fed_analyst")
    page.get_by_role("link", name="Ситуационный центр").first.click()
    assert page.locator('[data-figure="pilot_change"]').inner_text() == "-22,2 %"
    assert page.locator('[data-figure="country_change"]').inner_text() == "-18,2 %"
    assert page.locator(".tile-map svg rect").count() >= 89
    page.wait_for_function("document.getElementById('overview-chart').width > 0")
    screenshot(page, "monitoring-overview")
    page.locator("svg a[href='/monitoring/regions/24/']").click()
    page.wait_for_url(f"{live_server.url}/monitoring/regions/24/")
    assert page.get_by_role("heading", level=1).inner_text().startswith("Красноярский край")
    page.wait_for_function("document.getElementById('chart-children_in_institutions').width > 0")
    screenshot(page, "monitoring-region")


def test_regional_specialist_is_refused_another_region(page, live_server, monitoring):
    sign_in(page, live_server, "specialist_perm")
    assert page.goto(f"{live_server.url}/monitoring/regions/22/").status == 404
    page.goto(f"{live_server.url}/monitoring/regions/59/reports/2025-10-01/")
    screenshot(page, "monitoring-quarter-report")
