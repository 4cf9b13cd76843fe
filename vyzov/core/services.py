"""The audit log writer and optimistic locking — used by every other app's services."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any, cast

from django.core.exceptions import ImproperlyConfigured, ValidationError
from django.db import models, transaction
from django.db.models import F
from django.utils import timezone

from .middleware import current_ip, mark_personal_response
from .models import AuditAction, AuditEntry, BaseModel, ExportJob

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser

    from vyzov.accounts.models import User


def _subject_id_of(target: models.Model | None) -> int | None:
    """The subject of the Federation an object belongs to, so curators see their region's audit rows."""
    if target is None:
        return None
    if target._meta.label == "territories.Subject":
        return cast(int, target.pk)
    subject_id = getattr(target, "audit_subject_id", None)
    if subject_id is None:
        subject_id = getattr(target, "subject_id", None)
    return cast(int | None, subject_id)


def _entry(
    *,
    actor: User | AnonymousUser | None,
    action: str,
    target: models.Model | None,
    subject_id: int | None,
    details: dict[str, Any] | None,
    actor_username: str,
    object_repr: str,
) -> AuditEntry:
    if action not in AuditAction.values:
        raise ValueError(f"Unknown audit action: {action}")
    user = cast(
        "User | None", actor if actor is not None and getattr(actor, "is_authenticated", False) else None
    )
    return AuditEntry(
        actor=user,
        actor_username=(user.get_username() if user is not None else actor_username)[:150],
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
    actor: User | AnonymousUser | None,
    action: str,
    target: models.Model | None = None,
    subject_id: int | None = None,
    details: dict[str, Any] | None = None,
    actor_username: str = "",
    object_repr: str = "",
) -> AuditEntry:
    """Write one audit row. Every write, login and personal-data read goes through here."""
    if action == AuditAction.VIEW_PERSONAL:
        mark_personal_response()
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


def audit_entries_create(*, actor: User, action: str, targets: list[models.Model]) -> None:
    """The same rows for many objects in one INSERT (a page that shows several people)."""
    if action == AuditAction.VIEW_PERSONAL and targets:
        mark_personal_response()
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


# ---- reads of personal data: one row per response ------------------------------------------------

# What a response that carries personal data is, in the words of the audit page.
PERSONAL_READ_KINDS: dict[str, str] = {
    "child_card": "Карточка ребёнка",
    "children_list": "Список детей реестра",
    "children_export": "Выгрузка реестра детей (XLSX)",
    "children_duplicates": "Возможные дубли в реестре",
    "child_form": "Форма изменения данных ребёнка",
    "family_card": "Карточка семьи",
    "families_list": "Список семей",
    "family_form": "Форма изменения данных семьи",
    "api_children_list": "API: список детей",
    "api_child": "API: ребёнок",
    "api_families_list": "API: список семей",
    "api_family": "API: семья",
    "consilium_meeting": "Повестка заседания консилиума",
    "consilium_review": "Рассмотрение случая на консилиуме",
    "consilium_family_review": "Рассмотрение семьи в риске на консилиуме",
    "consilium_document": "ИПР консилиума (ребёнок или семья)",
    "consilium_protocol": "Протокол заседания консилиума (DOCX)",
    "consilium_my_items": "Мои поручения консилиума",
    "support_case": "Сопровождение семьи",
    "alert_card": "Сигнал о ребёнке в опасности",
    "curator_field_work": "Выездная работа куратора: выезды, приёмы, личный контроль",
    "search": "Поиск по системе",
    "picker": "Выбор записи в форме (подсказки)",
    "support_cases_list": "Список сопровождений семей",
    "consilium_action_list": "Поручения консилиумов",
    "consilium_action_item": "Поручение консилиума",
    "aid_requests_list": "Список заявок на адресную помощь",
    "aid_request": "Заявка на адресную помощь",
    "home_queue_children": "Главная страница: дети в рабочей очереди",
    "home_queue_families": "Главная страница: семьи в рабочей очереди",
    "audit_log_searches": "Журнал аудита: поисковые запросы (могут содержать ФИО)",
}


def _records_word(count: int) -> str:
    if count % 10 == 1 and count % 100 != 11:
        return "запись"
    if count % 10 in (2, 3, 4) and count % 100 not in (12, 13, 14):
        return "записи"
    return "записей"


def _json_filters(filters: dict[str, Any]) -> dict[str, Any]:
    """Filters as the audit row keeps them: only those given, objects by their text (codes, names)."""
    return {
        key: _json_value(getattr(value, "code", None) or value)
        for key, value in filters.items()
        if value not in (None, "", False, [], ())
    }


