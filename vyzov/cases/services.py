"""Every write to the register: checked by the policy, validated, transactional, audited, and
reflected in the child's timeline."""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Iterable
from typing import Any

from django.core.exceptions import ValidationError
from django.core.files.base import File
from django.core.files.uploadedfile import UploadedFile
from django.db import IntegrityError, transaction
from django.utils import timezone

from vyzov.accounts.access import Perm, require
from vyzov.accounts.models import User
from vyzov.core.inputs import given
from vyzov.core.models import AuditAction
from vyzov.core.services import (
    audit_entry_create,
    audit_personal_read,
    changed_fields,
    field_values,
    save_with_version,
)
from vyzov.core.validators import normalize_birth_certificate, normalize_snils
from vyzov.territories.models import Subject

from .imports import MAX_FILE_BYTES, ImportFileError, check_upload
from .inputs import (
    CHILD_FIELDS,
    FAMILY_FIELDS,
    MEMBER_FIELDS,
    PLACEMENT_FIELDS,
    STATUS_FIELDS,
    ChildData,
    FamilyData,
    FamilyMemberData,
    FamilyStatusData,
    PlacementData,
)
from .models import (
    FAMILY_PLACEMENT_OUTCOMES,
    Case,
    CaseStatus,
    Child,
    CrossRegionDuplicate,
    DuplicateStatus,
    Event,
    EventKind,
    Family,
    FamilyEvent,
    FamilyMember,
    FamilySocialStatus,
    ImportJob,
    ImportStatus,
    Placement,
    PlacementOutcome,
    RouteGoal,
)
from .selectors import DuplicateSplit, duplicate_candidates, duplicate_reason, duplicates_split
from .tasks import run_import


class DuplicateSuspected(ValidationError):
    """The child looks like one already in the register; the user must confirm or merge."""

    def __init__(self, candidates: list[Child], child: Child | None = None):
        self.candidates = candidates
        self.child = child
        super().__init__(
            "Похоже, этот ребёнок уже есть в реестре (совпадает СНИЛС, свидетельство о рождении или ФИО с датой "
            "рождения). Проверьте найденные записи; если это другой ребёнок, подтвердите сохранение.",
            code="duplicate",
        )


def _clean_documents(data: ChildData) -> ChildData:
    data = data.copy()
    if "snils" in data:
        data["snils"] = normalize_snils(data.get("snils"))
    if "birth_certificate" in data:
        data["birth_certificate"] = normalize_birth_certificate(data.get("birth_certificate"))
    if "last_name" in data:
        data["last_name"] = " ".join(data["last_name"].split())
    if "first_name" in data:
        data["first_name"] = " ".join(data["first_name"].split())
    if "middle_name" in data:
        data["middle_name"] = " ".join(data["middle_name"].split())
    return data


def family_event_add(
    *, actor: User, family: Family, date: dt.date, title: str, details: dict[str, Any] | None = None
) -> FamilyEvent:
    return FamilyEvent.objects.create(
        family=family, date=date, title=title[:300], details=details or {}, created_by=actor
    )


def event_add(
    *, actor: User, child: Child, kind: str, date: dt.date, title: str, details: dict[str, Any] | None = None
) -> Event:
    return Event.objects.create(
        child=child, kind=kind, date=date, title=title[:300], details=details or {}, created_by=actor
    )


# ---- cross-region duplicates --------------------------------------------------------------------


