"""THE access policy of «Вызов». Every page, API endpoint, export and service asks here; nothing bypasses it.

A user holds grants `(role, scope)`. A role is a fixed set of permissions (ROLE_PERMISSIONS below).
A scope is the whole country, a federal district, a subject, a municipality or an organisation, and
covers everything below it in the territory tree.

Two functions apply the policy:

* `scope(actor, queryset, perm)` narrows a queryset to the rows the actor may touch with `perm`;
* `require(actor, perm, obj)` raises `NotInScope` (a 404) when the object is outside the actor's
  scope and `ActionNotAllowed` (a 403) when the object is visible but the action is not allowed.

Both rest on one rule, `covers(grant, position)`: a grant covers a row when the row lies under the
grant's territory at the grant's level. A scoped model says how to reach each level from its rows in
`access_paths`, e.g. `{"subject": "subject", "municipality": "municipality", "organization": "pk"}`.
A model without a path for a grant's level has no rows under such a grant (fail closed).
"""

from __future__ import annotations

import time
from collections.abc import Iterable
from typing import Any, TypeVar, cast

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured, ObjectDoesNotExist, PermissionDenied
from django.db import models
from django.db.models import Q
from django.http import Http404

from .models import Grant, Role, ScopeLevel, User
from .types import AnyUser

M = TypeVar("M", bound=models.Model)


class Perm:
    """Permission codes. A typo is an error, never a silent denial or grant."""

    TERRITORIES_VIEW = "territories.view"
    ORGANIZATIONS_MANAGE = "territories.manage_organization"
    USERS_MANAGE = "accounts.manage_users"
    AUDIT_VIEW = "core.view_audit"
    API_USE = "api.use"
    # Register of children and families.
    CASES_VIEW = "cases.view_child"
    CASES_VIEW_PERSONAL = "cases.view_personal"
    CASES_EDIT = "cases.edit_child"
    CASES_MERGE = "cases.merge"
    CASES_IMPORT = "cases.import"
    CASES_EXPORT = "cases.export"
    # Monitoring and the situational centre (aggregates only).
    MONITORING_VIEW = "monitoring.view"
    MONITORING_EDIT = "monitoring.edit"
    MONITORING_APPROVE = "monitoring.approve"
    # The municipal level of approval: a municipality confirms its own figures of a report.
    MONITORING_MUNICIPAL_APPROVE = "monitoring.approve_municipality"
    # Indicators, data sets, validation rules and outlier ranges (country-level grants only).
    MONITORING_CONFIGURE = "monitoring.configure"
    # Consilium.
    CONSILIUM_VIEW = "consilium.view"
    CONSILIUM_MANAGE = "consilium.manage"
    CONSILIUM_DECIDE = "consilium.decide"
    # Family support.
    SUPPORT_VIEW = "support.view"
    SUPPORT_MANAGE = "support.manage"
    # NGO aid.
    NGO_AID_VIEW = "ngo_aid.view"  # the requests themselves (operators; federal admins to drill down)
    NGO_AID_EDIT = "ngo_aid.edit"
    NGO_AID_APPROVE = "ngo_aid.approve"
    NGO_AID_REFER = "ngo_aid.refer"  # refer a family; the referrer then sees that request
    NGO_AID_REPORTS = "ngo_aid.reports"  # aggregates only
    # Regional programmes.
    PROGRAMMES_VIEW = "programmes.view"
    PROGRAMMES_EDIT = "programmes.edit"
    # Contests and practices.
    CONTESTS_MANAGE = "contests.manage"
    CONTESTS_PARTICIPATE = "contests.participate"
    CONTESTS_SCORE = "contests.score"
    PRACTICES_VIEW = "practices.view"
    PRACTICES_EDIT = "practices.edit"


ALL_PERMISSIONS: frozenset[str] = frozenset(
    value for name, value in vars(Perm).items() if name.isupper() and isinstance(value, str)
)

_REGIONAL_READ = {
    Perm.TERRITORIES_VIEW,
    Perm.API_USE,
    Perm.MONITORING_VIEW,
    Perm.CONSILIUM_VIEW,
    Perm.SUPPORT_VIEW,
    Perm.NGO_AID_REPORTS,
    Perm.PROGRAMMES_VIEW,
    Perm.PRACTICES_VIEW,
}

