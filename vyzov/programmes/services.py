"""Every write of regional governance: within the subject, validated, audited. Working-group decisions
and inspection recommendations issue action items through the consilium's one mechanism."""

from __future__ import annotations

import csv
import datetime as dt
from collections.abc import Iterable
from decimal import Decimal
from pathlib import Path
from typing import Any, TypeVar

from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import models, transaction
from django.utils import timezone

from vyzov.accounts.access import Perm, allows, require
from vyzov.accounts.models import User
from vyzov.cases.models import Child, Family
from vyzov.consilium.services import action_item_create
from vyzov.core.inputs import given
from vyzov.core.models import AuditAction
from vyzov.core.services import audit_entry_create
from vyzov.core.uploads import check_upload, replace_stored_file
from vyzov.territories.models import Organization, Subject

from .inputs import (
    DOCUMENT_FIELDS,
    INDICATOR_FIELDS,
    INSPECTION_FIELDS,
    MEASURE_FIELDS,
    ControlCaseData,
    CuratorReceptionData,
    CuratorVisitData,
    IndicatorData,
    InspectionData,
    MeasureData,
    WorkingGroupDocumentData,
)
from .models import (
    ControlOutcome,
    CuratorAssignment,
    CuratorReception,
    CuratorReport,
    CuratorTask,
    CuratorVisit,
    Direction,
    DocumentStatus,
    IndicatorActual,
    IndicatorTarget,
    InformationPartner,
    Inspection,
    InstitutionPlan,
    Measure,
    Milestone,
    PersonalControlCase,
    ProgrammeFormat,
    ProgrammeIndicator,
    Publication,
    RegionalProgramme,
    StrategicSession,
    WorkingGroup,
    WorkingGroupDecision,
    WorkingGroupDocument,
    WorkingGroupMeeting,
    WorkingGroupMember,
)

DATA_DIR = Path(__file__).resolve().parent / "data"

T = TypeVar("T", bound=models.Model)


def _rows(name: str) -> list[dict[str, str]]:
    with (DATA_DIR / name).open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def _save(actor: User, instance: T, *, perm_target: models.Model | None = None) -> T:
    require(actor, Perm.PROGRAMMES_EDIT, perm_target or instance)
    instance.full_clean()
    if hasattr(instance, "created_by_id") and instance.pk is None:
        setattr(instance, "created_by", actor)  # noqa: B010 (not every model tracks its author)
    if hasattr(instance, "updated_by_id"):
        setattr(instance, "updated_by", actor)  # noqa: B010
    instance.save()
    audit_entry_create(
        actor=actor,
        action=AuditAction.CREATE,
        target=instance,
        subject_id=getattr(perm_target or instance, "subject_id", None),
    )
    return instance


@transaction.atomic
def programme_create(
    *,
    actor: User,
    subject: Subject,
    title: str,
    start_year: int,
    end_year: int,
    approved_document: str = "",
    programme_form: str = ProgrammeFormat.PROGRAMME,
) -> RegionalProgramme:
    """A programme with the brochure's eight directions as its template; its form is a programme, a
    «дорожная карта» or a «комплекс мер» (002)."""
    programme = _save(
        actor,
        RegionalProgramme(
            subject=subject,
            title=title,
            start_year=start_year,
            end_year=end_year,
            approved_document=approved_document,
            programme_form=programme_form or ProgrammeFormat.PROGRAMME,
        ),
    )
    Direction.objects.bulk_create(
        Direction(programme=programme, number=int(row["no"]), title=row["direction"])
        for row in _rows("regional_programme_directions.csv")
    )
    return programme


@transaction.atomic
def programme_form_set(
    *, actor: User, programme: RegionalProgramme, programme_form: str
) -> RegionalProgramme:
    require(actor, Perm.PROGRAMMES_EDIT, programme)
    if programme_form not in ProgrammeFormat.values:
        raise ValidationError({"programme_form": "Выберите форму программы из списка."})
    programme.programme_form, programme.updated_by = programme_form, actor
    programme.version += 1
    programme.save(update_fields=["programme_form", "updated_by", "version", "updated_at"])
    audit_entry_create(
        actor=actor,
        action=AuditAction.UPDATE,
        target=programme,
        subject_id=programme.subject_id,
        details={"programme_form": programme_form},
    )
    return programme


