"""`manage.py create_admin`: the first federal administrator without a shell snippet, audited."""

import pytest
from django.core.management import CommandError, call_command

from vyzov.accounts.access import Perm, has_perm
from vyzov.accounts.models import Role, ScopeLevel, User
from vyzov.core.models import AuditAction, AuditEntry

pytestmark = pytest.mark.django_db
STRONG = "Ледокол-Красин-1917"


def test_noninteractive_creates_a_federal_admin_with_the_grant_and_an_audit_row(monkeypatch):
    monkeypatch.setenv("VYZOV_ADMIN_PASSWORD", STRONG)
    call_command(
        "create_admin",
        "--noinput",
        username="admin_fond",
        full_name="Иванова Мария Петровна",
        email="admin@fond.example",
        password_env="VYZOV_ADMIN_PASSWORD",
    )
    admin = User.objects.get(username="admin_fond")
    grant = admin.grants.get()
    assert (grant.role, grant.level) == (Role.FEDERAL_ADMIN, ScopeLevel.COUNTRY)
    assert has_perm(admin, Perm.USERS_MANAGE) and has_perm(admin, Perm.AUDIT_VIEW)
    entry = AuditEntry.objects.get(object_type="accounts.user", object_id=str(admin.pk))
    assert entry.action == AuditAction.CREATE
    assert entry.actor is None and entry.actor_username.startswith("консоль: ")
    assert entry.details["via"] == "manage.py create_admin"
    assert admin.check_password(STRONG) and admin.is_active


def test_interactive_asks_for_everything(monkeypatch):
    answers = iter(["admin_fond", "Иванова Мария Петровна", "admin@fond.example"])
    monkeypatch.setattr("builtins.input", lambda prompt: next(answers))
    monkeypatch.setattr("getpass.getpass", lambda prompt: STRONG)
    call_command("create_admin")
    assert User.objects.get(username="admin_fond").check_password(STRONG)


def test_interactive_refuses_mismatched_passwords(monkeypatch):
    passwords = iter([STRONG, STRONG + "!"])
    monkeypatch.setattr("getpass.getpass", lambda prompt: next(passwords))
    with pytest.raises(CommandError, match="не совпадают"):
        call_command("create_admin", username="admin_fond", full_name="Иванова М. П.", email="a@fond.example")
    assert not User.objects.filter(username="admin_fond").exists()


def test_noinput_without_a_password_variable_refuses(monkeypatch):
    monkeypatch.delenv("VYZOV_ADMIN_PASSWORD", raising=False)
    with pytest.raises(CommandError, match="VYZOV_ADMIN_PASSWORD"):
        call_command(
            "create_admin",
            "--noinput",
            username="admin_fond",
            full_name="Иванова М. П.",
            email="a@fond.example",
            password_env="VYZOV_ADMIN_PASSWORD",
        )
    with pytest.raises(CommandError, match="--password-env"):
        call_command("create_admin", "--noinput", username="a", full_name="b", email="a@fond.example")
    assert not User.objects.exists()


def test_weak_password_and_existing_user_are_refused_without_a_trace(monkeypatch, fed_analyst):
    monkeypatch.setenv("PW", "12345678")
    with pytest.raises(CommandError):
        call_command(
            "create_admin",
            "--noinput",
            username="admin_fond",
            full_name="И. М. П.",
            email="a@f.ru",
            password_env="PW",
        )
    monkeypatch.setenv("PW", STRONG)
    with pytest.raises(CommandError, match="уже есть"):
        call_command(
            "create_admin",
            "--noinput",
            username=fed_analyst.username,
            full_name="x",
            email="a@f.ru",
            password_env="PW",
        )
    assert not User.objects.filter(username="admin_fond").exists()
    assert not fed_analyst.grants.filter(role=Role.FEDERAL_ADMIN).exists()
    assert not AuditEntry.objects.filter(object_type="accounts.user").exists()
