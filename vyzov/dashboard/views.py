"""Pages of the dashboard: thin views over its selectors."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.shortcuts import render
from django.views.decorators.http import require_GET

from vyzov.accounts.access import Perm
from vyzov.core.services import audit_personal_read

from . import selectors


@login_required
@require_GET
def search(request):
    result = selectors.global_search(actor=request.user, q=request.GET.get("q"))
    # One audit row per answer that shows children's or families' personal data; the query itself
    # may be a name, and the audit log is where such reads are kept.
    audit_personal_read(
        actor=request.user,
        kind="search",
        records_count=result.personal_count,
        filters={"q": result.query.text},
        scope_perm=Perm.CASES_VIEW_PERSONAL,
    )
    return render(request, "dashboard/search.html", {"result": result, "q": result.query.text})