def cross_region_duplicates_record(
    *,
    actor: User,
    others: list[Child],
    child: Child | None = None,
    subject_id: int | None = None,
    import_job: ImportJob | None = None,
    row_number: int | None = None,
    reasons: dict[int, str] | None = None,
) -> list[CrossRegionDuplicate]:
    """Record likely duplicates in another region for the federal team (once per open pair). The user
    is told only that such a match exists; the record is what lets the federal team act on it."""
    subject_id = (
        subject_id
        or (child.subject_id if child else None)
        or (import_job.subject_id if import_job is not None else None)
    )
    others = [other for other in others if other.subject_id != subject_id]
    if not others:
        return []
    open_pairs = set(
        CrossRegionDuplicate.objects.filter(
            status=DuplicateStatus.OPEN,
            subject=subject_id,
            child=child.pk if child and child.pk else None,
            import_job=import_job,
            row_number=row_number,
            other_child__in=others,
        ).values_list("other_child_id", flat=True)
    )
    created = CrossRegionDuplicate.objects.bulk_create(
        CrossRegionDuplicate(
            subject_id=subject_id,  # type: ignore[misc]  # the caller always knows the subject
            child=child if child and child.pk else None,
            import_job=import_job,
            row_number=row_number,
            other_child=other,
            reason=(reasons or {}).get(other.pk) or (duplicate_reason(child, other) if child else ""),
            detected_by=actor,
        )
        for other in others
        if other.pk not in open_pairs
    )
    if created:
        audit_entry_create(
            actor=actor,
            action=AuditAction.CREATE,
            subject_id=subject_id,
            object_repr="Возможный дубль в другом регионе",
            details={"recorded": len(created)},
        )
    return created


def duplicates_found(*, actor: User, suspected: DuplicateSuspected) -> DuplicateSplit:
    """What a user who met likely duplicates is shown; matches in another region are recorded."""
    child = suspected.child
    split = duplicates_split(
        actor=actor, subject_id=child.subject_id if child else None, candidates=suspected.candidates
    )
    if child is not None and split.other_region:
        cross_region_duplicates_record(actor=actor, child=child, others=split.other_region)
    return split


def cross_region_duplicate_resolve(*, actor: User, duplicate: CrossRegionDuplicate, resolution: str) -> None:
    require(actor, Perm.CASES_MERGE, duplicate)
    if duplicate.status == DuplicateStatus.RESOLVED:
        raise ValidationError("Этот дубль уже разобран.")
    resolution = resolution.strip()
    if not resolution:
        raise ValidationError({"resolution": "Опишите, как разобран дубль."})
    duplicate.status = DuplicateStatus.RESOLVED
    duplicate.resolved_by = actor
    duplicate.resolved_at = timezone.now()
    duplicate.resolution = resolution[:1000]
    duplicate.save(update_fields=["status", "resolved_by", "resolved_at", "resolution"])
    audit_entry_create(
        actor=actor,
        action=AuditAction.STATUS_CHANGE,
        target=duplicate,
        details={"status": DuplicateStatus.RESOLVED},
    )


# ---- children -----------------------------------------------------------------------------------


@transaction.atomic
def child_create(*, actor: User, data: ChildData, confirm_not_duplicate: bool = False) -> Child:
    data = _clean_documents(data)
    child = Child(**given(data, CHILD_FIELDS))
    if child.municipality_id and not child.subject_id:
        child.subject_id = child.municipality.subject_id
    require(actor, Perm.CASES_EDIT, child)
    child.full_clean()
    if not confirm_not_duplicate:
        candidates = list(
            duplicate_candidates(
                snils=child.snils,
                birth_certificate=child.birth_certificate,
                last_name=child.last_name,
                first_name=child.first_name,
                middle_name=child.middle_name,
                birth_date=child.birth_date,
            )[:20]
        )
        if candidates:
            raise DuplicateSuspected(candidates, child=child)
    child.created_by = child.updated_by = actor
    child.save()
    if confirm_not_duplicate:
        # Confirmed as another child: a match in another region is still recorded for the federal team.
        others = duplicate_candidates(
            snils=child.snils,
            birth_certificate=child.birth_certificate,
            last_name=child.last_name,
            first_name=child.first_name,
            middle_name=child.middle_name,
            birth_date=child.birth_date,
            exclude_pk=child.pk,
        ).exclude(subject=child.subject_id)[:20]
        cross_region_duplicates_record(actor=actor, child=child, others=list(others))
    today = timezone.localdate()
    Case.objects.create(child=child, opened_on=today, created_by=actor, updated_by=actor)
    event_add(actor=actor, child=child, kind=EventKind.REGISTERED, date=today, title="Внесён в реестр")
    audit_entry_create(
        actor=actor,
        action=AuditAction.CREATE,
        target=child,
        details={"confirmed_not_duplicate": confirm_not_duplicate},
    )
    return child


