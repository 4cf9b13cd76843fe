"""Reads of the audit log and of the home page figures, scoped by the access policy."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Any

from django.db.models import QuerySet
from django.utils import timezone

from vyzov.accounts.access import Perm, scope

from .models import AuditEntry

if TYPE_CHECKING:
    from vyzov.accounts.models import User


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
