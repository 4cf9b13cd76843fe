"""Headless Chromium from Debian (/usr/bin/chromium) driven by Playwright; never `playwright install`."""

import os
import shutil
from pathlib import Path

import pytest

CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")
# Screenshots for docs/ are written only by `make screenshots` (SCREENSHOTS=1): a test run never
# rewrites tracked files.
SCREENSHOTS = Path(__file__).resolve().parents[2] / "docs" / "screenshots"
WRITE_SCREENSHOTS = os.environ.get("SCREENSHOTS") == "1"

# Playwright's sync API runs an event loop in the test thread; the ORM calls in fixtures are safe here.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


def pytest_collection_modifyitems(config, items):
    if shutil.which(CHROMIUM) or Path(CHROMIUM).exists():
        return
    skip = pytest.mark.skip(reason=f"Chromium not found at {CHROMIUM} (apt-get install chromium)")
    for item in items:
        if "browser" in item.keywords:
            item.add_marker(skip)


@pytest.fixture(scope="session")
def browser():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM,
            args=[
                "--headless",
                "--no-sandbox",
                "--disable-gpu",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
                "--no-first-run",
            ],
        )
        yield browser
        browser.close()


def accept_dialog(dialog) -> None:
    """A user who confirms the irreversible actions (data-confirm); a test that checks «Отмена» removes
    this listener with page.remove_listener("dialog", accept_dialog)."""
    dialog.accept()


@pytest.fixture
def page(browser):
    context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="ru-RU")
    page = context.new_page()
    page.on("dialog", accept_dialog)
    yield page
    context.close()


@pytest.fixture
def demo(transactional_db):
    """The demo organisations and one account per role, as `make run` loads them."""
    from vyzov.demo import accounts as accounts_demo
    from vyzov.demo import territories as territories_demo

    territories_demo.load()
    return {account.username: account for account in accounts_demo.load()}


def screenshot(page, name: str) -> None:
    if not WRITE_SCREENSHOTS:
        return
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / f"{name}.png"), full_page=True)


AXE = Path(__file__).resolve().parents[2] / "node_modules" / "axe-core" / "axe.min.js"


def axe_violations(page, impacts=("serious", "critical")) -> list[str]:
    """axe-core (npm, pinned in package.json) run on the current page: the serious/critical rules broken,
    each as «rule: selector, …»."""
    if not page.evaluate("typeof window.axe !== 'undefined'"):
        # Evaluated through the DevTools protocol: a <script> tag (add_script_tag) would be refused by the CSP.
        page.evaluate(AXE.read_text(encoding="utf-8") + "\n;0")
    result = page.evaluate("axe.run(document, {resultTypes: ['violations']})")
    return [
        f"{v['id']} ({v['impact']}): " + ", ".join(" ".join(n["target"]) for n in v["nodes"][:5])
        for v in result["violations"]
        if v["impact"] in impacts
    ]


def assert_accessible(page) -> None:
    violations = axe_violations(page)
    assert not violations, f"{page.url}: " + "; ".join(violations)


def console_errors(page) -> list[str]:
    """Start collecting the page's console errors (and uncaught exceptions); returns the live list."""
    errors: list[str] = []
    page.on("console", lambda message: errors.append(message.text) if message.type == "error" else None)
    page.on("pageerror", lambda error: errors.append(str(error)))
    return errors
