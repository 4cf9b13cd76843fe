"""/healthz, /readyz, request ids in JSON log lines (each printed once) and the protected metrics."""

import json
import os
import subprocess
import sys
from datetime import timedelta
from pathlib import Path

import pytest
from django.test import override_settings
from django.utils import timezone

from vyzov.core import observability

ROOT = Path(__file__).resolve().parents[2]
DB_TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": []}}


@pytest.mark.django_db
def test_healthz_answers_without_touching_the_database(client, django_assert_num_queries):
    with django_assert_num_queries(0):
        response = client.get("/healthz")
    assert response.status_code == 200 and response.json() == {"status": "ok"}


@pytest.mark.django_db
@override_settings(TASKS=DB_TASKS)
def test_readyz_checks_the_database_and_the_job_queue(client):
    response = client.get("/readyz")
    assert response.status_code == 200 and response.json()["status"] == "ok"
    assert {"database": "ok", "jobs": "ok"}.items() <= response.json()["checks"].items()


def _waiting_job(*, waited: timedelta):
    from django_tasks_db.models import DBTaskResult, get_date_max

    job = DBTaskResult.objects.create(
        status="READY", args_kwargs={"args": [], "kwargs": {}}, task_path="vyzov.cases.tasks.x",
        backend_name="default", queue_name="default", run_after=get_date_max(),
    )  # fmt: skip
    DBTaskResult.objects.filter(pk=job.pk).update(enqueued_at=timezone.now() - waited)
    return job


@pytest.mark.django_db
@override_settings(TASKS=DB_TASKS, VYZOV_READY_MAX_JOB_WAIT=300)
def test_readyz_fails_when_a_job_waits_longer_than_the_limit(client):
    _waiting_job(waited=timedelta(seconds=60))
    assert client.get("/readyz").status_code == 200  # a fresh job is normal
    _waiting_job(waited=timedelta(minutes=10))
    response = client.get("/readyz")
    assert response.status_code == 503
    assert response.json()["status"] == "fail"
    assert {"database": "ok", "jobs": "fail"}.items() <= response.json()["checks"].items()


@pytest.mark.django_db
def test_readyz_fails_when_the_database_fails(client, monkeypatch):
    def broken(alias):
        raise OSError("connection refused")

    monkeypatch.setattr(observability, "_check_database", broken)
    response = client.get("/readyz")
    assert response.status_code == 503 and response.json()["checks"]["database"] == "fail"


def test_request_id_is_taken_from_the_proxy_or_made(client):
    given = client.get("/healthz", HTTP_X_REQUEST_ID="0123456789abcdef0123456789abcdef")
    assert given["X-Request-ID"] == "0123456789abcdef0123456789abcdef"
    made = client.get("/healthz", HTTP_X_REQUEST_ID="<script>\nforged")
    assert len(made["X-Request-ID"]) == 32 and made["X-Request-ID"] != "<script>\nforged"


def test_each_log_line_is_json_printed_once_with_the_request_id(tmp_path):
    """A real process with the production logging: a 404 logs one JSON line carrying the request id."""
    code = (
        "import django; django.setup()\n"
        "from django.test import Client\n"
        "Client().get('/no-such-page/', HTTP_X_REQUEST_ID='req-1234-abcd')\n"
    )
    env = {
        **{k: v for k, v in os.environ.items() if k not in {"DEBUG", "LOG_FORMAT"}},
        "DJANGO_SETTINGS_MODULE": "config.settings.test",
        "DATABASE_URL": f"sqlite:///{tmp_path / 'db.sqlite3'}",
    }
    result = subprocess.run(
        [sys.executable, "-c", code],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    lines = [line for line in result.stderr.splitlines() if "no-such-page" in line]
    assert len(lines) == 1, result.stderr
    record = json.loads(lines[0])
    assert record["logger"] == "django.request" and record["level"] == "WARNING"
    assert record["request_id"] == "req-1234-abcd"


@pytest.mark.django_db
@override_settings(VYZOV_METRICS_TOKEN="s3cret-metrics-token", VYZOV_METRICS_ALLOWED_IPS=["10.0.0.5"])
def test_metrics_only_with_the_token_or_from_an_allowed_address(client):
    assert client.get("/metrics").status_code == 404
    assert client.get("/metrics", HTTP_AUTHORIZATION="Bearer wrong").status_code == 404
    # A forged X-Forwarded-For is not believed without configured proxies.
    assert client.get("/metrics", HTTP_X_FORWARDED_FOR="10.0.0.5").status_code == 404

    with_token = client.get("/metrics", HTTP_AUTHORIZATION="Bearer s3cret-metrics-token")
    assert with_token.status_code == 200
    body = with_token.content.decode()
    assert "django_http_requests_total_by_method_total" in body
    assert "django_db_execute_total" in body  # queries, from the instrumented database backend
    assert "vyzov_jobs_oldest_waiting_seconds" in body
    assert client.get("/metrics", REMOTE_ADDR="10.0.0.5").status_code == 200


@pytest.mark.django_db
def test_metrics_closed_when_nothing_is_configured(client, settings):
    settings.VYZOV_METRICS_TOKEN = ""
    settings.VYZOV_METRICS_ALLOWED_IPS = []
    assert client.get("/metrics", HTTP_AUTHORIZATION="Bearer ").status_code == 404
    assert client.get("/metrics", REMOTE_ADDR="127.0.0.1").status_code == 404
