"""Reads of users and grants, scoped by the access policy (a user is visible through their grants), and of
the audit log that core keeps."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db import models
from django.db.models import Prefetch, Q, QuerySet
from django.utils import timezone

from vyzov.core.models import AuditEntry
from vyzov.core.text import normalize_for_search
from vyzov.territories.models import Subject

from .access import (
    ROLE_PERMISSIONS,
    NotInScope,
    Perm,
    get_in_scope,
    grants_with,
    position_of,
    scope,
)
from .models import Grant, ScopeLevel, User


def _visible_users(actor: User) -> QuerySet[User]:
    users = User.objects.all()
    if any(g.level == ScopeLevel.COUNTRY for g in grants_with(actor, Perm.USERS_MANAGE)):
        return users  # a federal admin also sees users who have no grant yet
    granted = scope(actor, Grant.objects.all(), Perm.USERS_MANAGE).values("user_id")
    return users.filter(pk__in=granted)


def user_list(*, actor: User, filters: dict[str, Any] | None = None) -> QuerySet[User]:
    filters = filters or {}
    qs = (
        _visible_users(actor)
        .select_related("home_subject")
        .prefetch_related(
            Prefetch(
                "grants",
                queryset=Grant.objects.select_related("district", "subject", "municipality", "organization"),
            )
        )
    )
    if filters.get("q"):
        qs = qs.filter(search_name__contains=normalize_for_search(filters["q"]))
    if filters.get("role"):
        qs = qs.filter(grants__role=filters["role"]).distinct()
    if filters.get("is_active") in (True, False):
        qs = qs.filter(is_active=filters["is_active"])
    return qs.order_by("full_name", "username")


def user_get(*, actor: User, pk: int | str) -> User:
    """A user visible to the actor as a manager; anyone else is a 404."""
    qs = _visible_users(actor).select_related("home_subject")
    try:
        return qs.get(pk=pk)
    except (User.DoesNotExist, ValueError, TypeError):
        raise NotInScope() from None


def user_grants(*, user: User) -> list[Grant]:
    return list(user.grants.select_related("district", "subject", "municipality", "organization"))


def user_count_for_territory(*, actor: User, subject: Subject | None = None) -> int | None:
    """How many users work in a territory, for managers only (None when the actor may not know)."""
    granted = scope(actor, Grant.objects.all(), Perm.USERS_MANAGE)
    if not grants_with(actor, Perm.USERS_MANAGE):
        return None
    if subject is not None:
        granted = granted.filter(subject=subject)
    return User.objects.filter(pk__in=granted.values("user_id"), is_active=True).count()


def grant_get(*, actor: User, pk: int | str) -> Grant:
    return get_in_scope(actor, Grant.objects.select_related("user"), Perm.USERS_MANAGE, pk=pk)


def roles_with(perm: str) -> list[str]:
    """The roles whose permissions include `perm`."""
    return [role for role, perms in ROLE_PERMISSIONS.items() if perm in perms]


def users_who_can(
    *, perm: str, obj: models.Model | None = None, subject: Subject | None = None
) -> QuerySet[User]:
    """Active users who can do the work of `perm` in a territory: the people to offer as a route curator,
    an executor, a responsible person. Only grants inside the territory count (a federal grant makes no
    one the executor of a municipal task), and only roles that hold `perm` (never a contest participant,
    an expert or an analyst for casework).

    With `obj`: grants that cover the object (the subject's own grants, the municipality's, the
    organisation's). With `subject`: every grant within the subject.
    """
    roles = roles_with(perm)
    if obj is not None:
        position = position_of(obj)
        condition = Q()
        for level in (ScopeLevel.SUBJECT, ScopeLevel.MUNICIPALITY, ScopeLevel.ORGANIZATION):
            if position.get(level) is not None:
                condition |= Q(level=level, **{f"{level}_id": position[level]})
        if not condition:
            return User.objects.none()
    elif subject is not None:
        condition = Q(subject=subject)
    else:
        return User.objects.none()
    grants = Grant.objects.filter(condition, role__in=roles)
    return User.objects.filter(is_active=True, pk__in=grants.values("user_id")).order_by("full_name", "pk")


# ---- the audit log (core keeps the rows; reading them is scoped by the policy) ----


def _day_start(day: dt.date) -> dt.datetime:
    """Midnight of a day in the user's time zone, as an aware datetime."""
    return timezone.make_aware(dt.datetime.combine(day, dt.time.min))


def audit_entry_list(*, actor: User, filters: dict[str, Any] | None = None) -> QuerySet[AuditEntry]:
    filters = filters or {}
    qs = scope(actor, AuditEntry.objects.select_related("subject"), Perm.AUDIT_VIEW)
    if filters.get("date_from"):
        qs = qs.filter(at__gte=_day_start(filters["date_from"]))
    if filters.get("date_to"):
        qs = qs.filter(at__lt=_day_start(filters["date_to"] + dt.timedelta(days=1)))
    if filters.get("action"):
        qs = qs.filter(action=filters["action"])
    if filters.get("actor"):
        qs = qs.filter(actor_username__icontains=filters["actor"].strip())
    if filters.get("object_type"):
        qs = qs.filter(object_type=filters["object_type"])
    if filters.get("object_id"):
        qs = qs.filter(object_id=filters["object_id"])
    if filters.get("subject"):
        qs = qs.filter(subject=filters["subject"])
    return qs.order_by("-at", "-id")
