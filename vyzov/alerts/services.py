"""Writes of signals: register, assign the check, record the check's outcome. Each checks the policy
and writes the audit row; a refusal leaves nothing written."""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from vyzov.accounts.access import Perm, allows, require
from vyzov.accounts.models import User
from vyzov.cases import services as case_services
from vyzov.cases.models import Child, Family
from vyzov.consilium import services as consilium_services
from vyzov.core.inputs import given
from vyzov.core.models import AuditAction
from vyzov.core.services import audit_entry_create
from vyzov.support.models import FamilyCase
from vyzov.territories.models import Municipality, Organization

from .inputs import REGISTER_FIELDS, AlertData
from .models import FAMILY_OUTCOMES, Alert, AlertOutcome, AlertStatus


def _check_people(actor: User, alert: Alert, family: Family | None, child: Child | None) -> None:
    """The family and the child the signal is about: in the actor's register and the signal's subject."""
    for field, record in (("family", family), ("child", child)):
        if record is None:
            continue
        if not allows(actor, Perm.CASES_VIEW, record):
            raise ValidationError({field: "Запись реестра с таким номером не найдена."})
        if record.subject_id != alert.subject_id:
            raise ValidationError({field: "Запись реестра — из другого субъекта РФ, чем сигнал."})


@transaction.atomic
def alert_register(
    *,
    actor: User,
    municipality: Municipality,
    data: AlertData,
    family: Family | None = None,
    child: Child | None = None,
) -> Alert:
    """Register a signal: who reported, when, what; the family or child if the register knows them,
    otherwise a description of whom it concerns."""
    values = given(data, REGISTER_FIELDS)
    alert = Alert(
        subject_id=municipality.subject_id,
        municipality=municipality,
        family=family,
        child=child,
        **{field: values.get(field, "") for field in REGISTER_FIELDS},
    )
    require(actor, Perm.CASES_EDIT, alert)
    received_on = alert.received_on
    if not isinstance(received_on, dt.date):
        raise ValidationError({"received_on": "Укажите дату поступления сигнала."})
    if received_on > timezone.localdate():
        raise ValidationError({"received_on": "Дата поступления сигнала не может быть в будущем."})
    alert.content = (alert.content or "").strip()
    alert.person_description = (alert.person_description or "").strip()
    if not alert.content:
        raise ValidationError({"content": "Опишите, что сообщили."})
    if family is None and child is None and not alert.person_description:
        raise ValidationError(
            {"person_description": "Укажите семью или ребёнка из реестра либо опишите, о ком сигнал."}
        )
    _check_people(actor, alert, family, child)
    alert.created_by = alert.updated_by = actor
    alert.full_clean()
    alert.save()
    audit_entry_create(actor=actor, action=AuditAction.CREATE, target=alert)
    return alert


@transaction.atomic
def alert_check_assign(
    *,
    actor: User,
    alert: Alert,
    organization: Organization,
    deadline: dt.date,
    executor: User | None = None,
) -> Alert:
    """Assign the check: an action item (the system's one assignment) with its organisation, person and
    deadline. The item's origin is the signal."""
    require(actor, Perm.CASES_EDIT, alert)
    if alert.status == AlertStatus.CLOSED:
        raise ValidationError("Проверка сигнала уже завершена.")
    if alert.check_item_id is not None:
        raise ValidationError("Проверка сигнала уже назначена.")
    item = consilium_services.action_item_create(
        actor=actor,
        origin=alert,
        subject=alert.subject,
        municipality=alert.municipality,
        what=(
            f"Проверить сигнал № {alert.pk} от {alert.received_on:%d.%m.%Y} "
            f"(источник: {alert.get_source_display()}) и внести итог проверки."
        ),
        organization=organization,
        deadline=deadline,
        executor=executor,
    )
    alert.check_item = item
    alert.status = AlertStatus.CHECKING
    alert.updated_by = actor
    alert.version += 1
    alert.save()
    audit_entry_create(
        actor=actor, action=AuditAction.STATUS_CHANGE, target=alert, details={"status": AlertStatus.CHECKING}
    )
    return alert


