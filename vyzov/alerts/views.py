"""Pages of signals: the list (overdue checks first), the register form, the card with the check forms."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from vyzov.accounts.access import Perm, allows, has_perm, require_perm
from vyzov.accounts.privacy import sees_personal
from vyzov.accounts.types import AuthenticatedHttpRequest
from vyzov.core.forms import add_service_error
from vyzov.core.pagination import paginate
from vyzov.core.services import audit_personal_read

from . import selectors, services
from .forms import AlertFilterForm, AlertForm, CheckAssignForm, CheckCompleteForm
from .models import AlertStatus


@login_required
@require_GET
def alert_list(request: AuthenticatedHttpRequest):
    """The list shows no names and no free text: number, date, source, territory, check, outcome."""
    form = AlertFilterForm(request.GET or None)
    filters = dict(form.cleaned_data) if form.is_valid() else {}
    filters["municipality"] = request.GET.get("municipality")
    alerts = selectors.alert_list(actor=request.user, filters=filters)
    if not has_perm(request.user, Perm.CASES_VIEW) and not alerts.exists():
        require_perm(request.user, Perm.CASES_VIEW)
    context = {
        "page_obj": paginate(request, alerts),
        "form": form,
        "can_register": has_perm(request.user, Perm.CASES_EDIT),
        "today": timezone.localdate(),
    }
    return render(request, "alerts/alert_list.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def alert_register(request: AuthenticatedHttpRequest):
    require_perm(request.user, Perm.CASES_EDIT)
    form = AlertForm(request.POST or None, actor=request.user)
    if request.method == "POST" and form.is_valid():
        family_number, child_number = form.cleaned_data["family_number"], form.cleaned_data["child_number"]
        family = selectors.family_for_alert(actor=request.user, number=family_number)
        child = selectors.child_for_alert(actor=request.user, number=child_number)
        if family_number is not None and family is None:
            form.add_error("family_number", "Семья с таким номером не найдена в вашем реестре.")
        elif child_number is not None and child is None:
            form.add_error("child_number", "Ребёнок с таким номером не найден в вашем реестре.")
        else:
            try:
                alert = services.alert_register(
                    actor=request.user,
                    municipality=form.cleaned_data["municipality"],
                    data=form.alert_data(),
                    family=family,
                    child=child,
                )
            except ValidationError as error:
                add_service_error(form, error)
            else:
                messages.success(request, f"{alert} зарегистрирован. Назначьте проверку.")
                return redirect("alerts:alert_detail", pk=alert.pk)
    return render(request, "alerts/alert_form.html", {"form": form})


def _card(request: AuthenticatedHttpRequest, alert, *, assign_form=None, complete_form=None, status=200):
    actor = request.user
    item = alert.check_item
    is_executor = item is not None and item.executor_id == actor.pk
    # Names and the free text of the signal: with the personal-data permission, or to the person
    # responsible for the check. The read is recorded (one row per response).
    personal = sees_personal(actor, alert) or is_executor
    if personal:
        audit_personal_read(actor=actor, kind="alert_card", records_count=1, target=alert)
    context = {
        "alert": alert,
        "personal": personal,
        "today": timezone.localdate(),
        "overdue": bool(
            item and alert.status == AlertStatus.CHECKING and item.deadline < timezone.localdate()
        ),
        **_links(actor, alert),
        **_check_forms(actor, alert, assign_form=assign_form, complete_form=complete_form),
    }
    return render(request, "alerts/alert_detail.html", context, status=status)


def _check_forms(actor, alert, *, assign_form, complete_form) -> dict:
    """The forms of the check the reader may use; a refused one comes back as it was filled in."""
    can_assign = alert.status == AlertStatus.REGISTERED and allows(actor, Perm.CASES_EDIT, alert)
    can_complete = services.can_record_check(actor, alert)
    return {
        "assign_form": (assign_form or CheckAssignForm(alert=alert)) if can_assign else None,
        "complete_form": (complete_form or CheckCompleteForm()) if can_complete else None,
    }


def _links(actor, alert) -> dict[str, bool]:
    """Which linked records the card may link to: only those the reader may open."""
    return {
        "family_link": alert.family_id is not None and allows(actor, Perm.CASES_VIEW, alert.family),
        "child_link": alert.child_id is not None and allows(actor, Perm.CASES_VIEW, alert.child),
        "case_link": alert.family_case_id is not None and allows(actor, Perm.SUPPORT_VIEW, alert.family_case),
    }


@login_required
@require_GET
def alert_detail(request: AuthenticatedHttpRequest, pk):
    return _card(request, selectors.alert_get(actor=request.user, pk=pk))


@login_required
@require_POST
def check_assign(request: AuthenticatedHttpRequest, pk):
    alert = selectors.alert_get(actor=request.user, pk=pk)
    form = CheckAssignForm(request.POST, alert=alert)
    if form.is_valid():
        try:
            services.alert_check_assign(actor=request.user, alert=alert, **form.cleaned_data)
        except ValidationError as error:
            add_service_error(form, error)
        else:
            messages.success(request, "Проверка назначена.")
            return redirect("alerts:alert_detail", pk=alert.pk)
    alert = selectors.alert_get(actor=request.user, pk=pk)
    return _card(request, alert, assign_form=form, status=400)


@login_required
@require_POST
def check_complete(request: AuthenticatedHttpRequest, pk):
    alert = selectors.alert_get(actor=request.user, pk=pk)
    form = CheckCompleteForm(request.POST)
    if form.is_valid():
        data = dict(form.cleaned_data)
        family_number, case_number = data.pop("family_number"), data.pop("family_case_number")
        family = selectors.family_for_alert(actor=request.user, number=family_number)
        family_case = selectors.family_case_for_alert(actor=request.user, number=case_number)
        if family_number is not None and family is None:
            form.add_error("family_number", "Семья с таким номером не найдена в вашем реестре.")
        elif case_number is not None and family_case is None:
            form.add_error("family_case_number", "Сопровождение с таким номером не найдено.")
        else:
            try:
                services.alert_check_complete(
                    actor=request.user, alert=alert, family=family, family_case=family_case, **data
                )
            except ValidationError as error:
                add_service_error(form, error)
            else:
                messages.success(request, "Итог проверки записан.")
                return redirect("alerts:alert_detail", pk=alert.pk)
    alert = selectors.alert_get(actor=request.user, pk=pk)
    return _card(request, alert, complete_form=form, status=400)
