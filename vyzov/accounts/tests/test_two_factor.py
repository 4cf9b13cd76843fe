"""Two-factor login: who must enrol, the code step after the password, throttling and lockout,
recovery codes, the federal admin's reset, and the API (token creation and token use)."""

import re
from base64 import b32decode
from datetime import timedelta

import pytest
from django.conf import settings as django_settings
from django.urls import reverse
from django.utils import timezone
from django_otp.oath import totp
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice
from rest_framework.authtoken.models import Token

from conftest import PASSWORD
from vyzov.accounts import access, services
from vyzov.accounts.access import ActionNotAllowed
from vyzov.accounts.models import Role
from vyzov.core.models import AuditAction, AuditEntry

pytestmark = pytest.mark.django_db

LOGIN = reverse("accounts:login")
SETUP = reverse("accounts:two_factor_setup")
VERIFY = reverse("accounts:two_factor_verify")
HOME = reverse("core:home")
PROFILE = reverse("accounts:profile")
TOKEN_ISSUE = reverse("accounts:api_token_issue")
CHILDREN_API = "/api/v1/children/"


@pytest.fixture
def required(settings):
    settings.TWO_FACTOR_REQUIRED = True


def code_for(device: TOTPDevice, *, steps_ahead: int = 0) -> str:
    """The app's code now (or `steps_ahead` 30-second steps later: a code is never accepted twice)."""
    return f"{totp(device.bin_key, device.step, device.t0, device.digits, steps_ahead):06d}"


def enrol(user) -> tuple[TOTPDevice, list[str]]:
    device = TOTPDevice.objects.create(user=user, name="app", confirmed=True)
    static = StaticDevice.objects.create(user=user, name="codes", confirmed=True)
    codes = [f"code{i:04d}" for i in range(10)]
    StaticToken.objects.bulk_create(StaticToken(device=static, token=code) for code in codes)
    return device, codes


def sign_in(client, user):
    return client.post(LOGIN, {"username": user.username, "password": PASSWORD})


def unthrottle(device) -> None:
    """As if the pause after a wrong code had passed."""
    device.refresh_from_db()
    device.throttling_failure_timestamp = timezone.now() - timedelta(days=1)
    device.save()


# ---- who must enrol -------------------------------------------------------------------------------


def test_required_roles_come_from_the_permission_table():
    for role, perms in access.ROLE_PERMISSIONS.items():
        reads_personal = any(perm.endswith(".view_personal") for perm in perms)
        if reads_personal or access.Perm.USERS_MANAGE in perms:
            assert role in access.TWO_FACTOR_ROLES, role
    for role in (Role.ANALYST, Role.FEDERAL_ANALYST, Role.CONTEST_EXPERT, Role.CONTEST_PARTICIPANT):
        assert role not in access.TWO_FACTOR_ROLES


def test_requires_two_factor_by_role_and_setting(settings, curator_altai, staff_barnaul_home, analyst):
    settings.TWO_FACTOR_REQUIRED = True
    assert access.requires_two_factor(curator_altai)
    assert access.requires_two_factor(staff_barnaul_home)
    assert not access.requires_two_factor(analyst)
    settings.TWO_FACTOR_REQUIRED = False
    assert not access.requires_two_factor(curator_altai)


def test_required_user_is_sent_to_enrolment_and_reaches_nothing_else(required, client, curator_altai):
    response = sign_in(client, curator_altai)
    assert response.status_code == 302
    response = client.get(response.url)
    assert response.status_code == 302 and response.url.startswith(SETUP)
    for url in (HOME, PROFILE, reverse("cases:child_list"), reverse("accounts:user_list")):
        response = client.get(url)
        assert response.status_code == 302 and response.url.startswith(SETUP), url
    # A POST elsewhere does not get through either.
    assert client.post(TOKEN_ISSUE).status_code == 302
    assert not Token.objects.filter(user=curator_altai).exists()
    # The API through the session: refused with a Russian message.
    response = client.get(CHILDREN_API)
    assert response.status_code == 403
    assert "обязателен вход с кодом" in response.json()["detail"]
    # The enrolment page itself opens.
    page = client.get(SETUP)
    assert page.status_code == 200
    assert "<svg" in page.content.decode() and "data-secret" in page.content.decode()