def can_record_check(actor: User, alert: Alert) -> bool:
    """The responsible person of the check, or whoever may edit the register of the signal's territory."""
    if alert.status != AlertStatus.CHECKING:
        return False
    item = alert.check_item
    return (item is not None and item.executor_id == actor.pk) or allows(actor, Perm.CASES_EDIT, alert)


@transaction.atomic
def alert_check_complete(
    *,
    actor: User,
    alert: Alert,
    outcome: str,
    outcome_note: str,
    checked_on: dt.date,
    family: Family | None = None,
    family_case: FamilyCase | None = None,
    status_basis: str = "",
) -> Alert:
    """Record the check's outcome. A confirmed signal about a family of the register may put it on the
    СОП/ТЖС record (with the basis) or point to the support case opened for it; the check's action item
    is closed with the outcome."""
    if alert.status == AlertStatus.REGISTERED:
        raise ValidationError("Сначала назначьте проверку сигнала.")
    if alert.status == AlertStatus.CLOSED:
        raise ValidationError("Проверка сигнала уже завершена.")
    if not can_record_check(actor, alert):
        require(actor, Perm.CASES_EDIT, alert)
    if outcome not in AlertOutcome.values:
        raise ValidationError({"outcome": "Выберите итог проверки."})
    outcome_note = (outcome_note or "").strip()
    if not outcome_note:
        raise ValidationError({"outcome_note": "Опишите результат проверки."})
    if checked_on > timezone.localdate():
        raise ValidationError({"checked_on": "Дата завершения проверки не может быть в будущем."})
    if checked_on < alert.received_on:
        raise ValidationError({"checked_on": "Проверка не может завершиться раньше поступления сигнала."})
    if family is not None and family.pk != alert.family_id:
        if alert.family_id is not None:
            raise ValidationError({"family": "Сигнал уже связан с другой семьёй."})
        _check_people(actor, alert, family, None)
        alert.family = family
    if outcome in FAMILY_OUTCOMES and alert.family is None:
        raise ValidationError({"family": "Для этого итога укажите семью из реестра."})
    if outcome in (AlertOutcome.SOP, AlertOutcome.TZHS):
        if not (status_basis or "").strip():
            raise ValidationError({"status_basis": "Укажите основание постановки на учёт."})
        assert alert.family is not None
        if not allows(actor, Perm.CASES_EDIT, alert.family):
            raise ValidationError(
                {"outcome": "Поставить семью на учёт может специалист, ведущий реестр семьи."}
            )
        case_services.family_status_add(
            actor=actor,
            family=alert.family,
            data={"kind": outcome, "start_date": checked_on, "basis": status_basis.strip()},
        )
    if outcome == AlertOutcome.SUPPORT:
        if family_case is None:
            raise ValidationError({"family_case": "Укажите сопровождение, открытое семье."})
        if family_case.family_id != alert.family_id:
            raise ValidationError({"family_case": "Это сопровождение другой семьи."})
        alert.family_case = family_case
    elif family_case is not None:
        raise ValidationError(
            {"family_case": "Сопровождение указывается только при итоге «открыто сопровождение»."}
        )
    alert.outcome, alert.outcome_note, alert.checked_on = outcome, outcome_note, checked_on
    alert.status = AlertStatus.CLOSED
    alert.updated_by = actor
    alert.version += 1
    alert.full_clean()
    alert.save()
    if alert.check_item is not None:
        consilium_services.action_item_close_for_origin(
            actor=actor,
            item=alert.check_item,
            result=f"Итог проверки сигнала: {alert.get_outcome_display()}.",
        )
    audit_entry_create(
        actor=actor,
        action=AuditAction.STATUS_CHANGE,
        target=alert,
        details={"status": AlertStatus.CLOSED, "outcome": outcome},
    )
    return alert
