"""No dead ends: every internal link a role is shown on its home page and main lists opens (no 404/500),
and «Документация API» renders under the CSP."""

import re
from urllib.parse import urljoin, urlparse

import pytest
from playwright.sync_api import expect

from conftest import centre, subject
from vyzov.accounts.models import User
from vyzov.consilium import services as consilium_services
from vyzov.consilium.models import Level
from vyzov.monitoring import reference

from .conftest import console_errors, screenshot
from .test_roles import sign_in

pytestmark = pytest.mark.browser

ROLE_PAGES = {
    "fed_admin": ["/", "/accounts/users/", "/organizations/", "/consilium/"],
    "curator_altai": ["/", "/consilium/", "/territories/", "/register/children/"],
    "municipal_barnaul": ["/", "/consilium/", "/register/children/", "/register/families/", "/territories/"],
    "staff_altai_home": ["/", "/territories/", "/register/children/"],
    "service_altai": ["/", "/territories/", "/support/", "/consilium/"],
    "ngo_irkutsk": ["/", "/aid/"],
    "participant_chelyabinsk": ["/", "/contests/"],
    "expert_samara": ["/", "/contests/"],
    "analyst": ["/"],
}
# GET only, and nothing that signs out or downloads a file.
SKIP = re.compile(r"logout|\.(docx|xlsx|csv|pdf)$|export|download|/api/")


@pytest.fixture
def linked(demo):
    """The reference indicators and a regional and a municipal consilium of Altai (the list links «отчёт региона»)."""
    reference.load_all()
    consilium_services.consilium_create(
        actor=User.objects.get(username="fed_admin"),
        data={
            "title": "Региональный консилиум Алтайского края",
            "level": Level.REGIONAL,
            "subject": subject("22"),
        },
    )
    consilium_services.consilium_create(
        actor=User.objects.get(username="fed_admin"),
        data={
            "title": "Муниципальный консилиум г. Барнаула",
            "level": Level.MUNICIPAL,
            "subject": subject("22"),
            "municipality": centre("22"),
        },
    )


def links_on(page, base):
    hrefs = page.eval_on_selector_all("a[href]", "els => els.map(e => e.getAttribute('href'))")
    hrefs += page.eval_on_selector_all("[hx-get]", "els => els.map(e => e.getAttribute('hx-get'))")
    found = set()
    for href in hrefs:
        if not href or href.startswith(("#", "mailto:", "tel:", "javascript:")):
            continue
        url = urlparse(urljoin(page.url, href))
        if f"{url.scheme}://{url.netloc}" != base or SKIP.search(url.path):
            continue
        found.add(url.path + (f"?{url.query}" if url.query else ""))
    return found


@pytest.mark.parametrize("username", list(ROLE_PAGES))
def test_every_link_shown_to_a_role_opens(page, live_server, linked, username):
    sign_in(page, live_server, username)
    targets = set()
    for path in ROLE_PAGES[username]:
        response = page.goto(f"{live_server.url}{path}")
        assert response.status == 200, path
        targets |= links_on(page, live_server.url)
    request = page.context.request
    broken = []
    for target in sorted(targets):
        status = request.get(f"{live_server.url}{target}", headers={"HX-Request": "true"}).status
        if status in (404, 500):
            broken.append(f"{target} → {status}")
    assert broken == []


def test_api_docs_render_under_the_csp(page, live_server, demo):
    errors = console_errors(page)
    sign_in(page, live_server, "curator_altai")
    page.get_by_role("button", name="Куратор Алтайского края (демо)").click()
    page.get_by_role("link", name="Документация API").click()
    page.locator(".opblock-tag").first.wait_for()
    assert page.locator(".opblock").count() > 20  # the operations list
    expect(page.get_by_text("/api/v1/children/").first).to_be_visible()
    screenshot(page, "api-docs")
    assert not [e for e in errors if "Content Security Policy" in e]
    assert errors == []