def typical_measures() -> list[dict[str, str]]:
    """The typical measures of 002 («Мероприятия региональных программ»), each with the direction a
    copy goes to by default (the brochure does not assign them; `direction_basis` says so)."""
    return _rows("programme_typical_measures.csv")


def _programme_end(programme: RegionalProgramme) -> dt.date:
    return dt.date(programme.end_year, 12, 31)


@transaction.atomic
def indicator_add(
    *, actor: User, direction: Direction, data: IndicatorData, targets: dict[int, Decimal]
) -> ProgrammeIndicator:
    programme = direction.programme
    bad = [year for year in targets if not programme.start_year <= year <= programme.end_year]
    if bad:
        raise ValidationError(
            {
                "targets": f"Год цели вне периода программы ({programme.start_year}–"
                f"{programme.end_year}): {', '.join(map(str, bad))}."
            }
        )
    if any(value < 0 for value in targets.values()):
        raise ValidationError({"targets": "Цель не может быть отрицательной."})
    if not targets:
        raise ValidationError({"targets": "Укажите цель хотя бы на один год."})
    indicator = _save(
        actor, ProgrammeIndicator(direction=direction, **given(data, INDICATOR_FIELDS)), perm_target=programme
    )
    IndicatorTarget.objects.bulk_create(
        IndicatorTarget(indicator=indicator, year=year, value=value) for year, value in targets.items()
    )
    return indicator


@transaction.atomic
def actual_add(
    *, actor: User, indicator: ProgrammeIndicator, as_of: dt.date, value: Decimal
) -> IndicatorActual:
    programme = indicator.direction.programme
    require(actor, Perm.PROGRAMMES_EDIT, programme)
    if indicator.monitoring_indicator_id:
        raise ValidationError(
            {"value": "Показатель связан с мониторингом: факт берётся из квартальных отчётов."}
        )
    if as_of > timezone.localdate():
        raise ValidationError({"as_of": "Дата не может быть в будущем."})
    if not dt.date(programme.start_year - 1, 1, 1) <= as_of <= _programme_end(programme):
        raise ValidationError({"as_of": "Дата вне периода программы."})
    actual = IndicatorActual(indicator=indicator, as_of=as_of, value=value)
    actual.full_clean()
    actual.save()
    audit_entry_create(
        actor=actor,
        action=AuditAction.CREATE,
        target=indicator,
        subject_id=programme.subject_id,
        details={"actual": str(value), "as_of": str(as_of)},
    )
    return actual


@transaction.atomic
def measure_add(*, actor: User, direction: Direction, data: MeasureData) -> Measure:
    measure = Measure(direction=direction, **given(data, MEASURE_FIELDS))
    if measure.budget is not None and measure.budget < 0:
        raise ValidationError({"budget": "Бюджет не может быть отрицательным."})
    if measure.deadline and measure.deadline > _programme_end(direction.programme):
        raise ValidationError(
            {"deadline": f"Срок позже окончания программы ({_programme_end(direction.programme):%d.%m.%Y})."}
        )
    return _save(actor, measure, perm_target=direction.programme)


EVIDENCE_TYPES = {
    ".pdf": b"%PDF",
    ".docx": b"PK\x03\x04",
    ".xlsx": b"PK\x03\x04",
    ".jpg": b"\xff\xd8\xff",
    ".jpeg": b"\xff\xd8\xff",
    ".png": b"\x89PNG",
}


@transaction.atomic
def measure_evidence_attach(*, actor: User, measure: Measure, uploaded: UploadedFile[Any]) -> Measure:
    require(actor, Perm.PROGRAMMES_EDIT, measure.direction.programme)
    suffix = check_upload(uploaded, allowed=EVIDENCE_TYPES, max_bytes=20 * 1024 * 1024)
    replace_stored_file(measure, "evidence", f"measure-{measure.pk}{suffix}", uploaded)
    measure.updated_by = actor
    measure.save()
    audit_entry_create(
        actor=actor,
        action=AuditAction.UPDATE,
        target=measure,
        subject_id=measure.direction.programme.subject_id,
        details={"evidence": measure.evidence.name},
    )
    return measure