def test_optional_role_is_not_forced_but_may_enrol(required, client, analyst):
    sign_in(client, analyst)
    assert client.get(HOME).status_code == 200
    assert client.get("/api/v1/subjects/").status_code == 200
    page = client.get(SETUP)
    assert page.status_code == 200
    assert "необязательна" in client.get(PROFILE).content.decode()


def test_nobody_is_forced_when_the_installation_does_not_require_it(client, curator_altai):
    assert django_settings.TWO_FACTOR_REQUIRED is False
    sign_in(client, curator_altai)
    assert client.get(HOME).status_code == 200


# ---- enrolment ----------------------------------------------------------------------------------


def test_enrolment_with_a_code_gives_ten_recovery_codes_once(required, client, curator_altai):
    sign_in(client, curator_altai)
    page = client.get(SETUP).content.decode()
    secret = re.search(r"data-secret>([A-Z2-7 ]+)<", page).group(1).replace(" ", "")
    device = TOTPDevice.objects.get(user=curator_altai, confirmed=False)
    assert b32decode(secret + "=" * (-len(secret) % 8)) == device.bin_key

    wrong = client.post(SETUP, {"code": "000000" if code_for(device) != "000000" else "111111"})
    assert wrong.status_code == 200 and "Код не подошёл" in wrong.content.decode()
    unthrottle(device)

    response = client.post(SETUP, {"code": code_for(device)})
    assert response.status_code == 200
    codes = re.findall(r"<li>([a-z2-7]{8})</li>", response.content.decode())
    assert len(codes) == 10 and len(set(codes)) == 10
    device.refresh_from_db()
    assert device.confirmed
    assert StaticToken.objects.filter(device__user=curator_altai).count() == 10
    assert client.get(HOME).status_code == 200
    assert AuditEntry.objects.filter(
        action=AuditAction.STATUS_CHANGE, actor=curator_altai, details__two_factor="подключена"
    ).exists()
    # The codes are shown once: the profile only counts them.
    profile = client.get(PROFILE).content.decode()
    assert codes[0] not in profile and "Осталось кодов восстановления: 10" in profile


def test_password_alone_cannot_replace_the_device(required, client, curator_altai):
    enrol(curator_altai)
    sign_in(client, curator_altai)
    response = client.get(SETUP)
    assert response.status_code == 302 and response.url.startswith(VERIFY)
    assert not TOTPDevice.objects.filter(user=curator_altai, confirmed=False).exists()


# ---- the code after the password ----------------------------------------------------------------


def test_enrolled_user_gives_a_code_after_the_password(required, client, curator_altai):
    device, _ = enrol(curator_altai)
    response = sign_in(client, curator_altai)
    response = client.get(response.url)
    assert response.status_code == 302 and response.url.startswith(VERIFY)
    response = client.post(VERIFY, {"code": code_for(device), "next": PROFILE})
    assert response.status_code == 302 and response.url == PROFILE
    assert client.get(HOME).status_code == 200
    assert AuditEntry.objects.filter(
        action=AuditAction.LOGIN, actor=curator_altai, details__second_factor="приложение"
    ).exists()


def test_optional_user_who_enrolled_is_asked_for_the_code_too(required, client, analyst):
    enrol(analyst)
    sign_in(client, analyst)
    response = client.get(HOME)
    assert response.status_code == 302 and response.url.startswith(VERIFY)