@transaction.atomic
def child_update(*, actor: User, child: Child, data: ChildData, expected_version: int) -> Child:
    require(actor, Perm.CASES_EDIT, child)
    data = _clean_documents(data)
    original = field_values(child, CHILD_FIELDS)
    for name, value in given(data, CHILD_FIELDS).items():
        setattr(child, name, value)
    require(actor, Perm.CASES_EDIT, child)  # also where the child is being moved to
    if child.placed_since and child.birth_date > child.placed_since:
        raise ValidationError({"birth_date": "Дата рождения позже даты помещения в организацию."})
    changes = changed_fields(child, original)
    save_with_version(child, actor=actor, expected_version=expected_version, fields=CHILD_FIELDS)
    # Personal values are not copied into the audit log: only which fields changed.
    audit_entry_create(
        actor=actor, action=AuditAction.UPDATE, target=child, details={"fields": sorted(changes)}
    )
    return child


# ---- placements ---------------------------------------------------------------------------------


@transaction.atomic
def placement_open(*, actor: User, child: Child, data: PlacementData) -> Placement:
    require(actor, Perm.CASES_EDIT, child)
    child = Child.objects.select_for_update().get(pk=child.pk)
    placement = Placement(child=child, **given(data, PLACEMENT_FIELDS))
    placement.full_clean()
    if placement.organization.subject_id != child.subject_id:
        raise ValidationError({"organization": "Организация находится в другом субъекте РФ."})
    if child.placements.filter(end_date__isnull=True).exists():
        raise ValidationError("У ребёнка уже есть незакрытое помещение: сначала оформите выбытие.")
    if child.placements.filter(end_date__gt=placement.start_date).exists():
        raise ValidationError({"start_date": "Дата помещения раньше выбытия из предыдущей организации."})
    placement.created_by = placement.updated_by = actor
    try:
        with transaction.atomic():
            placement.save()
    except IntegrityError:
        raise ValidationError("У ребёнка уже есть незакрытое помещение: сначала оформите выбытие.") from None
    Child.objects.filter(pk=child.pk).update(
        current_organization=placement.organization, placed_since=placement.start_date
    )
    child.current_organization, child.placed_since = placement.organization, placement.start_date
    event_add(
        actor=actor,
        child=child,
        kind=EventKind.PLACEMENT,
        date=placement.start_date,
        title=f"Помещён: {placement.organization} — {placement.get_kind_display()}",
        details={"placement": placement.pk},
    )
    audit_entry_create(actor=actor, action=AuditAction.CREATE, target=placement)
    return placement


OUTCOME_EVENTS: dict[str, str] = {
    PlacementOutcome.RETURNED_HOME: EventKind.RETURN_HOME,
    **dict.fromkeys(FAMILY_PLACEMENT_OUTCOMES, EventKind.FAMILY_PLACEMENT),
}


@transaction.atomic
def placement_close(
    *, actor: User, placement: Placement, end_date: dt.date, outcome: str, note: str = ""
) -> Placement:
    require(actor, Perm.CASES_EDIT, placement.child)
    placement = (
        Placement.objects.select_for_update().select_related("child", "organization").get(pk=placement.pk)
    )
    if placement.end_date is not None:
        raise ValidationError("Это помещение уже закрыто.")
    placement.end_date, placement.outcome, placement.outcome_note = end_date, outcome, note
    placement.full_clean()
    placement.updated_by = actor
    placement.version += 1
    placement.save()
    Child.objects.filter(pk=placement.child_id).update(current_organization=None, placed_since=None)
    child = placement.child
    child.current_organization, child.placed_since = None, None
    event_add(
        actor=actor,
        child=child,
        kind=OUTCOME_EVENTS.get(outcome, EventKind.PLACEMENT_END),
        date=end_date,
        title=f"Выбыл из организации «{placement.organization}»: {placement.get_outcome_display()}",
        details={"placement": placement.pk, "outcome": outcome},
    )
    audit_entry_create(
        actor=actor,
        action=AuditAction.UPDATE,
        target=placement,
        details={"closed": str(end_date), "outcome": outcome},
    )
    return placement