# The policy (vyzov.accounts) stands above core: it registers, when the apps are ready, how to find the
# one subject of the Federation that an actor's grants with a permission lie in (core imports no app).
_scope_subject_resolver: Callable[[Any, str], int | None] | None = None


def register_scope_subject_resolver(resolver: Callable[[Any, str], int | None]) -> None:
    global _scope_subject_resolver
    _scope_subject_resolver = resolver


def personal_scope_subject_id(actor: User, perm: str) -> int | None:
    """The one subject of the Federation that all the actor's grants with `perm` lie in, else None."""
    if _scope_subject_resolver is None:
        raise ImproperlyConfigured("vyzov.accounts registers the scope resolver; it is not installed.")
    return _scope_subject_resolver(actor, perm)


def audit_personal_read(
    *,
    actor: User,
    kind: str,
    records_count: int,
    subject_id: int | None = None,
    filters: dict[str, Any] | None = None,
    target: models.Model | None = None,
    record_ids: list[int] | None = None,
    action: str = AuditAction.VIEW_PERSONAL,
    scope_perm: str | None = None,
) -> AuditEntry | None:
    """Record that one response (a page, an API answer, a file) shows personal data: exactly one row.

    `records_count` is the number of people or families whose personal data the response carries; none
    means no personal data and no row. The row is attributed to `subject_id`, else to the target's
    subject, else to the single subject of the actor's scope for `scope_perm` (a curator's own region),
    so that the regional curator sees it on the audit page; national reads stay without a subject and
    keep their filters. The response is marked so that it is never cached (see PrivacyHeadersMiddleware).
    """
    if kind not in PERSONAL_READ_KINDS:
        raise ValueError(f"Unknown personal-data read: {kind}")
    if records_count <= 0:
        return None
    if subject_id is None and target is not None:
        subject_id = _subject_id_of(target)
    if subject_id is None and scope_perm is not None:
        subject_id = personal_scope_subject_id(actor, scope_perm)
    details: dict[str, Any] = {"kind": kind, "count": records_count}
    if filters:
        details["filters"] = _json_filters(filters)
    if record_ids is not None:
        details["ids"] = list(record_ids)
    label = PERSONAL_READ_KINDS[kind]
    text = str(target) if target is not None else f"{records_count} {_records_word(records_count)}"
    mark_personal_response()
    return audit_entry_create(
        actor=actor,
        action=action,
        target=target,
        subject_id=subject_id,
        details=details,
        object_repr=f"{label}: {text}",
    )


def json_filters(filters: dict[str, Any] | None) -> dict[str, Any]:
    """Filters of a request as the audit log stores them (model instances by their text)."""
    return _json_filters(filters) if filters else {}


class ConcurrentEditError(ValidationError):
    def __init__(self) -> None:
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
    instance: BaseModel,
    *,
    actor: User,
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
        cast(Any, type(instance))
        .objects.filter(pk=instance.pk, version=expected_version)
        .update(version=F("version") + 1, **values)
    )
    if updated != 1:
        raise ConcurrentEditError()
    instance.version = expected_version + 1
    instance.updated_by = actor


@transaction.atomic
def export_job_create(*, actor: User, kind: str, params: Any) -> ExportJob:
    """Queue a large export for the actor. `params`: the request's filters (a QueryDict or a dict).

    The caller has checked the permission; the planner checks it again in the worker, under the
    actor's grants at that moment, and the rows are chosen there (exports.py)."""
    from .exports import exporter
    from .tasks import run_export

    exporter(kind)  # an unknown kind fails here, in the request
    if hasattr(params, "lists"):
        params = {key: values for key, values in params.lists() if key != "page"}
    job = ExportJob.objects.create(kind=kind, params=params, created_by=actor, updated_by=actor)
    # The database task backend stores the task in this transaction: a worker sees it after the commit.
    run_export.enqueue(job.pk)
    return job


def export_download_audit(*, actor: User, job: ExportJob) -> AuditEntry | None:
    """The one audit row of a download of an export's file (the file is the personal-data response)."""
    from .exports import title_of

    audit = job.audit
    if audit.get("personal_count"):
        return audit_personal_read(
            actor=actor,
            kind=audit["personal_kind"],
            action=AuditAction.EXPORT,
            records_count=audit["personal_count"],
            subject_id=audit.get("subject_id"),
            scope_perm=audit.get("scope_perm"),
            filters=audit.get("filters"),
        )
    return audit_entry_create(
        actor=actor,
        action=AuditAction.EXPORT,
        subject_id=audit.get("subject_id"),
        object_repr=audit.get("object_repr") or title_of(job),
        details={"filters": audit.get("filters", {}), "export_job": job.pk, "rows": job.processed_rows},
    )
