from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.core.exceptions import RequestDataTooBig
from django.db import connection
from django.http import (
    FileResponse,
    Http404,
    HttpRequest,
    HttpResponse,
    HttpResponseServerError,
    JsonResponse,
)
from django.shortcuts import get_object_or_404, render
from django.template import loader
from django.views.decorators.http import require_GET

from . import exports, observability
from .middleware import ForbiddenCharacters
from .models import ExportJob, ExportStatus
from .services import export_download_audit
from .xlsx import XLSX_CONTENT_TYPE


@require_GET
def health(request: HttpRequest):
    """For load balancers: the application answers and the database is reachable."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
    return JsonResponse({"status": "ok"})


@require_GET
def healthz(request: HttpRequest):
    """Liveness: the process answers (no dependency is touched; restart the process if this fails)."""
    return JsonResponse({"status": "ok"})


@require_GET
def readyz(request: HttpRequest):
    """Readiness: the database, the replica and Redis when configured, and the job queue (503 if not)."""
    ready, checks = observability.readiness()
    return JsonResponse({"status": "ok" if ready else "fail", "checks": checks}, status=200 if ready else 503)


@require_GET
def metrics(request: HttpRequest):
    """Prometheus metrics, only for the monitoring system (see observability.require_metrics_access)."""
    observability.require_metrics_access(request)
    body, content_type = observability.metrics_text()
    return HttpResponse(body, content_type=content_type)


def bad_request(request: HttpRequest, exception=None):
    if isinstance(exception, RequestDataTooBig):
        return request_too_big(request)
    message = str(exception) if isinstance(exception, ForbiddenCharacters) else None
    return render(request, "400.html", {"message": message}, status=400)


def request_too_big(request: HttpRequest):
    """413 with a Russian page; rendered without the session or the user (the body was not read)."""
    limit = getattr(settings, "MAX_REQUEST_BODY_BYTES", 0) // (1024 * 1024)
    return HttpResponse(loader.get_template("413.html").render({"limit_mb": limit}), status=413)


def permission_denied(request: HttpRequest, exception=None):
    return render(request, "403.html", status=403)


def page_not_found(request: HttpRequest, exception=None):
    return render(request, "404.html", status=404)


def server_error(request: HttpRequest):
    # No request context: the error may come from the database that context processors would query.
    return HttpResponseServerError(loader.get_template("500.html").render())


@login_required
@require_GET
def pick(request: HttpRequest, kind):
    """The lookup of a picker: at most 20 scoped matches of the typed text, as buttons (htmx fragment)."""
    from django.http import Http404

    from . import pickers

    context = request.GET.get("for", "")
    query = request.GET.get("q") or next(
        (value for key, value in request.GET.items() if key.endswith("__search")), ""
    )
    try:
        choices = pickers.lookup(
            actor=request.user, kind=kind, context=context, query=query, params=request.GET
        )
    except pickers.UnknownPicker:
        raise Http404() from None
    _audit_personal_choices(request, choices, filters={"kind": kind, "for": context})
    return render(
        request,
        "core/picker_results.html",
        {"choices": choices, "query": query.strip(), "too_short": len(query.strip()) < pickers.MIN_QUERY},
    )


def _audit_personal_choices(request: HttpRequest, choices, *, filters: dict) -> None:
    """The names a picker showed are a read of personal data: one audit row per response."""
    from .services import audit_personal_read

    personal = [choice for choice in choices if choice.personal]
    if not personal:
        return
    subjects = {choice.subject_id for choice in personal}
    audit_personal_read(
        actor=request.user,
        kind="picker",
        records_count=len(personal),
        subject_id=subjects.pop() if len(subjects) == 1 else None,
        filters=filters,
        record_ids=[choice.pk for choice in personal],
    )


# ---- exports (background jobs) ------------------------------------------------------------------


def _own_export(request, pk) -> ExportJob:
    """An export job is its requester's alone: anyone else gets 404, whatever their role."""
    return get_object_or_404(ExportJob, pk=pk, created_by=request.user)


@login_required
@require_GET
def export_detail(request, pk):
    # The watchdog: a job in flight past its time limit is failed, so the page stops polling.
    exports.fail_stale_exports()
    job = _own_export(request, pk)
    context = {
        "job": job,
        "title": exports.title_of(job),
        "retention_hours": int(exports.retention().total_seconds() // 3600),
    }
    template = "core/export_detail.html#progress" if request.htmx else "core/export_detail.html"
    return render(request, template, context)


@login_required
@require_GET
def export_download(request, pk):
    job = _own_export(request, pk)
    if job.status != ExportStatus.DONE or not job.file:
        raise Http404("Файл выгрузки недоступен.")
    export_download_audit(actor=request.user, job=job)
    return FileResponse(
        job.file.open("rb"), as_attachment=True, filename=job.filename, content_type=XLSX_CONTENT_TYPE
    )
