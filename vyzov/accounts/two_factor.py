"""Two-factor login: TOTP from an authenticator app (django-otp) and one-time recovery codes.

Who must use it is one rule in the policy, `access.requires_two_factor`; who has enrolled may always
use it. After the password, the session remembers what the second step is (`SESSION_KEY`):

* ``verify`` — the user has a device: a code is asked before anything else;
* ``enrol``  — the user must have a device and has none: enrolment before anything else;
* ``none``   — nothing is asked (an optional role without a device, or 2FA not enforced).

`TwoFactorMiddleware` (middleware.py) keeps an unverified session on the two-factor pages. Wrong codes
are throttled by django-otp (a growing pause after each) and count towards the axes lockout like
wrong passwords. Every change of a user's devices leaves an audit row.
"""

from __future__ import annotations

import re
from base64 import b32encode
from dataclasses import dataclass

import segno
from django.contrib.auth.signals import user_login_failed
from django.db import transaction
from django.utils import timezone
from django_otp import login as otp_login
from django_otp import user_has_device
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice
from rest_framework.authtoken.models import Token

from vyzov.core.models import AuditAction
from vyzov.core.services import audit_entry_create

from . import access
from .access import ActionNotAllowed
from .models import Role, User
from .services import _require_can_manage

SESSION_KEY = "vyzov_two_factor"
VERIFY, ENROL, NONE = "verify", "enrol", "none"
RECOVERY_CODE_COUNT = 10
TOTP_NAME = "Приложение-аутентификатор"
RECOVERY_NAME = "Коды восстановления"

REQUIRED_MESSAGE = (
    "Для вашей роли обязателен вход с кодом из приложения-аутентификатора. "
    "Подключите двухфакторную аутентификацию: Профиль → Двухфакторная аутентификация."
)
VERIFY_MESSAGE = "Введите код из приложения-аутентификатора, чтобы продолжить."


# ---- state of the session --------------------------------------------------------------------------


def login_state(user) -> str:
    """What the second step of this user's login is."""
    if user_has_device(user, confirmed=True):
        return VERIFY
    if access.requires_two_factor(user):
        return ENROL
    return NONE


def remember_state(request, user) -> None:
    request.session[SESSION_KEY] = login_state(user)


def session_state(request) -> str:
    """The session's second step; a session without one (older than this rule) is asked the rule."""
    state = request.session.get(SESSION_KEY)
    if state not in (VERIFY, ENROL, NONE):
        state = login_state(request.user)
        request.session[SESSION_KEY] = state
    return state


def is_verified(request) -> bool:
    checker = getattr(request.user, "is_verified", None)
    return bool(checker and checker())


def needs_second_step(request) -> bool:
    return session_state(request) != NONE and not is_verified(request)


def verification_required_for(user, *, otp_verified: bool) -> bool:
    """Whether an action that needs a verified session (an API token) is refused to this session."""
    if otp_verified:
        return False
    return access.requires_two_factor(user) or user_has_device(user, confirmed=True)


# ---- reads -------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Status:
    enrolled: bool
    required: bool
    recovery_codes_left: int


def status_of(user) -> Status:
    return Status(
        enrolled=TOTPDevice.objects.filter(user=user, confirmed=True).exists(),
        required=access.requires_two_factor(user),
        recovery_codes_left=StaticToken.objects.filter(device__user=user, device__confirmed=True).count(),
    )


def secret_of(device: TOTPDevice) -> str:
    """The key as the apps take it by hand: base32, in groups of four."""
    secret = b32encode(device.bin_key).decode("ascii").rstrip("=")
    return " ".join(secret[i : i + 4] for i in range(0, len(secret), 4))


def qr_svg(device: TOTPDevice) -> str:
    """The otpauth:// address as an inline SVG (drawn here: no external service, no script)."""
    return segno.make(device.config_url, error="m").svg_inline(
        scale=5, border=2, title="QR-код для приложения-аутентификатора"
    )


# ---- writes ------------------------------------------------------------------------------------------


def enrolment_device(*, user) -> TOTPDevice:
    """The unconfirmed device of an enrolment in progress (the same key until it is confirmed)."""
    device = TOTPDevice.objects.filter(user=user, confirmed=False).order_by("-pk").first()
    if device is None:
        device = TOTPDevice.objects.create(user=user, name=TOTP_NAME, confirmed=False)
    return device


@transaction.atomic
def enrolment_confirm(*, request, device: TOTPDevice, code: str) -> list[str] | None:
    """Confirm the device with a code from the app; on success the session is verified, any older
    device is replaced and fresh recovery codes are returned (shown once). None: a wrong code."""
    user = request.user
    allowed, _ = device.verify_is_allowed()
    if not allowed or not device.verify_token(_digits(code)):
        return None
    device.confirmed = True
    device.save(update_fields=["confirmed"])
    TOTPDevice.objects.filter(user=user).exclude(pk=device.pk).delete()
    codes = _recovery_codes_replace(user)
    otp_login(request, device)
    request.session[SESSION_KEY] = VERIFY
    audit_entry_create(
        actor=user, action=AuditAction.STATUS_CHANGE, target=user, details={"two_factor": "подключена"}
    )
    return codes


