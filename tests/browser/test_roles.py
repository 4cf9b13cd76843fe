"""Every demo role signs in through the real login page, sees its own figures, and is refused
a page outside its permissions. Screenshots go to docs/screenshots/."""

import pytest
from playwright.sync_api import expect

from vyzov.demo.accounts import DEMO_PASSWORD

from .conftest import screenshot

pytestmark = pytest.mark.browser

# username → (figure shown on the home page and its value, a page that must be refused, expected status)
ROLES = {
    "fed_admin": ({"subjects": "89"}, "/no-such-page/", 404),
    "fed_analyst": ({"subjects": "89"}, "/accounts/users/", 403),
    "curator_altai": ({"subjects": "1", "municipalities": "11"}, "/territories/subjects/59/", 404),
    "specialist_perm": ({"subjects": "1"}, "/audit/", 403),
    "municipal_barnaul": ({"municipalities": "1", "subjects": "0"}, "/territories/subjects/22/", 404),
    "staff_altai_home": ({"organizations": "1"}, "/organizations/new/", 403),
    "service_altai": ({"organizations": "1"}, "/accounts/users/", 403),
    "ngo_irkutsk": ({"subjects": "1"}, "/territories/subjects/22/", 404),
    "participant_chelyabinsk": ({}, "/organizations/", 403),
    "expert_samara": ({}, "/territories/", 403),
    "analyst": ({"subjects": "89"}, "/audit/", 403),
}


def sign_in(page, live_server, username):
    page.goto(f"{live_server.url}/accounts/login/")
    page.get_by_label("Имя пользователя").fill(username)
    page.get_by_label("Пароль").fill(DEMO_PASSWORD)
    page.get_by_role("button", name="Войти").click()
    page.wait_for_url(f"{live_server.url}/")


@pytest.mark.parametrize("username", list(ROLES))
def test_each_role_sees_its_home_and_is_refused_outside(page, live_server, demo, username):
    figures, forbidden, status = ROLES[username]
    sign_in(page, live_server, username)
    assert page.get_by_role("heading", level=1).inner_text().startswith("Здравствуйте")
    for figure, value in figures.items():
        assert page.locator(f'[data-figure="{figure}"]').inner_text() == value, figure
    screenshot(page, f"home-{username}")
    response = page.goto(f"{live_server.url}{forbidden}")
    assert response.status == status
    assert page.get_by_role("heading", level=1).inner_text() in {"Доступ запрещён", "Страница не найдена"}


def test_wrong_password_shows_russian_error(page, live_server, demo):
    page.goto(f"{live_server.url}/accounts/login/")
    page.get_by_label("Имя пользователя").fill("curator_altai")
    page.get_by_label("Пароль").fill("wrong-password-123")
    page.get_by_role("button", name="Войти").click()
    expect(page.get_by_text("Неверное имя пользователя или пароль")).to_be_visible()
    screenshot(page, "login-error")


def test_curator_browses_tree_and_creates_an_organization(page, live_server, demo):
    sign_in(page, live_server, "curator_altai")
    page.get_by_role("button", name="Регион").click()
    page.get_by_role("link", name="Территории").click()
    page.locator("summary", has_text="Алтайский край").click()
    page.get_by_role("link", name="Бийск").wait_for()
    screenshot(page, "territory-tree-curator")
    page.goto(f"{live_server.url}/organizations/new/")
    page.get_by_label("Полное название").fill("АНО «Тёплый дом» (тест)")
    page.get_by_label("Тип").select_option("ngo")
    page.get_by_label("Муниципальное образование").select_option(label="Бийск")
    page.get_by_role("button", name="Сохранить").click()
    assert page.get_by_role("heading", level=1).inner_text() == "АНО «Тёплый дом» (тест)"
    screenshot(page, "organization-card")
    page.goto(f"{live_server.url}/audit/")
    expect(page.get_by_text("АНО «Тёплый дом» (тест)").first).to_be_visible()
    screenshot(page, "audit-curator")
