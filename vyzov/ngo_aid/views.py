from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.forms.models import model_to_dict
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from vyzov.accounts.access import NotInScope, Perm, allows, get_in_scope, has_perm, require, require_perm
from vyzov.accounts.privacy import sees_personal
from vyzov.accounts.types import AuthenticatedHttpRequest
from vyzov.cases.services import personal_data_list_read, personal_data_read
from vyzov.core.forms import add_service_error, form_error_messages
from vyzov.core.models import AuditAction
from vyzov.core.pagination import paginate
from vyzov.core.periods import Period, period_from_request
from vyzov.core.services import audit_entry_create
from vyzov.core.xlsx import xlsx_response

from . import exports, inputs, selectors, services
from .forms import (
    LINE_FORMS,
    ApproveForm,
    DeclineForm,
    IncomeForm,
    LineForm,
    OperatorAppointmentForm,
    OutcomeForm,
    PaymentForm,
    RequestForm,
    SubmitForm,
    WithdrawForm,
    line_data,
)
from .models import Operator, RequestStatus


@login_required
@require_GET
def request_list(request: AuthenticatedHttpRequest):
    if not (has_perm(request.user, Perm.NGO_AID_VIEW) or has_perm(request.user, Perm.NGO_AID_REFER)):
        require_perm(request.user, Perm.NGO_AID_VIEW)
    status = request.GET.get("status", "")
    requests = selectors.request_list(
        actor=request.user, filters={"status": status if status in RequestStatus.values else ""}
    )
    page = paginate(request, requests)
    _name_families(request.user, page)
    context = {
        "page_obj": page,
        "status": status,
        "statuses": RequestStatus.choices,
        "funds": _funds(request.user),
        "can_create": _can_create(request.user),
    }
    return render(request, "ngo_aid/request_list.html", context)


def _can_create(actor) -> bool:
    return has_perm(actor, Perm.NGO_AID_EDIT) or has_perm(actor, Perm.NGO_AID_REFER)


def _funds(actor) -> list:
    """(operator, available balance) of every fund the reader's operators hold."""
    operators = selectors.operator_list(actor=actor)
    return [
        (operator, services.fund_available(operator.fund))
        for operator in operators
        if hasattr(operator, "fund")
    ]


def _name_families(actor, page) -> None:
    """The family by name where the user works with it (the read is recorded), else by its number."""
    named = [aid for aid in page if sees_personal(actor, aid)]
    for aid in named:
        aid.family_named = True
    personal_data_list_read(actor=actor, kind="aid_requests_list", records=[aid.family for aid in named])


def _valid(form, lines) -> bool:
    return form.is_valid() and all(line.is_valid() for line in lines)


@login_required
@require_http_methods(["GET", "POST"])
def request_create(request: AuthenticatedHttpRequest):
    if not _can_create(request.user):
        require_perm(request.user, Perm.NGO_AID_REFER)
    form = RequestForm(request.POST or None, initial={"family": request.GET.get("family")})
    lines = [LineForm(request.POST or None, prefix=f"line{n}") for n in range(LINE_FORMS)]
    if request.method == "POST" and _valid(form, lines):
        data = form.cleaned_data
        try:
            aid = services.aid_request_create_for_family(
                actor=request.user,
                family_id=data["family"],
                lines=line_data(lines),
                data=form.request_data(),
            )
        except NotInScope:
            form.add_error("family", "Семья с таким номером не найдена в вашем регионе.")
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, f"{aid} создана.")
            return redirect("ngo_aid:request_detail", pk=aid.pk)
    return render(request, "ngo_aid/request_form.html", {"form": form, "lines": lines})


@login_required
@require_http_methods(["GET", "POST"])
def request_edit(request: AuthenticatedHttpRequest, pk):
    """A draft or a request returned for rework: the creation form, filled in; the family stays."""
    aid = selectors.request_get(actor=request.user, pk=pk)
    if not services.aid_request_can_prepare(request.user, aid):
        require(request.user, Perm.NGO_AID_EDIT, aid)
    if not aid.is_editable:
        messages.error(request, f"Заявка {aid.get_status_display()}: изменить её нельзя.")
        return redirect("ngo_aid:request_detail", pk=pk)
    form, lines = _edit_forms(request, aid)
    if request.method == "POST" and _valid(form, lines):
        data = form.cleaned_data
        try:
            services.aid_request_update(
                actor=request.user,
                request=aid,
                expected_version=data["version"] or 0,
                data=form.request_data(),
                lines=line_data(lines),
            )
        except ValidationError as error:
            add_service_error(form, error)
        else:
            messages.success(request, f"{aid} изменена. Направьте её на рассмотрение, когда будет готова.")
            return redirect("ngo_aid:request_detail", pk=aid.pk)
    return render(request, "ngo_aid/request_form.html", {"form": form, "lines": lines, "aid": aid})


