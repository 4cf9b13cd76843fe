"""Every write to users and grants. Each function checks the policy and leaves an audit row."""

from __future__ import annotations

import hashlib

from django.conf import settings
from django.contrib.auth.password_validation import validate_password
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.db import transaction
from django_otp import user_has_device
from rest_framework.authtoken.models import Token

from vyzov.core.inputs import given
from vyzov.core.models import AuditAction
from vyzov.core.services import audit_entry_create, changed_fields, field_values
from vyzov.territories.models import FederalDistrict, Municipality, Organization, Subject

from . import access
from .access import ActionNotAllowed, Perm
from .inputs import USER_PROFILE_FIELDS, UserProfileData
from .models import Grant, Role, ScopeLevel, User


def grant_build(
    *,
    role: str,
    level: str,
    district: FederalDistrict | None = None,
    subject: Subject | None = None,
    municipality: Municipality | None = None,
    organization: Organization | None = None,
) -> Grant:
    """An unsaved grant with every ancestor of its scope filled in; refuses a role at the wrong level."""
    if level not in access.ROLE_LEVELS.get(role, ()):
        allowed = ", ".join(ScopeLevel(value).label.lower() for value in access.ROLE_LEVELS.get(role, ()))
        raise ValidationError({"level": f"Эту роль можно выдать только на уровне: {allowed}."})
    grant = Grant(role=role, level=level)
    if level == ScopeLevel.ORGANIZATION:
        if organization is None:
            raise ValidationError({"organization": "Укажите организацию."})
        grant.organization = organization
        municipality, subject = organization.municipality, organization.subject
    if level in (ScopeLevel.ORGANIZATION, ScopeLevel.MUNICIPALITY):
        if municipality is None and level == ScopeLevel.MUNICIPALITY:
            raise ValidationError({"municipality": "Укажите муниципальное образование."})
        grant.municipality = municipality
        subject = municipality.subject if municipality else subject
    if level in (ScopeLevel.ORGANIZATION, ScopeLevel.MUNICIPALITY, ScopeLevel.SUBJECT):
        if subject is None:
            raise ValidationError({"subject": "Укажите субъект РФ."})
        grant.subject = subject
        district = subject.district
    if level != ScopeLevel.COUNTRY:
        if district is None:
            raise ValidationError({"district": "Укажите федеральный округ."})
        grant.district = district
    return grant


def _require_can_hand_out(actor: User, grant: Grant) -> None:
    if not access.can_hand_out(actor, role=grant.role, position=access.grant_position(grant)):
        raise ActionNotAllowed("Вы не можете выдать эту роль на этой территории.")


@transaction.atomic
def user_create(
    *,
    actor: User,
    username: str,
    full_name: str,
    email: str,
    password: str,
    grant: Grant,
    position: str = "",
    phone: str = "",
    home_subject: Subject | None = None,
) -> User:
    """Create a user together with their first grant (a user without a grant could see nothing)."""
    _require_can_hand_out(actor, grant)
    _require_expert_home(role=grant.role, home_subject=home_subject or grant.subject)
    user = User(
        username=username,
        full_name=full_name,
        email=email,
        position=position,
        phone=phone,
        home_subject=home_subject or grant.subject,
    )
    validate_password(password, user)
    user.set_password(password)
    user.full_clean()
    user.save()
    grant.user = user
    grant.created_by = actor
    grant.full_clean()
    grant.save()
    audit_entry_create(actor=actor, action=AuditAction.CREATE, target=user, details={"grant": str(grant)})
    return user


def _require_can_manage(actor: User, user: User) -> None:
    visible = access.scope(actor, Grant.objects.filter(user=user), Perm.USERS_MANAGE).exists()
    grants = list(user.grants.all())
    if not visible and not access.can_manage_user(actor, user, grants):
        raise access.NotInScope()
    if not access.can_manage_user(actor, user, grants):
        raise ActionNotAllowed(
            "Этого пользователя может изменять только администратор более высокого уровня."
        )


def _require_expert_home(*, role: str, home_subject: Subject | None) -> None:
    """A contest expert's subject is what keeps them off their own region's applications."""
    if role == Role.CONTEST_EXPERT and home_subject is None:
        raise ValidationError(
            {"home_subject": "Укажите субъект РФ эксперта: без него нельзя исключить конфликт интересов."}
        )


@transaction.atomic
def user_update(*, actor: User, user: User, data: UserProfileData) -> User:
    _require_can_manage(actor, user)
    original = field_values(user, USER_PROFILE_FIELDS)
    for name, value in given(data, USER_PROFILE_FIELDS).items():
        setattr(user, name, value)
    if user.grants.filter(role=Role.CONTEST_EXPERT).exists():
        _require_expert_home(role=Role.CONTEST_EXPERT, home_subject=user.home_subject)
    user.full_clean()
    user.save()
    audit_entry_create(
        actor=actor,
        action=AuditAction.UPDATE,
        target=user,
        details={"changes": changed_fields(user, original)},
    )
    return user


