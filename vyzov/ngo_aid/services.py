"""Every write of targeted aid. Money is Decimal; approvals reserve money under a row lock on the fund,
so the sum of approvals never exceeds the fund's incomes, even with concurrent approvals."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Sum
from django.urls import reverse
from django.utils import timezone

from vyzov.accounts.access import ActionNotAllowed, NotInScope, Perm, allows, require
from vyzov.accounts.models import User
from vyzov.cases.models import Child, Family
from vyzov.cases.services import family_event_add
from vyzov.core import signals
from vyzov.core.inputs import given
from vyzov.core.models import AuditAction
from vyzov.core.numbers import format_rub
from vyzov.core.services import audit_entry_create, changed_fields, field_values, save_with_version

from . import eligibility, selectors
from .inputs import (
    APPOINTMENT_FIELDS,
    INCOME_FIELDS,
    REQUEST_FIELDS,
    AidRequestData,
    AidRequestLineData,
    IncomeData,
    OperatorAppointmentData,
)
from .models import (
    COMMITTED_STATUSES,
    MAX_AMOUNT,
    AidForm,
    AidRequest,
    AidRequestLine,
    Fund,
    FundIncome,
    Operator,
    Payment,
    RequestStatus,
)


def _money(value: object) -> Decimal:
    try:
        amount = Decimal(str(value)).quantize(Decimal("0.01"))
    except Exception:
        raise ValidationError("Сумма — число рублей с копейками.") from None
    if not amount.is_finite():
        raise ValidationError("Сумма — число рублей с копейками.")
    return amount


def fund_available(fund: Fund) -> Decimal:
    """Incomes minus the money reserved by approvals (approved, paid or reported requests)."""
    incomes = fund.incomes.aggregate(total=Sum("amount"))["total"] or Decimal(0)
    committed = AidRequest.objects.filter(operator=fund.operator_id, status__in=COMMITTED_STATUSES).aggregate(
        total=Sum("approved_amount")
    )["total"] or Decimal(0)
    return (incomes - committed).quantize(Decimal("0.01"))


def _state_change(
    *, actor: User, request: AidRequest, status: str, title: str, details: dict[str, Any] | None = None
) -> None:
    audit_entry_create(
        actor=actor,
        action=AuditAction.STATUS_CHANGE,
        target=request,
        details={"status": status, **(details or {})},
    )
    family_event_add(
        actor=actor,
        family=request.family,
        date=timezone.localdate(),
        title=f"Адресная помощь, заявка № {request.pk}: {title}",
        details={"request": request.pk},
    )


@transaction.atomic
def operator_appointment_record(
    *, actor: User, operator: Operator, data: OperatorAppointmentData
) -> Operator:
    """Record the operator's appointment: the date, which of 004's criteria of the choice it meets, the
    reasoning, and its roles. Recorded by whoever manages the region's organisations (never by the
    operator itself)."""
    require(actor, Perm.ORGANIZATIONS_MANAGE, operator)
    for name, value in given(data, APPOINTMENT_FIELDS).items():
        setattr(operator, name, value)
    if operator.appointed_on is None:
        raise ValidationError({"appointed_on": "Укажите дату назначения оператора."})
    if operator.appointed_on > timezone.localdate():
        raise ValidationError({"appointed_on": "Дата назначения не может быть в будущем."})
    if not any(getattr(operator, name) for name in Operator.ROLES):
        raise ValidationError("Отметьте хотя бы одну роль оператора.")
    operator.selection_note = (operator.selection_note or "").strip()
    operator.full_clean()
    operator.updated_by = actor
    operator.version += 1
    operator.save()
    audit_entry_create(
        actor=actor,
        action=AuditAction.UPDATE,
        target=operator,
        details={
            "appointed_on": operator.appointed_on.isoformat(),
            "criteria": [name for name in Operator.CRITERIA if getattr(operator, name)],
            "roles": [name for name in Operator.ROLES if getattr(operator, name)],
        },
    )
    return operator


@transaction.atomic
def income_add(*, actor: User, fund: Fund, data: IncomeData) -> FundIncome:
    require(actor, Perm.NGO_AID_EDIT, fund)
    income = FundIncome(fund=fund, **given(data, INCOME_FIELDS))
    if income.received_on and income.received_on > timezone.localdate():
        raise ValidationError({"received_on": "Дата поступления не может быть в будущем."})
    income.full_clean()
    income.created_by = income.updated_by = actor
    income.save()
    audit_entry_create(
        actor=actor,
        action=AuditAction.CREATE,
        target=income,
        details={"amount": str(income.amount), "source": income.source},
    )
    return income


def _lines(lines: list[AidRequestLineData]) -> list[AidRequestLine]:
    if not lines:
        raise ValidationError("Укажите хотя бы одну форму помощи.")
    built: list[AidRequestLine] = []
    seen: set[int] = set()
    for line in lines:
        form = line.get("form")
        if not isinstance(form, AidForm) or not form.is_active:
            raise ValidationError("Неизвестная форма помощи.")
        if form.pk in seen:
            raise ValidationError(f"Форма помощи «{form}» указана дважды.")
        seen.add(form.pk)
        raw_amount = line.get("amount")
        amount = _money(raw_amount) if raw_amount not in (None, "") else None
        if amount is not None and amount <= 0:
            raise ValidationError(f"«{form}»: сумма должна быть больше нуля.")
        if amount is not None and amount > MAX_AMOUNT:
            raise ValidationError(f"«{form}»: сумма больше {format_rub(MAX_AMOUNT)} — проверьте число.")
        built.append(AidRequestLine(form=form, amount=amount, in_kind=(line.get("in_kind") or "").strip()))
    for built_line in built:
        built_line.clean()
    return built


@transaction.atomic
def aid_request_create(
    *,
    actor: User,
    operator: Operator,
    family: Family,
    data: AidRequestData,
    lines: list[AidRequestLineData],
    children: list[Child] | None = None,
) -> AidRequest:
    """A request by the operator, or a referral by a curator, a service or a guardianship body."""
    request = AidRequest(
        operator=operator, subject=operator.subject, family=family, **given(data, REQUEST_FIELDS)
    )
    if family.subject_id != operator.subject_id:
        raise ValidationError({"family": "Семья из другого региона: обратитесь к НКО-оператору её региона."})
    if not allows(actor, Perm.NGO_AID_EDIT, request):
        require(actor, Perm.NGO_AID_REFER, family)  # a referral: the referrer must work with this family
        request.referred_by = actor
    built = _lines(lines)
    children = children or []
    if any(child.family_id != family.pk for child in children):
        raise ValidationError({"children": "Указаны дети другой семьи."})
    request.full_clean(exclude=["family", "operator", "subject"])
    request.created_by = request.updated_by = actor
    request.save()
    for line in built:
        line.request = request
    AidRequestLine.objects.bulk_create(built)
    request.children.set(children)
    audit_entry_create(actor=actor, action=AuditAction.CREATE, target=request)
    family_event_add(
        actor=actor,
        family=family,
        date=timezone.localdate(),
        title=f"Адресная помощь: заявка № {request.pk} создана ({request.get_channel_display()})",
    )
    return request


@transaction.atomic
def aid_request_create_for_family(
    *, actor: User, family_id: Any, data: AidRequestData, lines: list[AidRequestLineData]
) -> AidRequest:
    """Creating a request from the page or the API: the family resolved through the policy (a family
    outside the actor's reach answers NotInScope, like a missing one) and the operator by the one rule
    (selectors.operator_for_family)."""
    if not selectors.request_creator(actor=actor):
        raise ActionNotAllowed("Вам не разрешено создавать заявки.")
    family = selectors.family_for_request(actor=actor, pk=family_id)
    if family is None:
        raise NotInScope()
    operator = selectors.operator_for_family(actor=actor, family=family)
    if operator is None:
        raise ValidationError({"family": "В регионе семьи нет НКО-оператора."})
    return aid_request_create(actor=actor, operator=operator, family=family, data=data, lines=lines)


def aid_request_can_prepare(actor: User, request: AidRequest) -> bool:
    """Who prepares a request (edits, submits, withdraws it): the operator's staff, or the specialist
    who referred the family."""
    return request.referred_by_id == actor.pk or allows(actor, Perm.NGO_AID_EDIT, request)


def _require_author(actor: User, request: AidRequest) -> None:
    if not aid_request_can_prepare(actor, request):
        require(actor, Perm.NGO_AID_EDIT, request)


EDITABLE_FIELDS = REQUEST_FIELDS  # the family stays: every field of the request may be changed


@transaction.atomic
def aid_request_update(
    *,
    actor: User,
    request: AidRequest,
    expected_version: int,
    data: AidRequestData,
    lines: list[AidRequestLineData],
    children: list[Child] | None = None,
) -> AidRequest:
    """Change a draft or a request returned for rework: the same fields as at creation (the family
    stays). A stale version is refused; the old eligibility check is cleared (it is redone on
    submission)."""
    _require_author(actor, request)
    request = AidRequest.objects.select_for_update().select_related("family").get(pk=request.pk)
    if not request.is_editable:
        raise ValidationError(f"Заявка {request.get_status_display()}: изменить её нельзя.")
    built = _lines(lines)
    if children is not None and any(child.family_id != request.family_id for child in children):
        raise ValidationError({"children": "Указаны дети другой семьи."})
    old_lines = sorted((line.form_id, str(line.amount), line.in_kind) for line in request.lines.all())
    new_lines = sorted((line.form_id, str(line.amount), line.in_kind) for line in built)
    original = field_values(request, EDITABLE_FIELDS)
    for name, value in given(data, EDITABLE_FIELDS).items():
        setattr(request, name, value)
    request.eligibility = {}
    save_with_version(
        request, actor=actor, expected_version=expected_version, fields=[*EDITABLE_FIELDS, "eligibility"]
    )
    request.lines.all().delete()
    for line in built:
        line.request = request
    AidRequestLine.objects.bulk_create(built)
    if children is not None:
        request.children.set(children)
    changes = sorted(changed_fields(request, original))
    if old_lines != new_lines:
        changes.append("lines")
    audit_entry_create(actor=actor, action=AuditAction.UPDATE, target=request, details={"fields": changes})
    family_event_add(
        actor=actor,
        family=request.family,
        date=timezone.localdate(),
        title=f"Адресная помощь, заявка № {request.pk}: изменена",
        details={"request": request.pk, "fields": changes},
    )
    return request


@transaction.atomic
def aid_request_withdraw(*, actor: User, request: AidRequest, reason: str = "") -> AidRequest:
    """Withdraw a draft or a returned request: it stays on record, is never submitted again and
    reserves no money."""
    _require_author(actor, request)
    request = AidRequest.objects.select_for_update().select_related("family").get(pk=request.pk)
    if not request.is_editable:
        raise ValidationError(f"Заявка {request.get_status_display()}: отозвать её нельзя.")
    reason = (reason or "").strip()
    request.status, request.updated_by = RequestStatus.WITHDRAWN, actor
    request.save(update_fields=["status", "updated_by", "updated_at"])
    _state_change(
        actor=actor,
        request=request,
        status=request.status,
        title="отозвана" + (f": {reason[:200]}" if reason else ""),
        details={"reason": reason[:500]} if reason else None,
    )
    return request


def aid_request_submit(
    *, actor: User, request: AidRequest, crisis_confirmed: bool, result_confirmed: bool, exception: str = ""
) -> AidRequest:
    """Check the eligibility conditions and send the request for a decision. The result of the check is
    kept on the request either way, so the card shows which condition failed and why."""
    _require_author(actor, request)
    if not request.is_editable:
        raise ValidationError(f"Заявка {request.get_status_display()}: направить её нельзя.")
    results = eligibility.evaluate(
        family=request.family,
        form_ids=set(request.lines.values_list("form_id", flat=True)),
        day=timezone.localdate(),
        crisis_confirmed=crisis_confirmed,
        result_confirmed=result_confirmed,
        exception=exception,
    )
    checked = {result.code: result.as_dict() for result in results}
    failed = [result for result in results if not result.ok]
    if failed:
        AidRequest.objects.filter(pk=request.pk).update(eligibility=checked)
        raise ValidationError([f"{result.title}: {result.explanation}" for result in failed])
    with transaction.atomic():
        request = AidRequest.objects.select_for_update().get(pk=request.pk)
        if not request.is_editable:
            raise ValidationError(f"Заявка {request.get_status_display()}: направить её нельзя.")
        request.eligibility, request.status, request.updated_by = checked, RequestStatus.SUBMITTED, actor
        request.save()
        _state_change(actor=actor, request=request, status=request.status, title="направлена на рассмотрение")
    return request


@transaction.atomic
def aid_request_approve(*, actor: User, request: AidRequest, amount: object) -> AidRequest:
    """Approve within the fund's balance. The fund row is locked (PostgreSQL SELECT … FOR UPDATE), so
    concurrent approvals are serialised and the balance can never go below zero."""
    require(actor, Perm.NGO_AID_APPROVE, request)
    amount = _money(amount)
    fund = Fund.objects.select_for_update().get(operator=request.operator_id)
    request = AidRequest.objects.select_for_update().get(pk=request.pk)
    if request.status != RequestStatus.SUBMITTED:
        raise ValidationError(f"Заявка {request.get_status_display()}: одобрить её нельзя.")
    if amount <= 0:
        raise ValidationError({"amount": "Сумма одобрения должна быть больше нуля."})
    requested = request.lines.aggregate(total=Sum("amount"))["total"] or Decimal(0)
    if requested and amount > requested:
        raise ValidationError({"amount": f"Одобрено больше, чем запрошено ({format_rub(requested)})."})
    available = fund_available(fund)
    if amount > available:
        raise ValidationError(
            {
                "amount": f"Недостаточно средств фонда: доступно {format_rub(available)}, "
                f"на одобрение нужно {format_rub(amount)}."
            }
        )
    request.status, request.approved_amount = RequestStatus.APPROVED, amount
    request.decided_at, request.updated_by = timezone.now(), actor
    request.save()
    _state_change(
        actor=actor,
        request=request,
        status=request.status,
        title=f"одобрена на {format_rub(amount)}.",
        details={"amount": str(amount), "available_before": str(available)},
    )
    signals.announce(
        signals.work_approved,
        sender=AidRequest,
        actor=actor,
        recipients=[request.referred_by or request.created_by],
        title=f"Заявка на помощь № {request.pk} одобрена",
        url=reverse("ngo_aid:request_detail", args=[request.pk]),
    )
    return request


@transaction.atomic
def aid_request_decline(*, actor: User, request: AidRequest, reason: str, give_back: bool) -> AidRequest:
    """Reject (final) or return for changes; the reason is required either way."""
    require(actor, Perm.NGO_AID_APPROVE, request)
    if not (reason or "").strip():
        raise ValidationError({"reason": "Укажите причину."})
    request = AidRequest.objects.select_for_update().get(pk=request.pk)
    if request.status != RequestStatus.SUBMITTED:
        raise ValidationError(f"Заявка {request.get_status_display()}: решение по ней уже принято.")
    request.status = RequestStatus.RETURNED if give_back else RequestStatus.REJECTED
    request.decision_note, request.decided_at, request.updated_by = reason.strip(), timezone.now(), actor
    request.save()
    _state_change(
        actor=actor,
        request=request,
        status=request.status,
        title=("возвращена на доработку: " if give_back else "отклонена: ") + reason.strip()[:200],
        details={"reason": reason.strip()[:500]},
    )
    if give_back:
        signals.announce(
            signals.work_returned,
            sender=AidRequest,
            actor=actor,
            recipients=[request.referred_by or request.created_by],
            title=f"Заявка на помощь № {request.pk} возвращена на доработку: {reason.strip()[:200]}",
            url=reverse("ngo_aid:request_detail", args=[request.pk]),
        )
    return request


@transaction.atomic
def payment_add(
    *, actor: User, request: AidRequest, amount: object, paid_on: dt.date, payee: str, document: str
) -> Payment:
    require(actor, Perm.NGO_AID_EDIT, request)
    request = AidRequest.objects.select_for_update().get(pk=request.pk)
    if request.status not in (RequestStatus.APPROVED, RequestStatus.PAID):
        raise ValidationError(f"Заявка {request.get_status_display()}: выплата по ней невозможна.")
    amount = _money(amount)
    if amount <= 0:
        raise ValidationError({"amount": "Сумма выплаты должна быть больше нуля."})
    paid = request.payments.aggregate(total=Sum("amount"))["total"] or Decimal(0)
    if paid + amount > (request.approved_amount or Decimal(0)):
        raise ValidationError(
            {
                "amount": f"Выплата больше одобренного: одобрено {format_rub(request.approved_amount)}, "
                f"уже выплачено {format_rub(paid)}."
            }
        )
    if paid_on > timezone.localdate():
        raise ValidationError({"paid_on": "Дата оплаты не может быть в будущем."})
    payment = Payment(
        request=request,
        amount=amount,
        paid_on=paid_on,
        payee=payee.strip(),
        document=document.strip(),
        created_by=actor,
        updated_by=actor,
    )
    payment.full_clean()
    payment.save()
    audit_entry_create(
        actor=actor, action=AuditAction.CREATE, target=payment, details={"amount": str(amount)}
    )
    if paid + amount == request.approved_amount:
        request.status, request.updated_by = RequestStatus.PAID, actor
        request.save()
        _state_change(actor=actor, request=request, status=request.status, title="оплачена полностью")
    return payment


@transaction.atomic
def outcome_report(*, actor: User, request: AidRequest, outcome: str, note: str = "") -> AidRequest:
    require(actor, Perm.NGO_AID_EDIT, request)
    request = AidRequest.objects.select_for_update().get(pk=request.pk)
    if request.status != RequestStatus.PAID:
        raise ValidationError("Результат вносится после оплаты заявки.")
    request.outcome, request.outcome_note = outcome, (note or "").strip()
    request.full_clean(exclude=["family", "operator", "subject"])
    request.status, request.updated_by = RequestStatus.REPORTED, actor
    request.save()
    _state_change(
        actor=actor,
        request=request,
        status=request.status,
        title=f"результат: {request.get_outcome_display()}",
        details={"outcome": outcome},
    )
    return request