@transaction.atomic
def measure_set_status(*, actor: User, measure: Measure, status: str) -> Measure:
    require(actor, Perm.PROGRAMMES_EDIT, measure.direction.programme)
    measure.status, measure.updated_by = status, actor
    measure.full_clean()
    measure.save()
    audit_entry_create(
        actor=actor,
        action=AuditAction.STATUS_CHANGE,
        target=measure,
        subject_id=measure.direction.programme.subject_id,
        details={"status": status},
    )
    return measure


# ---- working group ------------------------------------------------------------------------------


@transaction.atomic
def member_add(
    *, actor: User, group: WorkingGroup, person: str, agency: str, role: str, seat: str = ""
) -> WorkingGroupMember:
    """A member of the МРГ; `seat` marks the curator, the NGO operator's head and the head of the
    regional «Дети в семье» service, whom the checklist of the МРГ page looks for."""
    require(actor, Perm.PROGRAMMES_EDIT, group)
    member = WorkingGroupMember(
        group=group, person=person.strip(), agency=agency.strip(), role=role.strip(), seat=seat or ""
    )
    member.full_clean()
    member.save()
    audit_entry_create(
        actor=actor,
        action=AuditAction.CREATE,
        target=group,
        subject_id=group.subject_id,
        details={"member": member.person, "agency": member.agency, "seat": member.seat},
    )
    return member


@transaction.atomic
def meeting_add(*, actor: User, group: WorkingGroup, date: dt.date, agenda: str) -> WorkingGroupMeeting:
    return _save(actor, WorkingGroupMeeting(group=group, date=date, agenda=agenda), perm_target=group)


DOCUMENT_TYPES = {".pdf": b"%PDF", ".docx": b"PK\x03\x04", ".xlsx": b"PK\x03\x04"}


def _check_document(document: WorkingGroupDocument) -> None:
    """The rules of the register, in Russian, before the database constraint."""
    if document.date and document.date > timezone.localdate():
        raise ValidationError({"date": "Дата утверждения не может быть в будущем."})
    if document.status != DocumentStatus.DRAFT:
        errors = {}
        if not document.date:
            errors["date"] = "Укажите дату утверждения."
        if not document.approval_way:
            errors["approval_way"] = "Укажите способ утверждения."
        if errors:
            raise ValidationError(errors)
    if document.meeting is not None and document.meeting.group_id != document.group_id:
        raise ValidationError({"meeting": "Заседание другой рабочей группы."})


@transaction.atomic
def document_add(
    *,
    actor: User,
    group: WorkingGroup,
    data: WorkingGroupDocumentData,
    uploaded: UploadedFile[Any] | None = None,
) -> WorkingGroupDocument:
    """Record a document of the МРГ's register; the file (PDF, DOCX, XLSX) is checked by its content."""
    require(actor, Perm.PROGRAMMES_EDIT, group)
    document = WorkingGroupDocument(group=group, **given(data, DOCUMENT_FIELDS))
    document.title = (document.title or "").strip()
    _check_document(document)
    if uploaded is not None:
        suffix = check_upload(uploaded, allowed=DOCUMENT_TYPES, max_bytes=20 * 1024 * 1024)
        document.file.save(f"mrg-{group.subject_id}-{document.kind}{suffix}", uploaded, save=False)
    return _save(actor, document, perm_target=group)


