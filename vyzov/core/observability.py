"""Operations' view of the running system: request ids in every log line, readiness checks
(/readyz), and the Prometheus metrics endpoint (protected: allowed addresses or a bearer token)."""

from __future__ import annotations

import contextlib
import hmac
import logging
import os
import re
import uuid
from contextvars import ContextVar
from datetime import timedelta

from django.conf import settings
from django.core.cache import caches
from django.db import connections
from django.http import Http404
from django.utils import timezone
from prometheus_client import CONTENT_TYPE_LATEST, CollectorRegistry, generate_latest, multiprocess
from prometheus_client.core import GaugeMetricFamily
from prometheus_client.registry import REGISTRY

from .middleware import client_ip

logger = logging.getLogger(__name__)

REQUEST_ID_HEADER = "HTTP_X_REQUEST_ID"
# What nginx's $request_id looks like (32 hex), or a UUID; anything else is replaced, never logged.
REQUEST_ID_PATTERN = re.compile(r"^[A-Za-z0-9-]{8,64}$")
current_request_id: ContextVar[str] = ContextVar("current_request_id", default="-")


class RequestIdMiddleware:
    """Takes the proxy's X-Request-ID (or makes one), keeps it for the log lines of this request and
    returns it in the response, so a user's report, nginx's, gunicorn's and the app's lines meet."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        incoming = request.META.get(REQUEST_ID_HEADER, "")
        request_id = incoming if REQUEST_ID_PATTERN.match(incoming) else uuid.uuid4().hex
        request.request_id = request_id
        current_request_id.set(request_id)
        response = self.get_response(request)
        response["X-Request-ID"] = request_id
        # Django logs 4xx/5xx after the middleware chain returns, so the id is kept until the
        # response is closed, and only then cleared.
        response._resource_closers.append(lambda: current_request_id.set("-"))
        return response


class RequestIdFilter(logging.Filter):
    """Adds `request_id` to every record (\"-\" outside a request: workers, commands)."""

    def filter(self, record):
        record.request_id = current_request_id.get()
        return True


# --- readiness ---------------------------------------------------------------------------------


def _check_database(alias: str) -> str:
    with connections[alias].cursor() as cursor:
        cursor.execute("SELECT 1")
    return "ok"


def _check_cache() -> str:
    cache = caches["default"]
    cache.set("readyz", "1", 10)
    if cache.get("readyz") != "1":
        raise RuntimeError("cache does not return what was stored")
    return "ok"


def oldest_waiting_job_age() -> timedelta | None:
    """How long the oldest job that could run has waited; None when none waits."""
    from django_tasks_db.models import DBTaskResult

    oldest = (
        DBTaskResult.objects.ready().order_by("enqueued_at").values_list("enqueued_at", flat=True).first()
    )
    return timezone.now() - oldest if oldest else None


def _check_jobs() -> str:
    age = oldest_waiting_job_age()
    limit = timedelta(seconds=settings.VYZOV_READY_MAX_JOB_WAIT)
    if age is not None and age > limit:
        raise RuntimeError(
            f"a job has waited {int(age.total_seconds())} s (limit {int(limit.total_seconds())} s)"
        )
    return "ok"


def readiness() -> tuple[bool, dict[str, str]]:
    """Every dependency of a page, checked now: the database, the replica and Redis when configured,
    and the job queue (a job waiting longer than the limit means no worker is taking jobs)."""
    checks = {"database": lambda: _check_database("default")}
    if "replica" in settings.DATABASES:
        checks["replica"] = lambda: _check_database("replica")
    if "redis" in settings.CACHES["default"]["BACKEND"].lower():
        checks["redis"] = _check_cache
    if settings.TASKS["default"]["BACKEND"].startswith("django_tasks_db"):
        checks["jobs"] = _check_jobs
    results, ready = {}, True
    for name, check in checks.items():
        try:
            results[name] = check()
        except Exception as error:  # any failure means not ready; the reason goes to the log
            logger.warning("readiness check %s failed: %s", name, error)
            results[name] = "fail"
            ready = False
    return ready, results


# --- metrics -----------------------------------------------------------------------------------


class JobQueueCollector:
    """Background jobs by status and the oldest waiting job's age, read at scrape time."""

    def collect(self):
        from django.db.models import Count
        from django_tasks_db.models import DBTaskResult

        jobs = GaugeMetricFamily("vyzov_jobs", "Background jobs by status", labels=["status"])
        try:
            for row in DBTaskResult.objects.values("status").annotate(n=Count("id")).order_by("status"):
                jobs.add_metric([row["status"]], row["n"])
            age = oldest_waiting_job_age()
        except Exception:  # a scrape must not fail because the database is down
            logger.warning("job metrics unavailable", exc_info=True)
            return
        yield jobs
        yield GaugeMetricFamily(
            "vyzov_jobs_oldest_waiting_seconds",
            "Age of the oldest job waiting for a worker (0 when none waits)",
            value=age.total_seconds() if age else 0,
        )


_collector = JobQueueCollector()


def _register_collector() -> None:
    """Registered on the first scrape (not at import: logging imports this module before the apps load)."""
    with contextlib.suppress(ValueError):  # already registered
        REGISTRY.register(_collector)


def metrics_text() -> tuple[bytes, str]:
    """The exposition of this process, or of every gunicorn worker when PROMETHEUS_MULTIPROC_DIR is
    set (django-prometheus then writes each worker's counters to files in that folder)."""
    _register_collector()
    if "PROMETHEUS_MULTIPROC_DIR" in os.environ:
        registry = CollectorRegistry()
        multiprocess.MultiProcessCollector(registry)
        registry.register(_collector)
    else:
        registry = REGISTRY
    return generate_latest(registry), CONTENT_TYPE_LATEST


def require_metrics_access(request) -> None:
    """Metrics only for the monitoring system: a bearer token (METRICS_TOKEN) or an allowed client
    address (METRICS_ALLOWED_IPS, as seen through PROXY_COUNT proxies). Anyone else gets 404."""
    token = settings.VYZOV_METRICS_TOKEN
    header = request.META.get("HTTP_AUTHORIZATION", "")
    if token and header.startswith("Bearer ") and hmac.compare_digest(header[7:].strip(), token):
        return
    if client_ip(request) in settings.VYZOV_METRICS_ALLOWED_IPS:
        return
    raise Http404
