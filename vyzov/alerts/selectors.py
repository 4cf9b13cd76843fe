"""Reads of signals, scoped by the access policy (cases.view_child: signals are part of the register)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db.models import Case, IntegerField, Q, QuerySet, Value, When
from django.utils import timezone

from vyzov.accounts.access import NotInScope, Perm, scope
from vyzov.accounts.models import User
from vyzov.cases.models import Child, Family
from vyzov.core.params import parse_id
from vyzov.support.models import FamilyCase

from .models import Alert, AlertStatus

RELATED = (
    "subject",
    "municipality",
    "family",
    "child",
    "family_case",
    "check_item__executor",
    "check_item__organization",
)


def overdue_q(today: dt.date) -> Q:
    """A check is overdue: assigned, not finished, past its deadline (one rule for list, card, home)."""
    return Q(status=AlertStatus.CHECKING, check_item__deadline__lt=today)


def _visible(actor: User) -> QuerySet[Alert]:
    """The signals of the actor's register, and those whose check is assigned to the actor."""
    scoped = scope(actor, Alert.objects.all(), Perm.CASES_VIEW).values("pk")
    return Alert.objects.filter(Q(pk__in=scoped) | Q(check_item__executor=actor.pk))


def alert_list(
    *, actor: User, filters: dict[str, Any] | None = None, today: dt.date | None = None
) -> QuerySet[Alert]:
    """Signals, overdue checks first, then the newest."""
    filters = filters or {}
    today = today or timezone.localdate()
    qs = _visible(actor).select_related(*RELATED)
    if filters.get("status"):
        qs = qs.filter(status=filters["status"])
    if filters.get("source"):
        qs = qs.filter(source=filters["source"])
    if filters.get("outcome"):
        qs = qs.filter(outcome=filters["outcome"])
    municipality = parse_id(filters.get("municipality"))
    if municipality is not None:
        qs = qs.filter(municipality_id=municipality)
    if filters.get("overdue"):
        qs = qs.filter(overdue_q(today))
    if filters.get("mine"):
        qs = qs.filter(check_item__executor=actor.pk)
    return qs.annotate(
        is_overdue=Case(When(overdue_q(today), then=Value(1)), default=Value(0), output_field=IntegerField())
    ).order_by("-is_overdue", "-received_on", "-id")


def alert_get(*, actor: User, pk: int | str) -> Alert:
    number = parse_id(pk)
    alert = _visible(actor).select_related(*RELATED).filter(pk=number).first() if number else None
    if alert is None:
        raise NotInScope()
    return alert


def overdue_checks_for(*, actor: User, today: dt.date | None = None) -> QuerySet[Alert]:
    """The home queue: overdue checks the actor is responsible for, the oldest deadline first."""
    today = today or timezone.localdate()
    return (
        Alert.objects.filter(overdue_q(today), check_item__executor=actor.pk)
        .select_related("municipality", "check_item")
        .order_by("check_item__deadline", "id")
    )


def family_for_alert(*, actor: User, number: int | None) -> Family | None:
    """A family picked on a signal's form: one the actor may edit in the register (as the picker)."""
    if number is None:
        return None
    return scope(actor, Family.objects.filter(pk=number), Perm.CASES_EDIT).first()


def child_for_alert(*, actor: User, number: int | None) -> Child | None:
    if number is None:
        return None
    return scope(actor, Child.objects.filter(pk=number, merged_into__isnull=True), Perm.CASES_VIEW).first()


def family_case_for_alert(*, actor: User, number: int | None) -> FamilyCase | None:
    if number is None:
        return None
    return scope(actor, FamilyCase.objects.filter(pk=number), Perm.SUPPORT_VIEW).first()