def test_wrong_code_is_refused_audited_and_throttled(required, client, curator_altai):
    device, _ = enrol(curator_altai)
    sign_in(client, curator_altai)
    right = code_for(device)
    wrong = "000000" if right != "000000" else "111111"
    response = client.post(VERIFY, {"code": wrong})
    assert response.status_code == 400 and "Неверный код" in response.content.decode()
    assert (
        AuditEntry.objects.filter(action=AuditAction.LOGIN_FAILED, actor_username="curator_altai").count()
        == 1
    )
    # Right away even the right code is refused: the device pauses after a failure.
    response = client.post(VERIFY, {"code": right})
    assert response.status_code == 400 and "подождите" in response.content.decode()
    assert client.get(HOME).status_code == 302
    unthrottle(device)
    assert client.post(VERIFY, {"code": code_for(device)}).status_code == 302
    assert client.get(HOME).status_code == 200


def test_repeated_wrong_codes_lock_the_login_like_wrong_passwords(required, client, curator_altai):
    device, _ = enrol(curator_altai)
    sign_in(client, curator_altai)
    wrong = "000000" if code_for(device) != "000000" else "111111"
    statuses = [client.post(VERIFY, {"code": wrong}).status_code for _ in range(settings_limit())]
    assert statuses[-1] == 429
    assert "_auth_user_id" not in client.session
    # Locked: the right password does not sign in either.
    response = sign_in(client, curator_altai)
    assert response.status_code == 429


def settings_limit() -> int:
    return django_settings.AXES_FAILURE_LIMIT


# ---- recovery codes -------------------------------------------------------------------------------


def test_recovery_code_works_once(required, client, curator_altai):
    _, codes = enrol(curator_altai)
    sign_in(client, curator_altai)
    assert client.post(VERIFY, {"code": codes[3].upper()}).status_code == 302
    assert client.get(HOME).status_code == 200
    assert not StaticToken.objects.filter(token=codes[3]).exists()
    client.post(reverse("accounts:logout"))

    sign_in(client, curator_altai)
    response = client.post(VERIFY, {"code": codes[3]})
    assert response.status_code == 400
    assert client.get(HOME).status_code == 302


def test_new_recovery_codes_replace_the_old_ones(required, client, curator_altai):
    device, codes = enrol(curator_altai)
    sign_in(client, curator_altai)
    client.post(VERIFY, {"code": code_for(device)})
    response = client.post(reverse("accounts:two_factor_recovery_codes"))
    new_codes = re.findall(r"<li>([a-z2-7]{8})</li>", response.content.decode())
    assert len(new_codes) == 10
    tokens = set(StaticToken.objects.filter(device__user=curator_altai).values_list("token", flat=True))
    assert tokens == set(new_codes) and not tokens & set(codes)


def test_required_user_cannot_disable_but_optional_user_can(required, client, curator_altai, analyst):
    device, _ = enrol(curator_altai)
    sign_in(client, curator_altai)
    client.post(VERIFY, {"code": code_for(device)})
    assert client.post(reverse("accounts:two_factor_disable")).status_code == 403
    assert TOTPDevice.objects.filter(user=curator_altai).exists()

    other = client.__class__()
    device, _ = enrol(analyst)
    sign_in(other, analyst)
    other.post(VERIFY, {"code": code_for(device)})
    assert other.post(reverse("accounts:two_factor_disable")).status_code == 302
    assert not TOTPDevice.objects.filter(user=analyst).exists()


# ---- reset by a federal admin ----------------------------------------------------------------------


def test_federal_admin_resets_a_lost_device_and_it_is_audited(required, client, fed_admin, curator_altai):
    enrol(curator_altai)
    Token.objects.create(user=curator_altai)
    admin_device, _ = enrol(fed_admin)
    client.force_login(fed_admin)
    client.post(VERIFY, {"code": code_for(admin_device)})
    page = client.get(reverse("accounts:user_detail", args=[curator_altai.pk])).content.decode()
    assert "Сбросить (потерян телефон)" in page

    response = client.post(reverse("accounts:user_two_factor_reset", args=[curator_altai.pk]))
    assert response.status_code == 302
    assert not TOTPDevice.objects.filter(user=curator_altai).exists()
    assert not StaticDevice.objects.filter(user=curator_altai).exists()
    assert not Token.objects.filter(user=curator_altai).exists()
    row = AuditEntry.objects.get(action=AuditAction.STATUS_CHANGE, details__two_factor="сброшена")
    assert row.actor == fed_admin and row.object_id == str(curator_altai.pk)

    # At the next login the user enrols anew.
    other = client.__class__()
    response = sign_in(other, curator_altai)
    assert other.get(HOME).url.startswith(SETUP)


