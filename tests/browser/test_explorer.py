"""The analytics explorer and the open data in a browser: choose, see the table and the chart, share
the link (a regional user opening it sees their own region only), accessibility checked with axe."""

import pytest
from playwright.sync_api import expect

from vyzov.demo import monitoring as monitoring_demo
from vyzov.monitoring import reference

from .conftest import assert_accessible, console_errors, screenshot
from .test_roles import sign_in

pytestmark = pytest.mark.browser


@pytest.fixture
def monitoring(demo):
    reference.load_all()
    monitoring_demo.load()


def test_analyst_builds_a_view_shares_it_and_a_regional_user_sees_their_region(
    browser, page, live_server, monitoring
):
    errors = console_errors(page)
    sign_in(page, live_server, "fed_analyst")
    page.goto(f"{live_server.url}/monitoring/")
    page.get_by_role("link", name="Конструктор аналитики").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Конструктор аналитики")
    expect(page.locator("#explore-table")).to_contain_text("Пермский край")
    page.wait_for_function("document.getElementById('explore-chart').width > 0")

    page.get_by_label("Поступило детей в учреждения за квартал").check()
    page.get_by_label("Уровень территорий").select_option("district")
    page.get_by_role("button", name="Показать").click()
    page.wait_for_url("**level=district**")
    table = page.locator("#explore-table")
    expect(table).to_contain_text("Сибирский федеральный округ")
    expect(table.locator("thead th[scope=colgroup]")).to_have_count(2)
    page.wait_for_function("document.getElementById('explore-chart').width > 0")
    assert_accessible(page)
    screenshot(page, "monitoring-explorer")

    link = page.locator("#explore-link").input_value()
    assert link.startswith(live_server.url) and "level=district" in link
    with page.expect_download() as download:
        page.get_by_role("link", name="Скачать XLSX").click()
    assert download.value.suggested_filename.endswith(".xlsx")
    assert not errors, errors

    other = browser.new_context(locale="ru-RU").new_page()
    try:
        sign_in(other, live_server, "specialist_perm")
        other.goto(link.replace("level=district", "level=subject"))
        rows = other.locator("#explore-table tbody th[scope=row]")
        expect(rows).to_have_count(1)
        expect(rows.first).to_contain_text("Пермский край")
    finally:
        other.context.close()


def test_open_data_page_without_login_is_accessible(page, live_server, monitoring):
    page.goto(f"{live_server.url}/open-data/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Открытые данные программы «Вызов»")
    expect(page.locator('[data-figure="last_period"]')).to_have_text("на 01.10.2025")
    expect(page.locator("#open-data-table tbody tr")).to_have_count(89)
    assert_accessible(page)
    screenshot(page, "open-data")


def test_completeness_table_is_accessible(page, live_server, monitoring):
    sign_in(page, live_server, "fed_analyst")
    page.goto(f"{live_server.url}/monitoring/completeness/")
    expect(page.locator("#completeness-table tbody tr")).to_have_count(89)
    assert_accessible(page)