# ---- route --------------------------------------------------------------------------------------


@transaction.atomic
def route_change(
    *,
    actor: User,
    child: Child,
    goal: str,
    reason: str,
    responsible: User | None = None,
    next_review_date: dt.date | None = None,
    expected_version: int,
    event_kind: str = EventKind.ROUTE_CHANGE,
) -> Case:
    """Change the child's route goal (and who leads it, and when to review it), with a reason."""
    require(actor, Perm.CASES_EDIT, child)
    if not (reason or "").strip():
        raise ValidationError({"reason": "Укажите причину изменения маршрута."})
    if goal not in RouteGoal.values:
        raise ValidationError({"goal": "Неизвестная цель маршрута."})
    today = timezone.localdate()
    if next_review_date and next_review_date < today:
        raise ValidationError({"next_review_date": "Дата следующего пересмотра уже прошла."})
    case = child.case
    original = field_values(case, ["goal", "responsible", "next_review_date"])
    case.goal = goal
    case.responsible = responsible
    case.next_review_date = next_review_date
    save_with_version(
        case,
        actor=actor,
        expected_version=expected_version,
        fields=["goal", "responsible", "next_review_date"],
    )
    # The list sorts by the child's copy (an index instead of a join over the register).
    Child.objects.filter(pk=child.pk).update(next_review_date=next_review_date)
    child.next_review_date = next_review_date
    changes = changed_fields(case, original)
    event_add(
        actor=actor,
        child=child,
        kind=event_kind,
        date=today,
        title=f"Маршрут: {case.get_goal_display()}. Причина: {reason.strip()}",
        details={"changes": changes},
    )
    audit_entry_create(
        actor=actor,
        action=AuditAction.UPDATE,
        target=case,
        details={"changes": changes, "reason": reason.strip()[:500]},
    )
    return case


@transaction.atomic
def case_close(*, actor: User, child: Child, reason: str) -> Case:
    require(actor, Perm.CASES_EDIT, child)
    if child.current_organization_id:
        raise ValidationError("Нельзя закрыть маршрут ребёнка, который находится в организации.")
    case = child.case
    case.status, case.closed_on = CaseStatus.CLOSED, timezone.localdate()
    case.updated_by = actor
    case.save()
    event_add(
        actor=actor,
        child=child,
        kind=EventKind.ROUTE_CHANGE,
        date=case.closed_on,
        title=f"Маршрут закрыт. Причина: {reason}",
    )
    audit_entry_create(
        actor=actor, action=AuditAction.STATUS_CHANGE, target=case, details={"status": "closed"}
    )
    return case


# ---- families -----------------------------------------------------------------------------------


@transaction.atomic
def family_create(*, actor: User, data: FamilyData) -> Family:
    family = Family(**given(data, FAMILY_FIELDS))
    if family.municipality_id and not family.subject_id:
        family.subject_id = family.municipality.subject_id
    require(actor, Perm.CASES_EDIT, family)
    family.full_clean()
    family.created_by = family.updated_by = actor
    family.save()
    audit_entry_create(actor=actor, action=AuditAction.CREATE, target=family)
    return family


@transaction.atomic
def family_update(*, actor: User, family: Family, data: FamilyData, expected_version: int) -> Family:
    require(actor, Perm.CASES_EDIT, family)
    original = field_values(family, FAMILY_FIELDS)
    for name, value in given(data, FAMILY_FIELDS).items():
        setattr(family, name, value)
    require(actor, Perm.CASES_EDIT, family)
    changes = changed_fields(family, original)
    save_with_version(family, actor=actor, expected_version=expected_version, fields=FAMILY_FIELDS)
    audit_entry_create(
        actor=actor, action=AuditAction.UPDATE, target=family, details={"fields": sorted(changes)}
    )
    return family


