"""Global search in a real browser: a municipal specialist types a surname with a typo in the top bar
and reaches the child's card in one click; a child of another municipality is not offered."""

import datetime as dt

import pytest

from conftest import centre, town
from vyzov.cases.tests.factories import make_child

from .conftest import assert_accessible, screenshot
from .test_roles import sign_in

pytestmark = pytest.mark.browser


@pytest.fixture
def children(demo):
    ours = make_child(
        centre("22"),
        last_name="Воробьёва",
        first_name="Дарья",
        middle_name="Андреевна",
        birth_date=dt.date(2013, 4, 5),
    )
    make_child(town("22", "Бийск"), last_name="Воробьёв", first_name="Глеб", birth_date=dt.date(2014, 1, 1))
    return ours


def test_municipal_specialist_finds_a_child_by_surname_with_a_typo(page, live_server, children):
    errors = []
    page.on("console", lambda message: message.type == "error" and errors.append(message.text))
    sign_in(page, live_server, "municipal_barnaul")
    box = page.get_by_role("search").get_by_label("Поиск по системе")
    box.fill("Вробьева")  # a letter lost, ё typed as е
    box.press("Enter")
    page.wait_for_url("**/search/?q=*")
    results = page.locator('[data-kind="children"]')
    assert results.get_by_role("link").all_inner_texts() == ["Воробьёва Дарья Андреевна"]
    assert "2013 г. р." in results.inner_text()
    assert_accessible(page)
    screenshot(page, "search-typo")

    results.get_by_role("link", name="Воробьёва Дарья Андреевна").click()
    page.wait_for_url(f"**/register/children/{children.pk}/")
    assert "Воробьёва" in page.get_by_role("heading", level=1).inner_text()
    assert errors == []