def test_regional_curator_cannot_reset_two_factor(client, curator_altai, municipal_barnaul):
    enrol(municipal_barnaul)
    client.force_login(curator_altai)
    page = client.get(reverse("accounts:user_detail", args=[municipal_barnaul.pk])).content.decode()
    assert "Сбросить (потерян телефон)" not in page
    response = client.post(reverse("accounts:user_two_factor_reset", args=[municipal_barnaul.pk]))
    assert response.status_code == 403
    assert TOTPDevice.objects.filter(user=municipal_barnaul).exists()
    with pytest.raises(ActionNotAllowed):
        from vyzov.accounts import two_factor

        two_factor.two_factor_reset(actor=curator_altai, user=municipal_barnaul)


# ---- the API -------------------------------------------------------------------------------------


def test_token_creation_needs_a_verified_session(required, client, curator_altai):
    device, _ = enrol(curator_altai)
    sign_in(client, curator_altai)
    response = client.post(TOKEN_ISSUE)
    assert response.status_code == 302 and response.url.startswith(VERIFY)
    assert not Token.objects.filter(user=curator_altai).exists()
    with pytest.raises(ActionNotAllowed):
        services.api_token_issue(actor=curator_altai, otp_verified=False)

    client.post(VERIFY, {"code": code_for(device)})
    response = client.post(TOKEN_ISSUE)
    assert response.status_code == 200
    assert Token.objects.filter(user=curator_altai).exists()


def test_token_of_an_optional_user_without_device_needs_no_code(required, analyst):
    assert services.api_token_issue(actor=analyst, otp_verified=False).key


def test_api_refuses_the_token_of_a_required_user_who_has_not_enrolled(
    required, client, curator_altai, analyst
):
    token = Token.objects.create(user=curator_altai)
    response = client.get(CHILDREN_API, HTTP_AUTHORIZATION=f"Token {token.key}")
    assert response.status_code == 403  # DRF answers 403 when the session scheme comes first
    assert "обязательна двухфакторная аутентификация" in response.json()["detail"]

    enrol(curator_altai)
    response = client.get(CHILDREN_API, HTTP_AUTHORIZATION=f"Token {token.key}")
    assert response.status_code == 200

    analyst_token = Token.objects.create(user=analyst)
    response = client.get("/api/v1/subjects/", HTTP_AUTHORIZATION=f"Token {analyst_token.key}")
    assert response.status_code == 200


def test_api_token_works_when_two_factor_is_not_enforced(client, curator_altai):
    token = Token.objects.create(user=curator_altai)
    response = client.get(CHILDREN_API, HTTP_AUTHORIZATION=f"Token {token.key}")
    assert response.status_code == 200


def test_session_whose_device_was_reset_meanwhile_is_sent_to_enrolment(required, client, curator_altai):
    enrol(curator_altai)
    sign_in(client, curator_altai)
    TOTPDevice.objects.filter(user=curator_altai).delete()
    StaticDevice.objects.filter(user=curator_altai).delete()
    response = client.get(HOME)
    assert response.url.startswith(VERIFY)
    response = client.get(response.url)
    assert response.status_code == 302 and response.url.startswith(SETUP)


def test_operator_resets_from_the_command_line_and_it_is_audited(curator_altai):
    from django.core.management import CommandError, call_command

    enrol(curator_altai)
    call_command("two_factor_reset", "curator_altai")
    assert not TOTPDevice.objects.filter(user=curator_altai).exists()
    row = AuditEntry.objects.get(action=AuditAction.STATUS_CHANGE, details__two_factor="сброшена")
    assert row.actor is None and row.actor_username.startswith("manage.py")
    with pytest.raises(CommandError):
        call_command("two_factor_reset", "nobody")