def _recovery_codes_replace(user) -> list[str]:
    device = StaticDevice.objects.filter(user=user).order_by("pk").first()
    if device is None:
        device = StaticDevice.objects.create(user=user, name=RECOVERY_NAME, confirmed=True)
    device.token_set.all().delete()
    codes = [StaticToken.random_token() for _ in range(RECOVERY_CODE_COUNT)]
    StaticToken.objects.bulk_create(StaticToken(device=device, token=code) for code in codes)
    return codes


@transaction.atomic
def recovery_codes_issue(*, request) -> list[str]:
    """New recovery codes for the signed-in, verified user; the old ones stop working."""
    user = request.user
    if not is_verified(request):
        raise ActionNotAllowed("Сначала войдите с кодом подтверждения.")
    codes = _recovery_codes_replace(user)
    audit_entry_create(
        actor=user,
        action=AuditAction.STATUS_CHANGE,
        target=user,
        details={"two_factor": "новые коды восстановления"},
    )
    return codes


@dataclass(frozen=True)
class Check:
    ok: bool
    wait_seconds: int = 0


def _digits(code: str) -> str:
    return re.sub(r"\s+", "", code or "")


def code_verify(*, request, code: str) -> Check:
    """Check a code from the app (six digits) or a recovery code against the user's devices.

    A correct code verifies the session (a recovery code is spent). A wrong one pauses the device
    (django-otp throttling), is audited as a failed login and counts towards the axes lockout."""
    user = request.user
    code = _digits(code).replace("-", "").lower()
    if re.fullmatch(r"\d{6}", code):
        devices = TOTPDevice.objects.filter(user=user, confirmed=True)
    else:
        devices = StaticDevice.objects.filter(user=user, confirmed=True)
    wait = 0
    with transaction.atomic():
        for device in devices.select_for_update():
            allowed, info = device.verify_is_allowed()
            if not allowed:
                locked_until = (info or {}).get("locked_until")
                if locked_until:
                    wait = max(wait, int((locked_until - timezone.now()).total_seconds()) + 1)
                continue
            if device.verify_token(code):
                otp_login(request, device)
                audit_entry_create(
                    actor=user,
                    action=AuditAction.LOGIN,
                    target=user,
                    details={
                        "second_factor": "код восстановления"
                        if isinstance(device, StaticDevice)
                        else "приложение"
                    },
                )
                return Check(ok=True)
    # The failed-login signal: an audit row (signals.py) and one more failure for axes.
    user_login_failed.send(sender=__name__, credentials={"username": user.username}, request=request)
    return Check(ok=False, wait_seconds=wait)


@transaction.atomic
def two_factor_disable(*, request) -> None:
    """An optional user turns two-factor login off (a verified session; never for required roles)."""
    user = request.user
    if access.requires_two_factor(user):
        raise ActionNotAllowed("Для вашей роли двухфакторная аутентификация обязательна.")
    if not is_verified(request):
        raise ActionNotAllowed("Сначала войдите с кодом подтверждения.")
    _devices_delete(user)
    request.session[SESSION_KEY] = NONE
    audit_entry_create(
        actor=user, action=AuditAction.STATUS_CHANGE, target=user, details={"two_factor": "отключена"}
    )


def _devices_delete(user) -> None:
    TOTPDevice.objects.filter(user=user).delete()
    StaticDevice.objects.filter(user=user).delete()


@transaction.atomic
def two_factor_reset(*, actor: User, user: User) -> None:
    """A federal admin removes a user's devices (a lost phone): at the next login the user enrols
    anew. The user's API tokens are revoked; the reset is audited."""
    if Role.FEDERAL_ADMIN not in access.roles_of(actor):
        raise ActionNotAllowed(
            "Сбросить двухфакторную аутентификацию может только федеральный администратор."
        )
    _require_can_manage(actor, user)
    _devices_delete(user)
    Token.objects.filter(user=user).delete()
    audit_entry_create(
        actor=actor, action=AuditAction.STATUS_CHANGE, target=user, details={"two_factor": "сброшена"}
    )


@transaction.atomic
def two_factor_reset_by_operator(*, user: User, operator: str) -> None:
    """The same reset from the server's command line (`manage.py two_factor_reset`), for the case when
    no federal admin can sign in (the only one lost the phone). Audited under the operator's name."""
    _devices_delete(user)
    Token.objects.filter(user=user).delete()
    audit_entry_create(
        actor=None,
        action=AuditAction.STATUS_CHANGE,
        target=user,
        actor_username=operator,
        details={"two_factor": "сброшена", "via": "manage.py two_factor_reset"},
    )
