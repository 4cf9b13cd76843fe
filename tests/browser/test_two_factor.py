"""Two-factor login in the browser: a regional curator (personal data) must enrol after the password,
reads the key from the page, confirms it with a code, and later signs in with a code."""

import re
import time
from base64 import b32decode

import pytest
from django_otp.oath import totp
from playwright.sync_api import expect

from vyzov.demo.accounts import DEMO_PASSWORD

from .conftest import screenshot

pytestmark = pytest.mark.browser


def code_from(secret: str, *, steps_ahead: int = 0) -> str:
    """What an authenticator app shows for this key (a later step: a code is never accepted twice)."""
    key = secret.replace(" ", "")
    key = b32decode(key + "=" * (-len(key) % 8))
    return f"{totp(key, 30, 0, 6, steps_ahead):06d}"


def clear_of_step_boundary(page) -> None:
    """Wait for a fresh 30-second step when the current one is nearly over: a code accepted one step late
    moves the device's drift (django-otp syncs it), and the next code would then be looked for a step early."""
    into_step = time.time() % 30
    if into_step > 20:
        page.wait_for_timeout((30 - into_step + 0.5) * 1000)


def password_step(page, live_server, username):
    page.goto(f"{live_server.url}/accounts/login/")
    page.get_by_label("Имя пользователя").fill(username)
    page.get_by_label("Пароль").fill(DEMO_PASSWORD)
    page.get_by_role("button", name="Войти").click()


def test_curator_enrols_then_signs_in_with_a_code(page, live_server, demo, settings):
    settings.TWO_FACTOR_REQUIRED = True

    password_step(page, live_server, "curator_altai")
    page.wait_for_url(re.compile(r"/accounts/two-factor/\?next="))
    assert page.get_by_role("heading", level=1).inner_text() == "Двухфакторная аутентификация"
    expect(page.get_by_text("вход с кодом обязателен")).to_be_visible()
    expect(page.locator("[data-qr] svg")).to_be_visible()
    secret = page.locator("[data-secret]").inner_text()
    screenshot(page, "two-factor-setup")

    # Until enrolment, every other page leads back here.
    page.goto(f"{live_server.url}/register/children/")
    assert "/accounts/two-factor/" in page.url

    clear_of_step_boundary(page)
    page.get_by_label("Код подтверждения").fill(code_from(secret))
    page.get_by_role("button", name="Подтвердить").click()
    codes = page.locator("[data-recovery-codes] li")
    codes.first.wait_for()
    assert codes.count() == 10
    page.get_by_role("link", name="Я сохранил коды, продолжить").click()
    page.wait_for_url(re.compile(r"/register/children/$"))

    page.locator(".user-menu").click()
    page.get_by_role("button", name="Выйти").click()
    page.wait_for_url(re.compile(r"/accounts/login/"))

    password_step(page, live_server, "curator_altai")
    page.wait_for_url(re.compile(r"/accounts/two-factor/verify/"))
    page.get_by_label("Код подтверждения").fill(
        "000000" if code_from(secret, steps_ahead=1) != "000000" else "111111"
    )
    page.get_by_role("button", name="Войти").click()
    expect(page.get_by_text("Неверный код")).to_be_visible()

    # After the pause that follows a wrong code, the right one signs in.
    page.wait_for_timeout(1100)
    clear_of_step_boundary(page)
    page.get_by_label("Код подтверждения").fill(code_from(secret, steps_ahead=1))
    page.get_by_role("button", name="Войти").click()
    page.wait_for_url(f"{live_server.url}/")
    assert page.get_by_role("heading", level=1).inner_text().startswith("Здравствуйте")


def test_analyst_is_not_asked_for_a_code(page, live_server, demo, settings):
    settings.TWO_FACTOR_REQUIRED = True
    password_step(page, live_server, "analyst")
    page.wait_for_url(f"{live_server.url}/")
    assert page.get_by_role("heading", level=1).inner_text().startswith("Здравствуйте")