@transaction.atomic
def user_set_active(*, actor: User, user: User, is_active: bool) -> User:
    _require_can_manage(actor, user)
    user.is_active = is_active
    user.save(update_fields=["is_active"])
    if not is_active:
        Token.objects.filter(user=user).delete()
    audit_entry_create(
        actor=actor, action=AuditAction.STATUS_CHANGE, target=user, details={"is_active": is_active}
    )
    return user


@transaction.atomic
def grant_create(*, actor: User, user: User, grant: Grant) -> Grant:
    _require_can_manage(actor, user)
    _require_can_hand_out(actor, grant)
    _require_expert_home(role=grant.role, home_subject=user.home_subject)
    if Grant.objects.filter(
        user=user,
        role=grant.role,
        level=grant.level,
        district=grant.district,
        subject=grant.subject,
        municipality=grant.municipality,
        organization=grant.organization,
    ).exists():
        raise ValidationError("У пользователя уже есть такое право.")
    grant.user = user
    grant.created_by = actor
    grant.full_clean()
    grant.save()
    access.forget_grants(user)
    audit_entry_create(actor=actor, action=AuditAction.CREATE, target=grant, details={"user": user.username})
    return grant


@transaction.atomic
def grant_delete(*, actor: User, grant: Grant) -> None:
    user = grant.user
    _require_can_manage(actor, user)
    if user.grants.count() == 1:
        raise ValidationError("Нельзя отозвать последнее право: заблокируйте пользователя вместо этого.")
    audit_entry_create(actor=actor, action=AuditAction.DELETE, target=grant, details={"user": user.username})
    grant.delete()
    access.forget_grants(user)


@transaction.atomic
def password_change(*, actor: User, user: User, new_password: str) -> None:
    """Set a new password. Django ends every other session of the user (the session hash changes);
    API tokens are revoked as well."""
    if user.pk != actor.pk:
        _require_can_manage(actor, user)
    validate_password(new_password, user)
    user.set_password(new_password)
    user.save(update_fields=["password"])
    Token.objects.filter(user=user).delete()
    audit_entry_create(actor=actor, action=AuditAction.PASSWORD_CHANGE, target=user)


@transaction.atomic
def api_token_issue(*, actor: User, otp_verified: bool = False) -> Token:
    """Replace the actor's API token with a new one (the old one stops working). A user who must use
    two-factor login, or has enrolled, gets a token only in a session verified with a code."""
    if not access.has_perm(actor, Perm.API_USE):
        raise ActionNotAllowed("Вам не разрешено использовать API.")
    if not otp_verified and (access.requires_two_factor(actor) or user_has_device(actor, confirmed=True)):
        raise ActionNotAllowed("API-токен выдаётся только после входа с кодом подтверждения.")
    Token.objects.filter(user=actor).delete()
    token = Token.objects.create(user=actor)
    audit_entry_create(actor=actor, action=AuditAction.TOKEN_CREATE, target=actor)
    return token


PASSWORD_RESET_WINDOW = 30 * 60


def password_reset_attempt_allowed(*, ip_address: str, email: str) -> bool:
    """Count one password reset request against its client address and against the address asked for;
    refuse past settings.VYZOV_PASSWORD_RESET_LIMIT in 30 minutes (the login lockout's numbers). The
    count is the same whether an account with that address exists or not."""
    limit = settings.VYZOV_PASSWORD_RESET_LIMIT
    allowed = True
    email_hash = hashlib.sha256(email.strip().lower().encode()).hexdigest()
    for key in (f"vyzov:pwreset:ip:{ip_address}", f"vyzov:pwreset:email:{email_hash}"):
        cache.add(key, 0, PASSWORD_RESET_WINDOW)
        try:
            count = cache.incr(key)
        except ValueError:  # expired between add and incr
            cache.set(key, 1, PASSWORD_RESET_WINDOW)
            count = 1
        allowed = allowed and count <= limit
    return allowed


@transaction.atomic
def federal_admin_create_from_console(
    *, username: str, full_name: str, email: str, password: str, operator: str
) -> User:
    """A federal administrator made on the server's console (`manage.py create_admin`): the first
    one, or a rescue when nobody can sign in. Whoever reaches the console is trusted; the audit row
    names the operating-system account that ran the command."""
    grant = grant_build(role=Role.FEDERAL_ADMIN, level=ScopeLevel.COUNTRY)
    user = User(username=username, full_name=full_name, email=email)
    user.full_clean(exclude=["password"])
    validate_password(password, user)
    user.set_password(password)
    user.save()
    grant.user = user
    grant.full_clean()
    grant.save()
    audit_entry_create(
        actor=None,
        actor_username=f"консоль: {operator}",
        action=AuditAction.CREATE,
        target=user,
        details={"grant": str(grant), "via": "manage.py create_admin"},
    )
    return user
