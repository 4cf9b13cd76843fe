"""Signing in and out: audit rows, lockout, password rules, sessions."""

import pytest
from django.conf import settings
from django.test import Client
from django.urls import reverse
from rest_framework.authtoken.models import Token

from conftest import PASSWORD, login
from vyzov.core.models import AuditAction, AuditEntry

pytestmark = pytest.mark.django_db

LOGIN = reverse("accounts:login")


def sign_in(client, username, password):
    return client.post(LOGIN, {"username": username, "password": password})


def test_successful_login_leaves_one_audit_row(client, curator_altai):
    response = sign_in(client, "curator_altai", PASSWORD)
    assert response.status_code == 302
    rows = AuditEntry.objects.filter(action=AuditAction.LOGIN)
    assert rows.count() == 1
    row = rows.get()
    assert row.actor == curator_altai and row.subject.code == "22" and row.ip == "127.0.0.1"


def test_failed_login_leaves_exactly_one_audit_row(client, curator_altai):
    before = AuditEntry.objects.count()
    response = sign_in(client, "curator_altai", "wrong-password-123")
    assert response.status_code == 200
    assert "Неверное имя пользователя или пароль" in response.content.decode()
    assert AuditEntry.objects.count() == before + 1
    row = AuditEntry.objects.latest("id")
    assert row.action == AuditAction.LOGIN_FAILED
    assert row.actor is None and row.actor_username == "curator_altai"


def test_failed_login_of_unknown_user_is_audited_too(client):
    sign_in(client, "nobody", "whatever-password")
    assert AuditEntry.objects.filter(action=AuditAction.LOGIN_FAILED, actor_username="nobody").count() == 1


def test_logout_is_audited(client, curator_altai):
    sign_in(client, "curator_altai", PASSWORD)
    client.post(reverse("accounts:logout"))
    assert AuditEntry.objects.filter(action=AuditAction.LOGOUT, actor=curator_altai).count() == 1


def test_lockout_after_repeated_failures_even_with_the_right_password(client, curator_altai):
    for _ in range(settings.AXES_FAILURE_LIMIT):
        sign_in(client, "curator_altai", "wrong-password-123")
    response = sign_in(client, "curator_altai", PASSWORD)
    assert response.status_code == 429
    assert "заблокирован" in response.content.decode()
    assert "_auth_user_id" not in client.session


def test_lockout_is_per_user_and_address(client, curator_altai, curator_perm):
    for _ in range(settings.AXES_FAILURE_LIMIT):
        sign_in(client, "curator_altai", "wrong-password-123")
    assert sign_in(Client(), "curator_perm", PASSWORD).status_code == 302


def test_four_failures_then_success_is_not_locked(client, curator_altai):
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        sign_in(client, "curator_altai", "wrong-password-123")
    assert sign_in(client, "curator_altai", PASSWORD).status_code == 302


def test_password_shorter_than_12_is_refused_in_russian(client, curator_altai):
    login(client, curator_altai)
    response = client.post(
        reverse("accounts:password_change"),
        {"old_password": PASSWORD, "new_password1": "Kx9#short1", "new_password2": "Kx9#short1"},
    )
    assert response.status_code == 200
    errors = " ".join(response.context["form"].errors["new_password2"])
    assert "слишком короткий" in errors and "12" in errors
    curator_altai.refresh_from_db()
    assert curator_altai.check_password(PASSWORD)


def test_numeric_and_username_like_passwords_are_refused(client, curator_altai):
    login(client, curator_altai)
    for bad in ("123456789012345", "curator_altai_2026"):
        response = client.post(
            reverse("accounts:password_change"),
            {"old_password": PASSWORD, "new_password1": bad, "new_password2": bad},
        )
        assert response.status_code == 200
        assert response.context["form"].errors["new_password2"]
    curator_altai.refresh_from_db()
    assert curator_altai.check_password(PASSWORD)


def test_password_change_ends_other_sessions_and_revokes_token(curator_altai):
    laptop, phone = Client(), Client()
    assert sign_in(laptop, "curator_altai", PASSWORD).status_code == 302
    assert sign_in(phone, "curator_altai", PASSWORD).status_code == 302
    Token.objects.create(user=curator_altai)
    new_password = "a-much-longer-new-passphrase"
    response = laptop.post(
        reverse("accounts:password_change"),
        {"old_password": PASSWORD, "new_password1": new_password, "new_password2": new_password},
    )
    assert response.status_code == 302
    assert laptop.get(reverse("core:home")).status_code == 200  # this session stays
    assert phone.get(reverse("core:home")).status_code == 302  # the other one is signed out
    assert not Token.objects.filter(user=curator_altai).exists()
    assert AuditEntry.objects.filter(action=AuditAction.PASSWORD_CHANGE, actor=curator_altai).count() == 1


def test_passwords_are_hashed_with_argon2_in_production_settings():
    from config.settings import base

    assert base.PASSWORD_HASHERS[0].endswith("Argon2PasswordHasher")


def test_session_expires_after_30_minutes_idle():
    assert settings.SESSION_COOKIE_AGE == 30 * 60
    # sliding: refreshed at most once a minute by core.middleware.SessionIdleRefreshMiddleware
    assert "vyzov.core.middleware.SessionIdleRefreshMiddleware" in settings.MIDDLEWARE


def test_inactive_user_cannot_sign_in(client, curator_altai):
    curator_altai.is_active = False
    curator_altai.save()
    response = sign_in(client, "curator_altai", PASSWORD)
    assert response.status_code == 200
    assert "_auth_user_id" not in client.session


def test_api_token_is_issued_once_shown_and_audited(client, curator_altai):
    login(client, curator_altai)
    response = client.post(reverse("accounts:api_token_issue"))
    token = Token.objects.get(user=curator_altai)
    assert token.key in response.content.decode()
    assert AuditEntry.objects.filter(action=AuditAction.TOKEN_CREATE).count() == 1
    client.post(reverse("accounts:api_token_issue"))
    assert not Token.objects.filter(key=token.key).exists()


def test_expert_without_api_permission_gets_no_token(client, participant_chelyabinsk):
    # contest participants do hold api.use; a user without any grant does not
    from vyzov.accounts.models import User

    nobody = User.objects.create_user(username="nobody", password=PASSWORD, full_name="Никто")
    login(client, nobody)
    assert client.post(reverse("accounts:api_token_issue")).status_code == 403
    assert not Token.objects.filter(user=nobody).exists()


def test_timezone_of_home_subject_is_used(client, curator_altai):
    sign_in(client, "curator_altai", PASSWORD)
    assert client.session["vyzov_timezone"] == "Asia/Barnaul"
