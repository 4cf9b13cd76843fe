"""Every write of family support: checked by the policy, validated, audited; the family's timeline
records the case's milestones."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import models, transaction
from django.urls import reverse
from django.utils import timezone

from vyzov.accounts.access import Perm, require
from vyzov.accounts.models import User
from vyzov.cases.models import Family
from vyzov.cases.services import family_event_add
from vyzov.core import signals
from vyzov.core.inputs import given
from vyzov.core.models import AuditAction
from vyzov.core.services import audit_entry_create
from vyzov.core.uploads import check_upload
from vyzov.territories.models import Subject

from . import selectors
from .inputs import (
    ASSESSMENT_FIELDS,
    CASE_FIELDS,
    CLUB_SESSION_FIELDS,
    CONTACT_FIELDS,
    METHOD_EVENT_FIELDS,
    SPECIALIST_FIELDS,
    STEP_FIELDS,
    SUPERVISION_FIELDS,
    AssessmentData,
    CaseData,
    ClubSessionData,
    ContactData,
    MethodEventData,
    SpecialistData,
    StepData,
    SupervisionData,
)
from .models import (
    SUPERVISION_CENTRE,
    Assessment,
    CaseStatus,
    ChildOutcome,
    ChildOutcomeKind,
    Club,
    ClubSession,
    Contact,
    FamilyCase,
    MethodDocument,
    MethodEvent,
    PlanStep,
    Service,
    ServiceLevel,
    Specialist,
    StepStatus,
    SupervisionSession,
    Transfer,
)

LIBRARY_TYPES = {".pdf": b"%PDF", ".docx": b"PK\x03\x04", ".xlsx": b"PK\x03\x04", ".pptx": b"PK\x03\x04"}


def _not_future(day: dt.date, field: str) -> None:
    if day > timezone.localdate():
        raise ValidationError({field: "Дата не может быть в будущем."})


def _own_specialist(service: Service, specialist: Specialist, field: str) -> None:
    if specialist.service_id != service.pk or not specialist.is_active:
        raise ValidationError({field: "Специалист должен работать в этой службе."})


def _audit(actor: User, action: str, target: models.Model, **details: Any) -> None:
    audit_entry_create(actor=actor, action=action, target=target, details=details)


@transaction.atomic
def case_open(
    *, actor: User, service: Service, family: Family, specialist: Specialist, data: CaseData
) -> FamilyCase:
    case = FamilyCase(service=service, family=family, specialist=specialist, **given(data, CASE_FIELDS))
    require(actor, Perm.SUPPORT_MANAGE, case)
    if not selectors.service_families(service=service).filter(pk=family.pk).exists():
        raise ValidationError({"family": "Семья с таким номером не найдена на территории службы."})
    _own_specialist(service, specialist, "specialist")
    if case.intake_date:
        _not_future(case.intake_date, "intake_date")
    if FamilyCase.objects.filter(service=service, family=family, status=CaseStatus.OPEN).exists():
        raise ValidationError("Семья уже на сопровождении этой службы.")
    case.full_clean()
    case.created_by = case.updated_by = actor
    case.save()
    _audit(actor, AuditAction.CREATE, case)
    family_event_add(
        actor=actor,
        family=family,
        date=case.intake_date,
        title=f"Принята на сопровождение: {service} ({case.get_referral_display()})",
    )
    return case


def _editable(case: FamilyCase) -> None:
    if case.status != CaseStatus.OPEN:
        raise ValidationError("Сопровождение закрыто: сначала откройте его снова.")


@transaction.atomic
def assessment_add(*, actor: User, case: FamilyCase, data: AssessmentData) -> Assessment:
    require(actor, Perm.SUPPORT_MANAGE, case)
    _editable(case)
    assessment = Assessment(case=case, **given(data, ASSESSMENT_FIELDS))
    if assessment.date and assessment.date < case.intake_date:
        raise ValidationError({"date": "Оценка раньше даты приёма."})
    _not_future(assessment.date, "date")
    assessment.full_clean()
    assessment.created_by = assessment.updated_by = actor
    assessment.save()
    FamilyCase.objects.filter(pk=case.pk).update(risk_level=assessment.risk_level)
    _audit(actor, AuditAction.CREATE, assessment, risk=assessment.risk_level)
    return assessment


@transaction.atomic
def step_add(*, actor: User, case: FamilyCase, data: StepData) -> PlanStep:
    require(actor, Perm.SUPPORT_MANAGE, case)
    _editable(case)
    responsible = data.get("responsible")
    if not responsible:
        raise ValidationError({"responsible": "У шага должен быть ответственный."})
    _own_specialist(case.service, responsible, "responsible")
    step = PlanStep(case=case, **given(data, STEP_FIELDS))
    if step.due_date and step.due_date < case.intake_date:
        raise ValidationError({"due_date": "Срок шага раньше даты приёма."})
    step.full_clean()
    step.created_by = step.updated_by = actor
    step.save()
    _audit(actor, AuditAction.CREATE, step)
    return step


@transaction.atomic
def step_done(*, actor: User, step: PlanStep, done_on: dt.date) -> PlanStep:
    require(actor, Perm.SUPPORT_MANAGE, step.case)
    _not_future(done_on, "done_on")
    if done_on < step.case.intake_date:
        raise ValidationError({"done_on": "Дата раньше приёма семьи."})
    step.status, step.done_on, step.updated_by = StepStatus.DONE, done_on, actor
    step.save()
    _audit(actor, AuditAction.STATUS_CHANGE, step, status="done")
    return step


@transaction.atomic
def contact_add(*, actor: User, case: FamilyCase, data: ContactData) -> Contact:
    require(actor, Perm.SUPPORT_MANAGE, case)
    _editable(case)
    contact = Contact(case=case, **given(data, CONTACT_FIELDS))
    _own_specialist(case.service, contact.specialist, "specialist")
    _not_future(contact.date, "date")
    if contact.date < case.intake_date:
        raise ValidationError({"date": "Запись раньше даты приёма."})
    if contact.aid_request is not None and contact.aid_request.family_id != case.family_id:
        raise ValidationError({"aid_request": "Заявка на помощь — другой семьи."})
    contact.full_clean()
    contact.created_by = contact.updated_by = actor
    contact.save()
    _audit(actor, AuditAction.CREATE, contact)
    return contact


@transaction.atomic
def review_set(*, actor: User, case: FamilyCase, next_review_date: dt.date) -> FamilyCase:
    require(actor, Perm.SUPPORT_MANAGE, case)
    _editable(case)
    if next_review_date < case.intake_date:
        raise ValidationError({"next_review_date": "Дата пересмотра раньше даты приёма."})
    case.next_review_date, case.updated_by = next_review_date, actor
    case.save(update_fields=["next_review_date", "updated_by", "updated_at"])
    _audit(actor, AuditAction.UPDATE, case, next_review_date=str(next_review_date))
    return case


@transaction.atomic
def case_transfer(*, actor: User, case: FamilyCase, to_specialist: Specialist, reason: str) -> FamilyCase:
    """Hand the case to another specialist (possibly of another service of the region). Access goes
    with the case: the previous service no longer sees it."""
    require(actor, Perm.SUPPORT_MANAGE, case)
    _editable(case)
    if not (reason or "").strip():
        raise ValidationError({"reason": "Укажите причину передачи."})
    if not to_specialist.is_active:
        raise ValidationError({"to_specialist": "Специалист не работает."})
    if to_specialist.service.organization.subject_id != case.service.organization.subject_id:
        raise ValidationError({"to_specialist": "Передать можно только специалисту службы своего региона."})
    if to_specialist.pk == case.specialist_id:
        raise ValidationError({"to_specialist": "Сопровождение уже ведёт этот специалист."})
    Transfer.objects.create(
        case=case,
        from_specialist=case.specialist,
        to_specialist=to_specialist,
        reason=reason.strip(),
        transferred_by=actor,
    )
    previous = case.specialist
    case.specialist, case.service, case.updated_by = to_specialist, to_specialist.service, actor
    case.save()
    _audit(
        actor,
        AuditAction.UPDATE,
        case,
        transferred_from=previous.pk,
        transferred_to=to_specialist.pk,
        reason=reason.strip()[:300],
    )
    family_event_add(
        actor=actor,
        family=case.family,
        date=timezone.localdate(),
        title=f"Сопровождение передано: {to_specialist.service}",
    )
    signals.announce(
        signals.work_assigned,
        sender=FamilyCase,
        actor=actor,
        recipients=[to_specialist.user],
        title=f"Вам передано сопровождение семьи (случай № {case.pk})",
        url=reverse("support:case_detail", args=[case.pk]),
    )
    return case


@transaction.atomic
def case_close(*, actor: User, case: FamilyCase, outcome: str, closed_on: dt.date) -> FamilyCase:
    require(actor, Perm.SUPPORT_MANAGE, case)
    _editable(case)
    _not_future(closed_on, "closed_on")
    if closed_on < case.intake_date:
        raise ValidationError({"closed_on": "Дата закрытия раньше даты приёма."})
    case.status, case.outcome, case.closed_on, case.updated_by = CaseStatus.CLOSED, outcome, closed_on, actor
    case.full_clean()
    case.save()
    _audit(actor, AuditAction.STATUS_CHANGE, case, status="closed", outcome=outcome)
    family_event_add(
        actor=actor,
        family=case.family,
        date=closed_on,
        title=f"Сопровождение закрыто: {case.get_outcome_display()}",
    )
    return case


@transaction.atomic
def case_reopen(*, actor: User, case: FamilyCase, reason: str) -> FamilyCase:
    require(actor, Perm.SUPPORT_MANAGE, case)
    if case.status != CaseStatus.CLOSED:
        raise ValidationError("Сопровождение не закрыто.")
    if not (reason or "").strip():
        raise ValidationError({"reason": "Укажите причину."})
    previous = case.outcome
    case.status, case.outcome, case.closed_on, case.updated_by = CaseStatus.OPEN, "", None, actor
    case.save()
    _audit(
        actor,
        AuditAction.STATUS_CHANGE,
        case,
        status="reopened",
        previous_outcome=previous,
        reason=reason.strip()[:300],
    )
    family_event_add(
        actor=actor,
        family=case.family,
        date=timezone.localdate(),
        title=f"Сопровождение возобновлено: {reason.strip()[:200]}",
    )
    return case


# ---- service structure and staff ----------------------------------------------------------------


@transaction.atomic
def service_structure_set(
    *, actor: User, service: Service, kind: str, level: str, coordinator: Service | None
) -> Service:
    """The unit's kind, its level and the regional service that coordinates it (002, п. 5). Set by whoever
    manages the region's organisations and its family support (the curator, the federal administrator),
    never by a service about itself."""
    require(actor, Perm.ORGANIZATIONS_MANAGE, service)
    require(actor, Perm.SUPPORT_MANAGE, service)
    if coordinator is not None:
        require(actor, Perm.SUPPORT_VIEW, coordinator)
    if (level != ServiceLevel.REGIONAL or kind != service.kind) and service.coordinated.exists():
        raise ValidationError(
            {"level": "Служба координирует другие службы: сначала передайте их другой региональной службе."}
        )
    previous = {"kind": service.kind, "level": service.level, "coordinator": service.coordinator_id}
    service.kind, service.level, service.coordinator = kind, level, coordinator
    service.full_clean()
    service.updated_by = actor
    service.save()
    _audit(
        actor,
        AuditAction.UPDATE,
        service,
        previous=previous,
        kind=kind,
        level=level,
        coordinator=coordinator.pk if coordinator else None,
    )
    return service


def _check_specialist(specialist: Specialist) -> None:
    if specialist.supervisor_trained_on and not specialist.supervisor_trained_by.strip():
        specialist.supervisor_trained_by = SUPERVISION_CENTRE
    for field in ("club_course_on", "supervisor_trained_on"):
        day = getattr(specialist, field)
        if day is not None:
            _not_future(day, field)
    specialist.full_clean()


@transaction.atomic
def specialist_add(*, actor: User, service: Service, data: SpecialistData) -> Specialist:
    """A member of the service's staff: name, position, specialisation and the qualifications 002 asks of
    club leaders and supervisors."""
    specialist = Specialist(service=service, **given(data, SPECIALIST_FIELDS))
    require(actor, Perm.SUPPORT_MANAGE, specialist)
    _check_specialist(specialist)
    specialist.created_by = specialist.updated_by = actor
    specialist.save()
    _audit(actor, AuditAction.CREATE, specialist, kind=specialist.kind)
    return specialist


@transaction.atomic
def specialist_update(*, actor: User, specialist: Specialist, data: SpecialistData) -> Specialist:
    require(actor, Perm.SUPPORT_MANAGE, specialist)
    changed = {}
    for name, value in given(data, SPECIALIST_FIELDS).items():
        if getattr(specialist, name) != value:
            changed[name] = str(value)[:200]
            setattr(specialist, name, value)
    if specialist.is_active is False:
        if FamilyCase.objects.filter(specialist=specialist, status=CaseStatus.OPEN).exists():
            raise ValidationError(
                {"is_active": "У специалиста есть открытые сопровождения: сначала передайте их."}
            )
        if Club.objects.filter(leader=specialist).exists():
            raise ValidationError(
                {"is_active": "Специалист ведёт клуб: сначала назначьте клубу другого лидера."}
            )
    if Club.objects.filter(leader=specialist).exists():
        _club_leader_check(specialist, specialist.service)
    _check_specialist(specialist)
    specialist.updated_by = actor
    specialist.save()
    _audit(actor, AuditAction.UPDATE, specialist, changed=sorted(changed))
    return specialist


def _club_leader_check(leader: Specialist, service: Service) -> None:
    if leader.service_id != service.pk or not leader.is_active:
        raise ValidationError({"leader": "Лидер клуба — специалист этой службы."})
    if not leader.qualified_club_leader:
        raise ValidationError(
            {
                "leader": "Лидер клуба — психолог с профильным образованием, прошедший курсы повышения "
                "квалификации (002): отметьте это в карточке специалиста."
            }
        )


# ---- children's outcomes ------------------------------------------------------------------------


@transaction.atomic
def child_outcomes_record(
    *, actor: User, case: FamilyCase, date: dt.date, outcomes: dict[int, str]
) -> list[ChildOutcome]:
    """Record what became of each child of the family (numbered 1…children_count); an empty value removes
    the child's outcome. Counted in children in the report, as the brochure counts."""
    require(actor, Perm.SUPPORT_MANAGE, case)
    _not_future(date, "date")
    if date < case.intake_date:
        raise ValidationError({"date": "Дата раньше приёма семьи."})
    valid = set(ChildOutcomeKind.values)
    for number, outcome in outcomes.items():
        if not 1 <= number <= case.children_count:
            raise ValidationError(f"В семье {case.children_count} детей: ребёнка № {number} нет.")
        if outcome and outcome not in valid:
            raise ValidationError(f"Неизвестный итог для ребёнка № {number}.")
    if not any(outcomes.values()):
        raise ValidationError("Отметьте итог хотя бы для одного ребёнка.")
    existing = {row.number: row for row in ChildOutcome.objects.select_for_update().filter(case=case)}
    saved = []
    for number, outcome in sorted(outcomes.items()):
        row = existing.get(number)
        if not outcome:
            if row is not None:
                row.delete()
            continue
        if row is None:
            row = ChildOutcome(case=case, number=number, created_by=actor)
        elif row.outcome == outcome and row.date == date:
            saved.append(row)
            continue
        row.outcome, row.date, row.updated_by = outcome, date, actor
        row.full_clean()
        row.save()
        saved.append(row)
    _audit(
        actor,
        AuditAction.UPDATE,
        case,
        child_outcomes={str(number): outcome for number, outcome in sorted(outcomes.items())},
        date=date.isoformat(),
    )
    return saved