ROLE_PERMISSIONS: dict[str, frozenset[str]] = {
    Role.FEDERAL_ADMIN: ALL_PERMISSIONS,
    # The federal team reads everything but personal data; it accepts the regions' figures.
    Role.FEDERAL_ANALYST: frozenset(
        _REGIONAL_READ
        | {
            Perm.CASES_VIEW,
            Perm.MONITORING_APPROVE,
            Perm.MONITORING_CONFIGURE,
            Perm.CONTESTS_MANAGE,
            Perm.PRACTICES_EDIT,
        }
    ),
    Role.REGIONAL_CURATOR: frozenset(
        _REGIONAL_READ
        | {
            Perm.ORGANIZATIONS_MANAGE,
            Perm.USERS_MANAGE,
            Perm.AUDIT_VIEW,
            Perm.CASES_VIEW,
            Perm.CASES_VIEW_PERSONAL,
            Perm.CASES_EDIT,
            Perm.CASES_MERGE,
            Perm.CASES_IMPORT,
            Perm.CASES_EXPORT,
            Perm.MONITORING_EDIT,
            Perm.MONITORING_MUNICIPAL_APPROVE,
            Perm.CONSILIUM_MANAGE,
            Perm.CONSILIUM_DECIDE,
            Perm.SUPPORT_MANAGE,
            Perm.PROGRAMMES_EDIT,
            Perm.PRACTICES_EDIT,
            Perm.NGO_AID_REFER,
        }
    ),
    Role.REGIONAL_SPECIALIST: frozenset(
        _REGIONAL_READ
        | {
            Perm.ORGANIZATIONS_MANAGE,
            Perm.CASES_VIEW,
            Perm.CASES_VIEW_PERSONAL,
            Perm.CASES_EDIT,
            Perm.CASES_IMPORT,
            Perm.CASES_EXPORT,
            Perm.MONITORING_EDIT,
            Perm.MONITORING_MUNICIPAL_APPROVE,
            Perm.CONSILIUM_DECIDE,
            Perm.PROGRAMMES_EDIT,
            Perm.NGO_AID_REFER,
        }
    ),
    Role.MUNICIPAL_SPECIALIST: frozenset(
        {
            Perm.TERRITORIES_VIEW,
            Perm.API_USE,
            Perm.ORGANIZATIONS_MANAGE,
            Perm.CASES_VIEW,
            Perm.CASES_VIEW_PERSONAL,
            Perm.CASES_EDIT,
            Perm.CASES_EXPORT,
            Perm.CONSILIUM_VIEW,
            Perm.CONSILIUM_DECIDE,
            Perm.SUPPORT_VIEW,
            Perm.PRACTICES_VIEW,
            Perm.NGO_AID_REFER,
            # Only its own municipality's part of a report (the grant's scope): no other monitoring.
            Perm.MONITORING_MUNICIPAL_APPROVE,
        }
    ),
    Role.INSTITUTION_STAFF: frozenset(
        {
            Perm.TERRITORIES_VIEW,
            Perm.API_USE,
            Perm.CASES_VIEW,
            Perm.CASES_VIEW_PERSONAL,
            Perm.CASES_EDIT,
            Perm.CONSILIUM_VIEW,
            Perm.CONSILIUM_DECIDE,
            Perm.PRACTICES_VIEW,
        }
    ),
    Role.SERVICE_SPECIALIST: frozenset(
        {
            Perm.TERRITORIES_VIEW,
            Perm.API_USE,
            Perm.SUPPORT_VIEW,
            Perm.SUPPORT_MANAGE,
            Perm.CONSILIUM_VIEW,
            Perm.PRACTICES_VIEW,
            Perm.NGO_AID_REFER,
        }
    ),
    Role.NGO_OPERATOR: frozenset(
        {
            Perm.TERRITORIES_VIEW,
            Perm.API_USE,
            Perm.NGO_AID_VIEW,
            Perm.NGO_AID_EDIT,
            Perm.NGO_AID_APPROVE,
            Perm.NGO_AID_REPORTS,
            Perm.PRACTICES_VIEW,
        }
    ),
    Role.CONTEST_PARTICIPANT: frozenset({Perm.CONTESTS_PARTICIPATE, Perm.PRACTICES_VIEW, Perm.API_USE}),
    Role.CONTEST_EXPERT: frozenset({Perm.CONTESTS_SCORE, Perm.PRACTICES_VIEW, Perm.API_USE}),
    # Aggregates only: never a permission that reads a person.
    Role.ANALYST: frozenset(
        {
            Perm.TERRITORIES_VIEW,
            Perm.API_USE,
            Perm.MONITORING_VIEW,
            Perm.PROGRAMMES_VIEW,
            Perm.PRACTICES_VIEW,
            Perm.NGO_AID_REPORTS,
        }
    ),
}

