"""Pages of the dashboard: thin views over its selectors and services."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from vyzov.accounts.access import Perm
from vyzov.accounts.types import AuthenticatedHttpRequest
from vyzov.cases.services import personal_data_list_read
from vyzov.core.pagination import paginate
from vyzov.core.services import audit_personal_read

from . import selectors, services
from .context_processors import forget_unread
from .forms import NotificationPreferenceForm
from .search import global_search


@login_required
@require_GET
def home(request: AuthenticatedHttpRequest):
    """Each role's start page: the work waiting for this user, the most urgent first; the figures of
    the user's scope only as one summary line."""
    actor = request.user
    sections = selectors.work_queue(actor=actor)
    # The queue names children and families where the user may see them: the read is recorded,
    # one row per kind of record shown.
    people = selectors.queue_people(sections)
    for kind, records in (
        ("home_queue_children", people["children"]),
        ("home_queue_families", people["families"]),
    ):
        personal_data_list_read(actor=actor, kind=kind, records=records)
    context = {"sections": sections}
    context.update(selectors.home_summary(actor=actor))
    return render(request, "dashboard/home.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def notification_list(request: AuthenticatedHttpRequest):
    actor = request.user
    if request.method == "POST":
        form = NotificationPreferenceForm(request.POST)
        if form.is_valid():
            services.preference_set(actor=actor, **form.cleaned_data)
            messages.success(request, "Настройки писем сохранены.")
            return redirect("dashboard:notification_list")
    else:
        preference = services.preference_of(actor)
        form = NotificationPreferenceForm(
            initial={"email_each": preference.email_each, "email_digest": preference.email_digest}
        )
    forget_unread(request)  # the list is fresh: so is the bell on it
    unread_only = request.GET.get("unread") == "1"
    notifications = selectors.notification_list(actor=actor, unread_only=unread_only)
    return render(
        request,
        "dashboard/notification_list.html",
        {"page_obj": paginate(request, notifications), "form": form, "unread_only": unread_only},
    )


def _safe(url: str, request) -> str:
    if url_has_allowed_host_and_scheme(url, allowed_hosts={request.get_host()}, require_https=False):
        return url
    return "/"


@login_required
@require_POST
def notification_open(request: AuthenticatedHttpRequest, pk):
    """Mark read and go to the item's page."""
    notification = selectors.notification_get(actor=request.user, pk=pk)
    services.notification_read(actor=request.user, notification=notification)
    forget_unread(request)
    return redirect(_safe(notification.url, request))


@login_required
@require_POST
def notification_read(request: AuthenticatedHttpRequest, pk):
    notification = selectors.notification_get(actor=request.user, pk=pk)
    services.notification_read(actor=request.user, notification=notification)
    forget_unread(request)
    return redirect("dashboard:notification_list")


@login_required
@require_POST
def notifications_read_all(request: AuthenticatedHttpRequest):
    count = services.notifications_read_all(actor=request.user)
    forget_unread(request)
    messages.success(request, f"Отмечено прочитанными: {count}.")
    return redirect("dashboard:notification_list")


@login_required
@require_GET
def search(request: AuthenticatedHttpRequest):
    result = global_search(actor=request.user, q=request.GET.get("q"))
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