@transaction.atomic
def family_member_add(*, actor: User, family: Family, data: FamilyMemberData) -> FamilyMember:
    require(actor, Perm.CASES_EDIT, family)
    member = FamilyMember(family=family, **given(data, MEMBER_FIELDS))
    member.full_clean()
    member.created_by = member.updated_by = actor
    member.save()
    audit_entry_create(actor=actor, action=AuditAction.CREATE, target=member)
    return member


@transaction.atomic
def family_member_remove(*, actor: User, member: FamilyMember) -> None:
    require(actor, Perm.CASES_EDIT, member.family)
    audit_entry_create(actor=actor, action=AuditAction.DELETE, target=member)
    member.delete()


@transaction.atomic
def family_status_add(*, actor: User, family: Family, data: FamilyStatusData) -> FamilySocialStatus:
    require(actor, Perm.CASES_EDIT, family)
    status = FamilySocialStatus(family=family, **given(data, STATUS_FIELDS))
    status.full_clean()
    overlapping = family.statuses.filter(kind=status.kind, end_date__isnull=True)
    if status.end_date is None and overlapping.exists():
        raise ValidationError(
            "У семьи уже есть действующий статус этого вида: сначала укажите дату его окончания."
        )
    status.created_by = status.updated_by = actor
    status.save()
    day = status.start_date
    for child in family.children.filter(merged_into__isnull=True):
        event_add(
            actor=actor,
            child=child,
            kind=EventKind.STATUS,
            date=day,
            title=f"Семья: {status.get_kind_display()} с {day:%d.%m.%Y} ({status.basis})",
        )
    audit_entry_create(actor=actor, action=AuditAction.CREATE, target=status)
    return status


@transaction.atomic
def family_status_close(*, actor: User, status: FamilySocialStatus, end_date: dt.date) -> FamilySocialStatus:
    require(actor, Perm.CASES_EDIT, status.family)
    if status.end_date is not None:
        raise ValidationError("Статус уже закрыт.")
    if end_date > timezone.localdate():
        raise ValidationError({"end_date": "Дата не может быть в будущем."})
    status.end_date = end_date
    status.full_clean()
    status.updated_by = actor
    status.save()
    audit_entry_create(
        actor=actor, action=AuditAction.UPDATE, target=status, details={"end_date": str(end_date)}
    )
    return status


# ---- merging duplicates -------------------------------------------------------------------------


@transaction.atomic
def child_merge(*, actor: User, keep: Child, duplicate: Child) -> Child:
    """Merge `duplicate` into `keep`: every placement and event moves over, blank documents are
    filled from the duplicate, and the duplicate stays (hidden) pointing at the record kept."""
    if keep.pk == duplicate.pk:
        raise ValidationError("Нельзя объединить запись саму с собой.")
    require(actor, Perm.CASES_MERGE, keep)
    require(actor, Perm.CASES_MERGE, duplicate)
    keep, duplicate = (Child.objects.select_for_update().get(pk=pk) for pk in (keep.pk, duplicate.pk))
    if keep.merged_into_id or duplicate.merged_into_id:
        raise ValidationError("Одна из записей уже объединена с другой.")
    if keep.current_organization_id and duplicate.current_organization_id:
        raise ValidationError(
            "У обеих записей есть незакрытое помещение в организацию. Закройте лишнее помещение, затем объедините."
        )
    moved_placements = Placement.objects.filter(child=duplicate).update(child=keep)
    moved_events = Event.objects.filter(child=duplicate).update(child=keep)
    filled = []
    for name in ("snils", "birth_certificate", "middle_name"):
        if not getattr(keep, name) and getattr(duplicate, name):
            setattr(keep, name, getattr(duplicate, name))
            setattr(duplicate, name, "")  # keep the document unique to the record kept
            filled.append(name)
    if keep.family_id is None and duplicate.family_id:
        keep.family_id = duplicate.family_id
        filled.append("family")
    if duplicate.current_organization_id:
        keep.current_organization_id, keep.placed_since = (
            duplicate.current_organization_id,
            duplicate.placed_since,
        )
    duplicate.merged_into = keep
    duplicate.current_organization, duplicate.placed_since = None, None
    duplicate.updated_by = keep.updated_by = actor
    duplicate.save()
    keep.version += 1
    keep.save()
    event_add(
        actor=actor,
        child=keep,
        kind=EventKind.MERGE,
        date=timezone.localdate(),
        title=f"Объединён с дублем (запись № {duplicate.pk})",
        details={"duplicate": duplicate.pk, "placements": moved_placements, "events": moved_events},
    )
    details = {
        "kept": keep.pk,
        "duplicate": duplicate.pk,
        "placements_moved": moved_placements,
        "events_moved": moved_events,
        "filled": filled,
    }
    audit_entry_create(actor=actor, action=AuditAction.MERGE, target=keep, details=details)
    audit_entry_create(actor=actor, action=AuditAction.MERGE, target=duplicate, details=details)
    return keep