# Which levels a role may be granted at.
ROLE_LEVELS: dict[str, tuple[str, ...]] = {
    Role.FEDERAL_ADMIN: (ScopeLevel.COUNTRY,),
    Role.FEDERAL_ANALYST: (ScopeLevel.COUNTRY, ScopeLevel.DISTRICT),
    Role.REGIONAL_CURATOR: (ScopeLevel.SUBJECT,),
    Role.REGIONAL_SPECIALIST: (ScopeLevel.SUBJECT,),
    Role.MUNICIPAL_SPECIALIST: (ScopeLevel.MUNICIPALITY,),
    Role.INSTITUTION_STAFF: (ScopeLevel.ORGANIZATION,),
    Role.SERVICE_SPECIALIST: (ScopeLevel.ORGANIZATION,),
    Role.NGO_OPERATOR: (ScopeLevel.SUBJECT, ScopeLevel.ORGANIZATION),
    Role.CONTEST_PARTICIPANT: (ScopeLevel.MUNICIPALITY,),
    Role.CONTEST_EXPERT: (ScopeLevel.COUNTRY,),
    Role.ANALYST: (ScopeLevel.COUNTRY, ScopeLevel.DISTRICT, ScopeLevel.SUBJECT),
}

# A manager may hand out only roles ranked below their own (a federal admin: any role).
ROLE_RANK: dict[str, int] = {
    Role.FEDERAL_ADMIN: 100,
    Role.FEDERAL_ANALYST: 90,
    Role.REGIONAL_CURATOR: 80,
    Role.REGIONAL_SPECIALIST: 70,
    Role.MUNICIPAL_SPECIALIST: 60,
    Role.INSTITUTION_STAFF: 50,
    Role.SERVICE_SPECIALIST: 50,
    Role.NGO_OPERATOR: 50,
    Role.CONTEST_PARTICIPANT: 40,
    Role.CONTEST_EXPERT: 40,
    Role.ANALYST: 30,
}

LEVELS: tuple[str, ...] = (
    ScopeLevel.DISTRICT,
    ScopeLevel.SUBJECT,
    ScopeLevel.MUNICIPALITY,
    ScopeLevel.ORGANIZATION,
)

assert set(ROLE_PERMISSIONS) == set(Role.values) == set(ROLE_LEVELS) == set(ROLE_RANK)
assert all(perms <= ALL_PERMISSIONS for perms in ROLE_PERMISSIONS.values())

# Two-factor login (ФСТЭК order 21, ИАФ) is required of every role that reads personal data
# (any *.view_personal; family case management shows the family's surname) or manages users.
TWO_FACTOR_PERMISSIONS: frozenset[str] = frozenset(
    {perm for perm in ALL_PERMISSIONS if perm.endswith(".view_personal")}
    | {Perm.USERS_MANAGE, Perm.SUPPORT_MANAGE}
)
TWO_FACTOR_ROLES: frozenset[str] = frozenset(
    role for role, perms in ROLE_PERMISSIONS.items() if perms & TWO_FACTOR_PERMISSIONS
)


class NotInScope(Http404):
    """The object lies outside the actor's scope: answered with 404, as if it did not exist."""

    def __init__(self) -> None:
        super().__init__("Объект не найден.")


class ActionNotAllowed(PermissionDenied):
    """The object is visible, the action is not: answered with 403."""

    def __init__(self, message: str = "Это действие вам не разрешено."):
        super().__init__(message)


def _check_perm(perm: str) -> None:
    if perm not in ALL_PERMISSIONS:
        raise ImproperlyConfigured(f"Unknown permission {perm!r}")