# ---- clubs and supervision -----------------------------------------------------------------------


@transaction.atomic
def club_create(
    *, actor: User, service: Service, title: str, families: list[Family], leader: Specialist | None = None
) -> Club:
    club = Club(service=service, title=title.strip(), leader=leader)
    require(actor, Perm.SUPPORT_MANAGE, club)
    if leader is not None:
        _club_leader_check(leader, service)
    if any(family.subject_id != service.organization.subject_id for family in families):
        raise ValidationError({"families": "Семьи — только из региона службы."})
    club.full_clean()
    club.created_by = club.updated_by = actor
    club.save()
    club.families.set(families)
    _audit(actor, AuditAction.CREATE, club, families=len(families))
    return club


@transaction.atomic
def club_leader_set(*, actor: User, club: Club, leader: Specialist) -> Club:
    require(actor, Perm.SUPPORT_MANAGE, club)
    _club_leader_check(leader, club.service)
    previous = club.leader_id
    club.leader, club.updated_by = leader, actor
    club.save(update_fields=["leader", "updated_by", "updated_at"])
    _audit(actor, AuditAction.UPDATE, club, leader=leader.pk, previous_leader=previous)
    return club


@transaction.atomic
def club_session_add(*, actor: User, club: Club, data: ClubSessionData) -> ClubSession:
    require(actor, Perm.SUPPORT_MANAGE, club)
    session = ClubSession(club=club, **given(data, CLUB_SESSION_FIELDS))
    _not_future(session.date, "date")
    members = club.families.count()
    if session.families_attended > members:
        raise ValidationError({"families_attended": f"Пришло больше семей, чем в клубе ({members})."})
    session.full_clean()
    session.created_by = session.updated_by = actor
    session.save()
    _audit(actor, AuditAction.CREATE, session)
    return session