@transaction.atomic
def document_status_set(
    *,
    actor: User,
    document: WorkingGroupDocument,
    status: str,
    date: dt.date | None = None,
    approval_way: str = "",
    approved_by: str = "",
    number: str = "",
) -> WorkingGroupDocument:
    """Approve a draft, record a new edition, or mark the document lapsed. A lapsed document stays."""
    require(actor, Perm.PROGRAMMES_EDIT, document)
    if status not in DocumentStatus.values:
        raise ValidationError({"status": "Неизвестное состояние документа."})
    if document.status == DocumentStatus.LAPSED:
        raise ValidationError("Документ утратил силу; внесите новый документ.")
    if status == DocumentStatus.DRAFT and document.status != DocumentStatus.DRAFT:
        raise ValidationError({"status": "Утверждённый документ нельзя вернуть в проект."})
    document.status = status
    if status in (DocumentStatus.APPROVED, DocumentStatus.REVISED):
        document.date = date or document.date
        document.approval_way = approval_way or document.approval_way
        document.approved_by = (approved_by or document.approved_by).strip()
        document.number = (number or document.number).strip()
    _check_document(document)
    document.full_clean()
    document.updated_by = actor
    document.version += 1
    document.save()
    audit_entry_create(
        actor=actor,
        action=AuditAction.STATUS_CHANGE,
        target=document,
        subject_id=document.group.subject_id,
        details={"status": status},
    )
    return document


@transaction.atomic
def decision_add(
    *, actor: User, meeting: WorkingGroupMeeting, text: str, actions: list[dict[str, Any]]
) -> WorkingGroupDecision:
    """An МРГ decision with its assignments — the same ActionItem as the consilium's."""
    group = meeting.group
    if not text.strip():
        raise ValidationError({"text": "Сформулируйте решение."})
    decision = _save(actor, WorkingGroupDecision(meeting=meeting, text=text.strip()), perm_target=group)
    for action in actions:
        action_item_create(actor=actor, origin=decision, subject=group.subject, **action)
    return decision


# ---- curators, partners, sessions, inspections, institutions -------------------------------------


@transaction.atomic
def curator_assign(
    *,
    actor: User,
    subject: Subject,
    full_name: str,
    position: str,
    since: dt.date,
    curator: User | None = None,
) -> CuratorAssignment:
    assignment = _save(
        actor,
        CuratorAssignment(
            subject=subject, full_name=full_name, position=position, since=since, curator=curator
        ),
    )
    CuratorTask.objects.bulk_create(
        CuratorTask(assignment=assignment, text=text) for text in curator_task_texts()
    )
    return assignment


# Items 1 and 4 of the Krasnoyarsk slide (004) repeat items 1 and 3 of the brochure (002) in other words.
CURATOR_TASKS_004_REPEATED = {"1", "4"}


def curator_task_texts() -> list[str]:
    """The curator's checklist: the brochure's five tasks, then what the Krasnoyarsk slide adds
    (resource maps, training the community, chairing the consilium)."""
    rows = _rows("vyzov_lists_governance.csv")
    return [row["item_text"] for row in rows if row["list_id"] == "curator_tasks_002"] + [
        row["item_text"]
        for row in rows
        if row["list_id"] == "curator_tasks_004" and row["item_no"] not in CURATOR_TASKS_004_REPEATED
    ]


@transaction.atomic
def curator_task_update(*, actor: User, task: CuratorTask, done: bool, evidence: str) -> CuratorTask:
    require(actor, Perm.PROGRAMMES_EDIT, task.assignment)
    if done and not evidence.strip():
        raise ValidationError({"evidence": "Подтвердите выполнение: что сделано."})
    task.done, task.evidence, task.updated_by = done, evidence.strip(), actor
    task.save()
    audit_entry_create(
        actor=actor,
        action=AuditAction.UPDATE,
        target=task,
        subject_id=task.assignment.subject_id,
        details={"done": done},
    )
    return task


@transaction.atomic
def curator_report_add(
    *, actor: User, assignment: CuratorAssignment, month: dt.date, text: str
) -> CuratorReport:
    if month.day != 1:
        raise ValidationError({"month": "Месяц указывается первым числом."})
    if month > timezone.localdate():
        raise ValidationError({"month": "Отчёт за будущий месяц сдать нельзя."})
    return _save(actor, CuratorReport(assignment=assignment, month=month, text=text), perm_target=assignment)


# ---- the curator's field work ---------------------------------------------------------------------


