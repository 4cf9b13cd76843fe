"""The audit log page and its export: core keeps the rows (audit_entry_create), the policy decides who
reads which of them (Perm.AUDIT_VIEW, scoped by subject)."""

from django.contrib.auth.decorators import login_required
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_GET

from vyzov.core.models import AuditAction
from vyzov.core.pagination import paginate
from vyzov.core.services import audit_entry_create
from vyzov.core.xlsx import xlsx_response

from . import selectors
from .access import Perm, require_perm
from .forms import AuditFilterForm


def _audit_filters(request):
    form = AuditFilterForm(request.GET or None, actor=request.user)
    return form, (form.cleaned_data if form.is_valid() else {})


@login_required
@require_GET
def audit_list(request):
    require_perm(request.user, Perm.AUDIT_VIEW)
    form, filters = _audit_filters(request)
    entries = selectors.audit_entry_list(actor=request.user, filters=filters)
    return render(request, "accounts/audit_list.html", {"form": form, "page_obj": paginate(request, entries)})


AUDIT_EXPORT_LIMIT = 200_000


@login_required
@require_GET
def audit_export(request):
    require_perm(request.user, Perm.AUDIT_VIEW)
    _form, filters = _audit_filters(request)
    entries = selectors.audit_entry_list(actor=request.user, filters=filters)[:AUDIT_EXPORT_LIMIT]
    audit_entry_create(
        actor=request.user,
        action=AuditAction.EXPORT,
        object_repr="Журнал аудита",
        details={"filters": {key: str(value) for key, value in filters.items() if value}},
    )
    rows = (
        (
            timezone.localtime(entry.at),
            entry.actor_username,
            entry.get_action_display(),
            entry.object_type,
            entry.object_id,
            entry.object_repr,
            entry.subject.name if entry.subject else "",
            entry.ip or "",
        )
        for entry in entries.iterator(chunk_size=2000)
    )
    return xlsx_response(
        filename=f"audit-{timezone.localdate():%Y-%m-%d}.xlsx",
        sheet_title="Журнал аудита",
        header=["Когда", "Пользователь", "Действие", "Тип объекта", "ID", "Объект", "Субъект РФ", "IP-адрес"],
        rows=rows,
    )
