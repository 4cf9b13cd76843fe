"""The audit log page and its export: core keeps the rows (audit_entry_create), the policy decides who
reads which of them (Perm.AUDIT_VIEW, scoped by subject)."""

from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_POST

from vyzov.core.pagination import paginate
from vyzov.core.services import audit_personal_read, export_job_create

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
    page = paginate(request, entries)
    page.object_list = list(page.object_list)  # read once: here and by the template
    # The search text people typed is shown as it was typed, and it is mostly names: one row per page
    # that shows any (the audit page's own filters are not recorded, so no typed text is copied again).
    searches = [entry.pk for entry in page if entry.shows_search_text]
    audit_personal_read(
        actor=request.user,
        kind="audit_log_searches",
        records_count=len(searches),
        record_ids=searches,
        scope_perm=Perm.AUDIT_VIEW,
    )
    return render(request, "accounts/audit_list.html", {"form": form, "page_obj": page})


@login_required
@require_POST
def audit_export(request):
    """Up to 200 000 rows, written by a background job (audit_exports.audit_plan) like the register's."""
    require_perm(request.user, Perm.AUDIT_VIEW)
    job = export_job_create(actor=request.user, kind="audit", params=request.GET)
    return redirect("core:export_detail", pk=job.pk)