def _edit_forms(request: AuthenticatedHttpRequest, aid) -> tuple[RequestForm, list[LineForm]]:
    """The creation form filled in from the request (or as posted); the family is shown, not changed."""
    current = list(aid.lines.all())
    form = RequestForm(
        request.POST or None,
        initial={
            "family": aid.family_id,
            "children_count": aid.children_count,
            "channel": aid.channel,
            "justification": aid.justification,
            "version": aid.version,
        },
    )
    form.fields["family"].disabled = True
    form.fields["family"].help_text = "Семья в заявке не меняется: для другой семьи создайте новую заявку."
    lines = [
        LineForm(
            request.POST or None,
            prefix=f"line{n}",
            initial=(
                {"form": current[n].form_id, "amount": current[n].amount, "in_kind": current[n].in_kind}
                if n < len(current)
                else None
            ),
        )
        for n in range(max(LINE_FORMS, len(current)))
    ]
    return form, lines


@login_required
@require_POST
def request_withdraw(request: AuthenticatedHttpRequest, pk):
    def withdraw(aid, data):
        services.aid_request_withdraw(actor=request.user, request=aid, reason=data["reason"])

    return _act(request, pk, WithdrawForm, withdraw, "Заявка отозвана.", "withdraw_form")


@login_required
@require_GET
def request_detail(request: AuthenticatedHttpRequest, pk):
    return _detail_page(request, selectors.request_get(actor=request.user, pk=pk))


def _detail_page(request: AuthenticatedHttpRequest, aid, *, status=200, **forms):
    """The card of a request with its action forms; a refused action comes back here with the bound
    form, so what was typed (a reason, a payment) stays on the page."""
    can_edit = allows(request.user, Perm.NGO_AID_EDIT, aid)
    can_prepare = aid.is_editable and services.aid_request_can_prepare(request.user, aid)
    family_named = sees_personal(request.user, aid)
    if family_named:
        personal_data_read(actor=request.user, target=aid.family, kind="aid_request")
    context = {
        "aid": aid,
        "family_named": family_named,
        "paid": sum(payment.amount for payment in aid.payments.all()),
        "can_edit": can_edit,
        "can_submit": can_prepare,
        "can_prepare": can_prepare,
        "can_decide": allows(request.user, Perm.NGO_AID_APPROVE, aid)
        and aid.status == RequestStatus.SUBMITTED,
        "available": services.fund_available(aid.operator.fund) if can_edit else None,
        "submit_form": SubmitForm(),
        "withdraw_form": WithdrawForm(),
        "approve_form": ApproveForm(initial={"amount": aid.requested}),
        "decline_form": DeclineForm(),
        "payment_form": PaymentForm(initial={"paid_on": timezone.localdate()}),
        "outcome_form": OutcomeForm(),
        **forms,
    }
    return render(request, "ngo_aid/request_detail.html", context, status=status)


def _act(request: AuthenticatedHttpRequest, pk, form_class, action, success: str, form_name: str):
    """Run one state change of a request from a small form. A refusal shows the card again with the
    form as it was filled in and the reason next to it."""
    aid = selectors.request_get(actor=request.user, pk=pk)
    form = form_class(request.POST)
    if form.is_valid():
        try:
            action(aid, form.cleaned_data)
        except ValidationError as error:
            add_service_error(form, error)
        else:
            messages.success(request, success)
            return redirect("ngo_aid:request_detail", pk=pk)
    messages.error(request, "Действие не выполнено: " + " ".join(form_error_messages(form)))
    aid = selectors.request_get(actor=request.user, pk=pk)
    return _detail_page(request, aid, status=400, **{form_name: form})


@login_required
@require_POST
def request_submit(request: AuthenticatedHttpRequest, pk):
    def submit(aid, data):
        services.aid_request_submit(actor=request.user, request=aid, **data)

    return _act(request, pk, SubmitForm, submit, "Заявка направлена на рассмотрение.", "submit_form")


@login_required
@require_POST
def request_approve(request: AuthenticatedHttpRequest, pk):
    def approve(aid, data):
        services.aid_request_approve(actor=request.user, request=aid, amount=data["amount"])

    return _act(request, pk, ApproveForm, approve, "Заявка одобрена.", "approve_form")


@login_required
@require_POST
def request_reject(request: AuthenticatedHttpRequest, pk):
    def reject(aid, data):
        services.aid_request_decline(actor=request.user, request=aid, reason=data["reason"], give_back=False)

    return _act(request, pk, DeclineForm, reject, "Заявка отклонена.", "decline_form")


@login_required
@require_POST
def request_return(request: AuthenticatedHttpRequest, pk):
    def give_back(aid, data):
        services.aid_request_decline(actor=request.user, request=aid, reason=data["reason"], give_back=True)

    return _act(request, pk, DeclineForm, give_back, "Заявка возвращена на доработку.", "decline_form")