def _check_register(actor: User, assignment: CuratorAssignment, **records: Child | Family | None) -> None:
    """Records of the register picked on a field-work form: in the actor's register and the region."""
    for field, record in records.items():
        if record is None:
            continue
        if not allows(actor, Perm.CASES_VIEW, record):
            raise ValidationError({field: "Запись реестра с таким номером не найдена."})
        if record.subject_id != assignment.subject_id:
            raise ValidationError({field: "Запись реестра — из другого субъекта РФ, чем куратор."})


def _past(day: dt.date | None, field: str, label: str) -> dt.date:
    if not isinstance(day, dt.date):
        raise ValidationError({field: f"Укажите {label}."})
    if day > timezone.localdate():
        raise ValidationError({field: f"{label.capitalize()} не может быть в будущем."})
    return day


def _save_work(actor: User, assignment: CuratorAssignment, instance: T) -> T:
    require(actor, Perm.PROGRAMMES_EDIT, assignment)
    instance.full_clean()
    setattr(instance, "created_by", actor)  # noqa: B010
    setattr(instance, "updated_by", actor)  # noqa: B010
    instance.save()
    audit_entry_create(
        actor=actor, action=AuditAction.CREATE, target=instance, subject_id=assignment.subject_id
    )
    return instance


@transaction.atomic
def curator_visit_add(
    *,
    actor: User,
    assignment: CuratorAssignment,
    data: CuratorVisitData,
    family: Family | None = None,
) -> CuratorVisit:
    """A visit to a family: the family of the register, or a description when it is not there."""
    require(actor, Perm.PROGRAMMES_EDIT, assignment)
    _past(data.get("date"), "date", "дату выезда")
    description = (data.get("family_description") or "").strip()
    if family is None and not description:
        raise ValidationError({"family_description": "Укажите семью из реестра или опишите, к кому выезд."})
    if not (data.get("purpose") or "").strip():
        raise ValidationError({"purpose": "Укажите цель выезда."})
    _check_register(actor, assignment, family=family)
    visit = CuratorVisit(
        assignment=assignment,
        date=data["date"],
        family=family,
        family_description=description,
        with_guardianship=bool(data.get("with_guardianship")),
        with_kdn=bool(data.get("with_kdn")),
        purpose=data["purpose"].strip(),
        result=(data.get("result") or "").strip(),
    )
    return _save_work(actor, assignment, visit)


@transaction.atomic
def curator_reception_add(
    *, actor: User, assignment: CuratorAssignment, data: CuratorReceptionData
) -> CuratorReception:
    require(actor, Perm.PROGRAMMES_EDIT, assignment)
    _past(data.get("date"), "date", "дату приёма")
    people = data.get("people")
    if not isinstance(people, int) or people < 1:
        raise ValidationError({"people": "Сколько граждан принято: не меньше одного."})
    reception = CuratorReception(
        assignment=assignment,
        date=data["date"],
        place=(data.get("place") or "").strip(),
        people=people,
        questions=(data.get("questions") or "").strip(),
        follow_up=(data.get("follow_up") or "").strip(),
    )
    return _save_work(actor, assignment, reception)


@transaction.atomic
def control_case_take(
    *,
    actor: User,
    assignment: CuratorAssignment,
    data: ControlCaseData,
    child: Child | None = None,
    family: Family | None = None,
) -> PersonalControlCase:
    """Take a case «на личный контроль»: the child (and its route) or the family of the register, or a
    description when they are not there."""
    require(actor, Perm.PROGRAMMES_EDIT, assignment)
    taken_on = _past(data.get("taken_on"), "taken_on", "дату")
    description = (data.get("description") or "").strip()
    if child is None and family is None and not description:
        raise ValidationError({"description": "Укажите ребёнка или семью из реестра либо опишите случай."})
    if not (data.get("reason") or "").strip():
        raise ValidationError({"reason": "Укажите, почему случай взят на личный контроль."})
    _check_register(actor, assignment, child=child, family=family)
    if child is not None and family is None:
        family = child.family
    control = PersonalControlCase(
        assignment=assignment,
        child=child,
        family=family,
        description=description,
        reason=data["reason"].strip(),
        taken_on=taken_on,
    )
    return _save_work(actor, assignment, control)