def personal_data_read(*, actor: User, target: Child | Family, kind: str = "") -> None:
    """Record that the actor has seen a child's or family's personal data (page, API or export).

    One card is one response: one row (see core.services.audit_personal_read).
    """
    if not kind:
        kind = "family_card" if isinstance(target, Family) else "child_card"
    audit_personal_read(actor=actor, kind=kind, records_count=1, target=target)


def personal_data_list_read(
    *,
    actor: User,
    kind: str,
    records: Iterable[Child | Family],
    filters: dict[str, Any] | None = None,
    subject_id: int | None = None,
    action: str = AuditAction.VIEW_PERSONAL,
) -> None:
    """One row for a response that shows the personal data of several children or families.

    `records` are the children/families whose personal data the response carries (already loaded).
    The row names how many and which, the filters, and the subject: the filter's, else the one
    subject all the records belong to (a curator's list), else none (a national list).
    """
    records = list(records)
    if subject_id is None:
        subjects = {record.subject_id for record in records}
        subject_id = subjects.pop() if len(subjects) == 1 else None
    audit_personal_read(
        actor=actor,
        kind=kind,
        records_count=len(records),
        subject_id=subject_id,
        filters=filters,
        record_ids=[record.pk for record in records],
        action=action,
    )


# ---- import jobs --------------------------------------------------------------------------------


@transaction.atomic
def import_job_create(*, actor: User, subject: Subject, uploaded_file: UploadedFile[Any]) -> ImportJob:
    """Store an uploaded list and queue its check. The file is refused at once if it is unreadable."""
    job = ImportJob(subject=subject, original_name=(uploaded_file.name or "list.xlsx")[:255])
    require(actor, Perm.CASES_IMPORT, job)
    if (uploaded_file.size or 0) > MAX_FILE_BYTES:
        raise ValidationError(
            {"file": f"Файл больше {MAX_FILE_BYTES // (1024 * 1024)} МБ. Разделите список на части."}
        )
    try:
        check_upload(uploaded_file)  # reads the zip directory from the upload, not the whole file
    except ImportFileError as error:
        raise ValidationError({"file": str(error)}) from None
    uploaded_file.seek(0)
    job.file.save(f"{uuid.uuid4().hex}.xlsx", File(uploaded_file), save=False)
    job.created_by = job.updated_by = actor
    job.save()
    # The database task backend stores the task in this same transaction: a worker sees it only
    # after the job row is committed.
    run_import.enqueue(job.pk)
    return job


@transaction.atomic
def import_job_accept_valid(*, actor: User, job: ImportJob) -> ImportJob:
    """The user chose to load the valid rows of a file that has errors (the rest stay in the report)."""
    require(actor, Perm.CASES_IMPORT, job)
    job = ImportJob.objects.select_for_update().get(pk=job.pk)
    if job.status != ImportStatus.NEEDS_DECISION:
        raise ValidationError(
            "Загрузку корректных строк можно запустить только после проверки файла с ошибками."
        )
    if job.valid_rows == 0:
        raise ValidationError("В файле нет ни одной корректной строки.")
    job.accept_valid_rows = True
    job.status = ImportStatus.QUEUED
    job.updated_by = actor
    job.save()
    run_import.enqueue(job.pk)
    return job