# Grants loaded by this process, keyed by (user id, grants_version): the version is on the user row that
# authentication reads on every request, so an entry is never used after the grants change, in this or
# any other process. The age limit only refreshes the territory names shown beside a grant.
_GRANTS_CACHE: dict[tuple[Any, ...], tuple[float, list[Grant]]] = {}
_GRANTS_CACHE_SIZE = 2000
_GRANTS_CACHE_SECONDS = 300


def grants_of(actor: AnyUser) -> list[Grant]:
    """The actor's grants: once per user object, and from the process cache while their version holds."""
    if actor is None or not getattr(actor, "is_authenticated", False) or not actor.is_active:
        return []
    cached = actor.__dict__.get("_vyzov_grants")
    if cached is None:
        key = grants_key(actor)
        entry = _GRANTS_CACHE.get(key) if key[1] is not None else None
        now = time.monotonic()
        if entry is not None and now - entry[0] < _GRANTS_CACHE_SECONDS:
            cached = entry[1]
        else:
            cached = list(
                Grant.objects.filter(user=actor).select_related(
                    "district", "subject", "municipality", "organization"
                )
            )
            if key[1] is not None:
                if len(_GRANTS_CACHE) >= _GRANTS_CACHE_SIZE:
                    _GRANTS_CACHE.clear()
                _GRANTS_CACHE[key] = (now, cached)
        actor.__dict__["_vyzov_grants"] = cached
    return cached


def grants_key(actor: AnyUser) -> tuple[Any, ...]:
    """(id, grants version, moment of creation): the last one keeps a reused id (a rolled-back
    insert) from meeting another user's entry."""
    return (actor.pk, getattr(actor, "grants_version", None), getattr(actor, "date_joined", None))


def clear_grants_cache() -> None:
    _GRANTS_CACHE.clear()


def forget_grants(actor: AnyUser) -> None:
    """After a change of the actor's grants: this user object and this process load them afresh."""
    actor.__dict__.pop("_vyzov_grants", None)
    forget_cached_grants(actor.pk)


def forget_cached_grants(user_id: int | None) -> None:
    for key in [key for key in _GRANTS_CACHE if key[0] == user_id]:
        _GRANTS_CACHE.pop(key, None)


def grants_with(actor: AnyUser, perm: str) -> list[Grant]:
    _check_perm(perm)
    return [grant for grant in grants_of(actor) if perm in ROLE_PERMISSIONS[grant.role]]


def personal_scope_subject_id(actor: AnyUser, perm: str) -> int | None:
    """The one subject of the Federation that all the actor's grants with `perm` lie in, else None.

    Read from the grants already loaded for the request: no query.
    """
    subjects: set[int | None] = set()
    for grant in grants_with(actor, perm):
        if grant.subject_id:
            subjects.add(grant.subject_id)
        elif grant.municipality is not None:
            subjects.add(grant.municipality.subject_id)
        elif grant.organization is not None:
            subjects.add(grant.organization.subject_id)
        else:  # the country or a federal district: no single subject
            subjects.add(None)
    return subjects.pop() if len(subjects) == 1 else None


def has_perm(actor: AnyUser, perm: str) -> bool:
    """Whether the actor holds `perm` anywhere (for menus; objects still go through scope/require)."""
    return bool(grants_with(actor, perm))


def roles_of(actor: AnyUser) -> set[str]:
    return {grant.role for grant in grants_of(actor)}


def _access_paths(model: type[models.Model]) -> dict[str, str]:
    paths = getattr(model, "access_paths", None)
    if paths is None:
        raise ImproperlyConfigured(f"{model.__name__} declares no access_paths: it cannot be scoped.")
    return cast(dict[str, str], paths)


def _grant_target(grant: Grant, level: str) -> int | None:
    target: int | None = getattr(grant, f"{level}_id")
    return target


# ---- the rule ------------------------------------------------------------------------------------


def covers(grant: Grant, position: dict[str, int | None]) -> bool:
    """A grant covers a position when the position lies under the grant's territory."""
    if grant.level == ScopeLevel.COUNTRY:
        return True
    target = _grant_target(grant, grant.level)
    return target is not None and position.get(grant.level) == target


def _grant_condition(grant: Grant, paths: dict[str, str]) -> Q | None:
    """`covers` as a database condition; None when the table has no rows under such a grant."""
    path = paths.get(grant.level)
    if path is None:
        return None
    return Q(**{path: _grant_target(grant, grant.level)})