@transaction.atomic
def control_case_close(
    *, actor: User, control: PersonalControlCase, closed_on: dt.date, outcome: str, outcome_note: str
) -> PersonalControlCase:
    require(actor, Perm.PROGRAMMES_EDIT, control.assignment)
    if control.closed_on is not None:
        raise ValidationError("Случай уже снят с контроля.")
    _past(closed_on, "closed_on", "дату снятия с контроля")
    if closed_on < control.taken_on:
        raise ValidationError({"closed_on": "Снять с контроля раньше, чем взяли, нельзя."})
    if outcome not in ControlOutcome.values:
        raise ValidationError({"outcome": "Выберите итог."})
    control.closed_on, control.outcome = closed_on, outcome
    control.outcome_note, control.updated_by = (outcome_note or "").strip(), actor
    control.version += 1
    control.full_clean()
    control.save()
    audit_entry_create(
        actor=actor,
        action=AuditAction.STATUS_CHANGE,
        target=control,
        subject_id=control.assignment.subject_id,
        details={"outcome": outcome},
    )
    return control


@transaction.atomic
def publication_add(
    *, actor: User, partner: InformationPartner, date: dt.date, title: str, url: str = ""
) -> Publication:
    if date > timezone.localdate():
        raise ValidationError({"date": "Дата публикации не может быть в будущем."})
    return _save(
        actor, Publication(partner=partner, date=date, title=title.strip(), url=url), perm_target=partner
    )


@transaction.atomic
def strategic_session_add(
    *, actor: User, subject: Subject, date: dt.date, participants: int, outcomes: str
) -> StrategicSession:
    if date > timezone.localdate():
        raise ValidationError({"date": "Итоги вносятся после сессии: дата не может быть в будущем."})
    return _save(
        actor, StrategicSession(subject=subject, date=date, participants=participants, outcomes=outcomes)
    )


@transaction.atomic
def inspection_add(
    *,
    actor: User,
    subject: Subject,
    data: InspectionData,
    organizations: Iterable[Organization],
    actions: list[dict[str, Any]],
) -> Inspection:
    if any(organization.subject_id != subject.pk for organization in organizations):
        raise ValidationError({"organizations": "Проверенные организации — из этого субъекта РФ."})
    inspection = _save(actor, Inspection(subject=subject, **given(data, INSPECTION_FIELDS)))
    inspection.organizations.set(organizations)
    for action in actions:
        action_item_create(actor=actor, origin=inspection, subject=subject, **action)
    return inspection


@transaction.atomic
def institution_plan_save(
    *,
    actor: User,
    organization: Organization,
    family_work_positions: int,
    target_profile: str,
    milestones: list[dict[str, Any]],
) -> InstitutionPlan:
    if organization.kind != "orphan_institution":
        raise ValidationError({"organization": "План трансформации — для организаций для детей-сирот."})
    plan = InstitutionPlan.objects.filter(organization=organization).first() or InstitutionPlan(
        organization=organization, subject=organization.subject
    )
    plan.family_work_positions, plan.target_profile = family_work_positions, target_profile
    _save(actor, plan)
    for data in milestones:
        milestone = Milestone(plan=plan, **data)
        milestone.full_clean()
        milestone.save()
    return plan


@transaction.atomic
def milestone_done(*, actor: User, milestone: Milestone, done_on: dt.date) -> Milestone:
    require(actor, Perm.PROGRAMMES_EDIT, milestone.plan)
    if done_on > timezone.localdate():
        raise ValidationError({"done_on": "Дата не может быть в будущем."})
    milestone.done_on = done_on
    milestone.save(update_fields=["done_on"])
    audit_entry_create(
        actor=actor,
        action=AuditAction.STATUS_CHANGE,
        target=milestone.plan,
        subject_id=milestone.plan.subject_id,
        details={"milestone": milestone.title, "done_on": str(done_on)},
    )
    return milestone