@transaction.atomic
def supervision_add(
    *,
    actor: User,
    service: Service,
    data: SupervisionData,
    participants: list[Specialist],
    cases: list[FamilyCase],
) -> SupervisionSession:
    session = SupervisionSession(service=service, **given(data, SUPERVISION_FIELDS))
    require(actor, Perm.SUPPORT_MANAGE, session)
    _not_future(session.date, "date")
    if not participants:
        raise ValidationError({"participants": "Отметьте участников."})
    if any(specialist.service_id != service.pk for specialist in participants):
        raise ValidationError({"participants": "Участники — специалисты этой службы."})
    if any(case.service_id != service.pk for case in cases):
        raise ValidationError({"cases": "Разбираются только случаи этой службы."})
    session.hours = Decimal(str(session.hours))
    session.full_clean()
    session.created_by = session.updated_by = actor
    session.save()
    session.participants.set(participants)
    session.cases.set(cases)
    _audit(actor, AuditAction.CREATE, session, participants=len(participants), cases=len(cases))
    return session


# ---- resource-methodical centre ----------------------------------------------------------------


@transaction.atomic
def method_event_add(*, actor: User, data: MethodEventData) -> MethodEvent:
    event = MethodEvent(**given(data, METHOD_EVENT_FIELDS))
    require(actor, Perm.SUPPORT_MANAGE, event)
    if event.organization.kind != "resource_centre":
        raise ValidationError({"organization": "Мероприятия проводит ресурсно-методический центр."})
    event.full_clean()
    event.created_by = event.updated_by = actor
    event.save()
    _audit(actor, AuditAction.CREATE, event)
    return event


@transaction.atomic
def method_document_add(
    *, actor: User, subject: Subject, title: str, description: str, uploaded: UploadedFile[Any]
) -> MethodDocument:
    document = MethodDocument(subject=subject, title=title.strip(), description=description.strip())
    require(actor, Perm.SUPPORT_MANAGE, document)
    suffix = check_upload(uploaded, allowed=LIBRARY_TYPES, max_bytes=25 * 1024 * 1024)
    document.full_clean(exclude=["file"])  # every other field first: a refused document stores no file
    document.file.save(f"document{suffix}", uploaded, save=False)
    document.full_clean()
    document.created_by = document.updated_by = actor
    document.save()
    _audit(actor, AuditAction.CREATE, document)
    return document