def position_of(obj: models.Model) -> dict[str, int | None]:
    """Where an object sits in the territory tree: {level: id} for every level its model reaches."""
    paths = _access_paths(type(obj))
    return {level: _resolve(obj, path) for level, path in paths.items()}


def _resolve(obj: models.Model, path: str) -> int | None:
    *hops, last = path.split("__")
    for hop in hops:
        obj = getattr(obj, hop)
        if obj is None:
            return None
    if last == "pk":
        return cast(int | None, obj.pk)
    field = obj._meta.get_field(last)
    attname = field.attname if isinstance(field, models.Field) and field.is_relation else last
    return cast(int | None, getattr(obj, attname))


# ---- the policy API -----------------------------------------------------------------------------


def scope_condition(actor: AnyUser, model: type[models.Model], perm: str) -> Q | None:
    """The condition `scope` applies to `model`'s rows: `Q()` for all of them, None for none."""
    paths = _access_paths(model)
    condition: Q | None = None
    for grant in grants_with(actor, perm):
        if grant.level == ScopeLevel.COUNTRY:
            return Q()
        grant_condition = _grant_condition(grant, paths)
        if grant_condition is not None:
            condition = grant_condition if condition is None else condition | grant_condition
    return condition


def scope(actor: AnyUser, queryset: models.QuerySet[M], perm: str) -> models.QuerySet[M]:
    """The rows of `queryset` the actor may touch with `perm`; empty when none (fail closed)."""
    condition = scope_condition(actor, queryset.model, perm)
    if condition is None:
        return queryset.none()
    return queryset.filter(condition)


def allows(actor: AnyUser, perm: str, obj: models.Model) -> bool:
    position = position_of(obj)
    return any(covers(grant, position) for grant in grants_with(actor, perm))


def require(actor: AnyUser, perm: str, obj: models.Model) -> None:
    """Raise unless the actor may do `perm` to `obj` (saved or about to be created)."""
    if allows(actor, perm, obj):
        return
    view_permission = getattr(type(obj), "view_permission", None)
    if view_permission and view_permission != perm and allows(actor, view_permission, obj):
        raise ActionNotAllowed()
    raise NotInScope()


def get_in_scope(actor: AnyUser, queryset: models.QuerySet[M], perm: str, **lookup: Any) -> M:
    """Fetch one object through `scope`; anything outside it is a 404."""
    try:
        return scope(actor, queryset, perm).get(**lookup)
    except (ObjectDoesNotExist, ValueError, TypeError):
        raise NotInScope() from None


# ---- user management ----------------------------------------------------------------------------


def grant_position(grant: Grant) -> dict[str, int | None]:
    return {level: _grant_target(grant, level) for level in LEVELS}


def can_hand_out(actor: AnyUser, *, role: str, position: dict[str, int | None]) -> bool:
    """Whether the actor may give `role` at `position`: within their scope and below their own role."""
    rank = ROLE_RANK[role]
    return any(
        covers(grant, position) and (grant.role == Role.FEDERAL_ADMIN or ROLE_RANK[grant.role] > rank)
        for grant in grants_with(actor, Perm.USERS_MANAGE)
    )


def can_manage_user(actor: AnyUser, target: User, target_grants: Iterable[Grant]) -> bool:
    """All of the target's grants must be ones the actor could hand out; nobody manages themselves."""
    if target.pk == actor.pk:
        return False
    grants = list(target_grants)
    if not grants:
        return any(g.level == ScopeLevel.COUNTRY for g in grants_with(actor, Perm.USERS_MANAGE))
    return all(can_hand_out(actor, role=g.role, position=grant_position(g)) for g in grants)


def require_perm(actor: AnyUser, perm: str) -> None:
    """For pages that list or create: allowed when the actor holds `perm` anywhere (403 otherwise).
    The rows shown still go through `scope`, and the object created through `require`."""
    if not has_perm(actor, perm):
        raise ActionNotAllowed()


def requires_two_factor(actor: AnyUser) -> bool:
    """Whether the actor must sign in with a second factor: some grant's role reads personal data or
    manages users (TWO_FACTOR_ROLES), and the installation enforces it (settings.TWO_FACTOR_REQUIRED)."""
    if not settings.TWO_FACTOR_REQUIRED:
        return False
    return any(grant.role in TWO_FACTOR_ROLES for grant in grants_of(actor))
