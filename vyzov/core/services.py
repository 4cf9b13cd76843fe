"""The audit log writer and optimistic locking — used by every other app's services."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.db.models import F
from django.utils import timezone

from .middleware import current_ip
from .models import AuditAction, AuditEntry


def _subject_id_of(target: models.Model | None) -> int | None:
    """The subject of the Federation an object belongs to, so curators see their region's audit rows."""
    if target is None:
        return None
    if target._meta.label == "territories.Subject":
        return target.pk
    subject_id = getattr(target, "audit_subject_id", None)
    if subject_id is None:
        subject_id = getattr(target, "subject_id", None)
    return subject_id


def _entry(*, actor, action, target, subject_id, details, actor_username, object_repr) -> AuditEntry:
    if action not in AuditAction.values:
        raise ValueError(f"Unknown audit action: {action}")
    is_user = actor is not None and getattr(actor, "is_authenticated", False)
    return AuditEntry(
        actor=actor if is_user else None,
        actor_username=(actor.get_username() if is_user else actor_username)[:150],
        action=action,
        object_type=target._meta.label_lower if target is not None else "",
        object_id=str(target.pk) if target is not None and target.pk is not None else "",
        object_repr=(object_repr or (str(target) if target is not None else ""))[:255],
        subject_id=subject_id if subject_id is not None else _subject_id_of(target),
        ip=current_ip.get(),
        details=details or {},
    )


def audit_entry_create(
    *,
    actor,
    action: str,
    target: models.Model | None = None,
    subject_id: int | None = None,
    details: dict[str, Any] | None = None,
    actor_username: str = "",
    object_repr: str = "",
) -> AuditEntry:
    """Write one audit row. Every write, login and personal-data read goes through here."""
    entry = _entry(
        actor=actor,
        action=action,
        target=target,
        subject_id=subject_id,
        details=details,
        actor_username=actor_username,
        object_repr=object_repr,
    )
    entry.save()
    return entry


def audit_entries_create(*, actor, action: str, targets: list[models.Model]) -> None:
    """The same rows for many objects in one INSERT (a page that shows several people)."""
    AuditEntry.objects.bulk_create(
        _entry(
            actor=actor,
            action=action,
            target=target,
            subject_id=None,
            details=None,
            actor_username="",
            object_repr="",
        )
        for target in targets
    )


class ConcurrentEditError(ValidationError):
    def __init__(self):
        super().__init__(
            "Запись уже изменил другой пользователь, пока вы её редактировали. "
            "Откройте её заново и повторите изменения.",
            code="concurrent_edit",
        )


def changed_fields(instance: models.Model, original: dict[str, Any]) -> dict[str, list[Any]]:
    """{field: [old, new]} for the audit row of an update."""
    changes = {}
    for name, old in original.items():
        new = getattr(instance, name)
        if old != new:
            changes[name] = [_json_value(old), _json_value(new)]
    return changes


def _json_value(value: Any) -> Any:
    if value is None or isinstance(value, bool | int | float | str):
        return value
    return str(value)


def field_values(instance: models.Model, fields: list[str]) -> dict[str, Any]:
    return {name: getattr(instance, name) for name in fields}


@transaction.atomic
def save_with_version(
    instance: models.Model,
    *,
    actor,
    expected_version: int,
    fields: list[str],
) -> None:
    """Save `fields` only if nobody changed the row since `expected_version` was read.

    The check and the bump are one UPDATE … WHERE version = expected, so it holds under concurrency
    on every database.
    """
    instance.full_clean()
    instance.compute_derived()
    values = {name: getattr(instance, name) for name in (*fields, *instance.derived_fields)}
    values["updated_by"] = actor
    values["updated_at"] = timezone.now()
    updated = (
        type(instance)
        .objects.filter(pk=instance.pk, version=expected_version)
        .update(version=F("version") + 1, **values)
    )
    if updated != 1:
        raise ConcurrentEditError()
    instance.version = expected_version + 1
    instance.updated_by = actor