@login_required
@require_POST
def payment_add(request: AuthenticatedHttpRequest, pk):
    def pay(aid, data):
        services.payment_add(actor=request.user, request=aid, **data)

    return _act(request, pk, PaymentForm, pay, "Выплата внесена.", "payment_form")


@login_required
@require_POST
def outcome_add(request: AuthenticatedHttpRequest, pk):
    def report_outcome(aid, data):
        services.outcome_report(actor=request.user, request=aid, **data)

    return _act(request, pk, OutcomeForm, report_outcome, "Результат внесён.", "outcome_form")


@login_required
@require_http_methods(["GET", "POST"])
def fund_detail(request: AuthenticatedHttpRequest, pk):
    operator = get_in_scope(
        request.user,
        Operator.objects.select_related("organization", "subject", "fund"),
        Perm.NGO_AID_VIEW,
        pk=pk,
    )
    form = IncomeForm(request.POST or None)
    if request.method == "POST":
        require(request.user, Perm.NGO_AID_EDIT, operator.fund)
        if form.is_valid():
            try:
                services.income_add(actor=request.user, fund=operator.fund, data=form.income_data())
            except ValidationError as error:
                form.add_error(None, error)
            else:
                messages.success(request, "Поступление внесено.")
                return redirect("ngo_aid:fund_detail", pk=pk)
    return _fund_page(request, operator, form)


def _label(name: str) -> str:
    field = Operator._meta.get_field(name)
    return str(getattr(field, "verbose_name", name))


def _fund_page(request: AuthenticatedHttpRequest, operator, form, appointment_form=None, status=200):
    can_appoint = allows(request.user, Perm.ORGANIZATIONS_MANAGE, operator)
    if can_appoint and appointment_form is None:
        appointment_form = OperatorAppointmentForm(
            initial=model_to_dict(operator, fields=inputs.APPOINTMENT_FIELDS)
        )
    context = {
        "operator": operator,
        "incomes": operator.fund.incomes.order_by("-received_on")[:200],
        "available": services.fund_available(operator.fund),
        "form": form,
        "can_edit": allows(request.user, Perm.NGO_AID_EDIT, operator.fund),
        "criteria": [(_label(name), getattr(operator, name)) for name in Operator.CRITERIA],
        "roles": [_label(name) for name in Operator.ROLES if getattr(operator, name)],
        "appointment_form": appointment_form if can_appoint else None,
    }
    return render(request, "ngo_aid/fund_detail.html", context, status=status)


@login_required
@require_POST
def operator_appointment(request: AuthenticatedHttpRequest, pk):
    """Record the operator's appointment: 004's criteria of the choice and the operator's roles."""
    operator = get_in_scope(
        request.user,
        Operator.objects.select_related("organization", "subject", "fund"),
        Perm.NGO_AID_VIEW,
        pk=pk,
    )
    require(request.user, Perm.ORGANIZATIONS_MANAGE, operator)
    form = OperatorAppointmentForm(request.POST)
    if form.is_valid():
        try:
            services.operator_appointment_record(
                actor=request.user, operator=operator, data=form.appointment_data()
            )
        except ValidationError as error:
            add_service_error(form, error)
        else:
            messages.success(request, "Назначение оператора записано.")
            return redirect("ngo_aid:fund_detail", pk=pk)
    operator.refresh_from_db()
    return _fund_page(request, operator, IncomeForm(), appointment_form=form, status=400)


def _period(request: AuthenticatedHttpRequest) -> Period:
    default = selectors.default_report_period(actor=request.user, today=timezone.localdate())
    return period_from_request(request, default=default)


@login_required
@require_GET
def report(request: AuthenticatedHttpRequest):
    require_perm(request.user, Perm.NGO_AID_REPORTS)
    period = _period(request)
    data = selectors.report(actor=request.user, date_from=period.date_from, date_to=period.date_to)
    return render(request, "ngo_aid/report.html", {"form": period.form, "report": data})


@login_required
@require_GET
def report_export(request: AuthenticatedHttpRequest):
    require_perm(request.user, Perm.NGO_AID_REPORTS)
    period = _period(request)
    date_from, date_to = period.date_from, period.date_to
    data = selectors.report(actor=request.user, date_from=date_from, date_to=date_to)
    audit_entry_create(
        actor=request.user,
        action=AuditAction.EXPORT,
        object_repr="Отчёт НКО-операторов",
        details={"from": str(date_from), "to": str(date_to)},
    )
    return xlsx_response(
        filename=f"ngo-aid-{date_from}-{date_to}.xlsx",
        sheet_title="Отчёт",
        header=["Показатель", "Значение", "Заявок"],
        rows=exports.report_rows(data),
    )
