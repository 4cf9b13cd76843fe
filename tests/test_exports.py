"""Large exports as background jobs (core/exports.py): the register's XLSX export end to end."""

import io
import os
from datetime import timedelta

import pytest
from django.core.files.base import ContentFile
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from conftest import centre, login
from vyzov.cases import exports as cases_exports
from vyzov.cases.tests.factories import make_child
from vyzov.core import exports
from vyzov.core.models import AuditAction, AuditEntry, ExportJob, ExportStatus

pytestmark = pytest.mark.django_db


@pytest.fixture
def children(db):
    return {
        "altai": make_child(centre("22"), last_name="Барнаулов"),
        "perm": make_child(centre("59"), last_name="Пермяков"),
    }


def start_export(client, query: str = "") -> ExportJob:
    response = client.post(reverse("cases:child_export") + query)
    assert response.status_code == 302
    job = ExportJob.objects.latest("pk")
    assert response["Location"] == reverse("core:export_detail", args=[job.pk])
    return job


def sheet_rows(response) -> list[tuple]:
    workbook = load_workbook(io.BytesIO(b"".join(response.streaming_content)), read_only=True)
    return list(workbook.active.iter_rows(values_only=True))


def test_the_requester_gets_their_scope_and_nobody_else_sees_the_job(
    client, curator_altai, fed_admin, children
):
    login(client, curator_altai)
    job = start_export(client)
    job.refresh_from_db()
    assert job.status == ExportStatus.DONE and job.created_by == curator_altai
    assert job.total_rows == job.processed_rows == 1 and job.personal
    page = client.get(reverse("core:export_detail", args=[job.pk])).content.decode()
    assert reverse("core:export_download", args=[job.pk]) in page and "hx-trigger" not in page
    assert "хранится 24 ч" in page
    rows = sheet_rows(client.get(reverse("core:export_download", args=[job.pk])))
    assert [row[0] for row in rows[1:]] == ["Барнаулов"]  # not the Perm child

    # Another user — even a federal administrator who could export everything — neither sees the job
    # nor downloads its file.
    client.logout()
    login(client, fed_admin)
    assert client.get(reverse("core:export_detail", args=[job.pk])).status_code == 404
    assert client.get(reverse("core:export_download", args=[job.pk])).status_code == 404
    client.logout()
    assert client.get(reverse("core:export_download", args=[job.pk])).status_code == 302  # to login


def test_a_download_is_audited_with_the_personal_data_it_carries(client, curator_altai, children):
    login(client, curator_altai)
    job = start_export(client, "?q=Барна")
    assert not AuditEntry.objects.filter(action=AuditAction.EXPORT).exists()
    response = client.get(reverse("core:export_download", args=[job.pk]))
    assert response.status_code == 200 and response["Cache-Control"] == "no-store"
    row = AuditEntry.objects.get(action=AuditAction.EXPORT)
    assert row.actor == curator_altai and row.details["kind"] == "children_export"
    assert row.details["count"] == 1 and row.details["filters"] == {"q": "Барна"}
    assert row.subject_id == centre("22").subject_id


def test_the_page_polls_while_the_job_runs_and_not_after(client, curator_altai):
    login(client, curator_altai)
    job = ExportJob.objects.create(kind="children", created_by=curator_altai, total_rows=10, processed_rows=4)
    page = client.get(reverse("core:export_detail", args=[job.pk])).content.decode()
    assert 'hx-trigger="every 2s"' in page and "40%" in page
    assert reverse("core:export_download", args=[job.pk]) not in page
    assert client.get(reverse("core:export_download", args=[job.pk])).status_code == 404
    partial = client.get(reverse("core:export_detail", args=[job.pk]), headers={"HX-Request": "true"})
    assert "<html" not in partial.content.decode() and "hx-get" in partial.content.decode()
    ExportJob.objects.filter(pk=job.pk).update(status=ExportStatus.FAILED, failure="Выгрузка не удалась.")
    page = client.get(reverse("core:export_detail", args=[job.pk])).content.decode()
    assert "hx-get" not in page and "Выгрузка не удалась." in page


def test_an_error_ends_the_job_failed_without_a_file_or_an_audit_row(
    client, curator_altai, children, monkeypatch
):
    def broken_rows(queryset, *, personal):
        yield ["первая строка"]
        raise RuntimeError("database went away")

    monkeypatch.setattr(cases_exports, "rows", broken_rows)
    login(client, curator_altai)
    job = start_export(client)
    job.refresh_from_db()
    assert job.status == ExportStatus.FAILED and job.failure == exports.FAILURE_MESSAGE
    assert not job.file and job.finished_at
    assert client.get(reverse("core:export_download", args=[job.pk])).status_code == 404
    assert not AuditEntry.objects.filter(action=AuditAction.EXPORT).exists()


def test_a_grant_revoked_before_the_worker_runs_fails_the_job(curator_altai, children):
    """The worker chooses the rows under the requester's grants at run time: fail closed."""
    job = ExportJob.objects.create(kind="children", created_by=curator_altai)
    curator_altai.grants.all().delete()
    exports.run_export_job(job)
    job.refresh_from_db()
    assert job.status == ExportStatus.FAILED and not job.file


def test_files_are_deleted_after_the_retention_period(curator_altai, settings):
    settings.EXPORT_RETENTION_HOURS = 24
    old = ExportJob.objects.create(
        kind="children",
        created_by=curator_altai,
        status=ExportStatus.DONE,
        finished_at=timezone.now() - timedelta(hours=25),
    )
    old.file.save("old.xlsx", ContentFile(b"x"))
    fresh = ExportJob.objects.create(
        kind="children", created_by=curator_altai, status=ExportStatus.DONE, finished_at=timezone.now()
    )
    fresh.file.save("fresh.xlsx", ContentFile(b"x"))
    path = old.file.path
    assert exports.purge_expired_exports() == 1
    old.refresh_from_db()
    fresh.refresh_from_db()
    assert old.status == ExportStatus.EXPIRED and not old.file
    assert not os.path.exists(path)
    assert fresh.status == ExportStatus.DONE and fresh.file


def test_a_job_whose_worker_died_is_failed_by_the_watchdog(curator_altai, settings):
    settings.EXPORT_JOB_TIME_LIMIT = 60
    stale = ExportJob.objects.create(kind="children", created_by=curator_altai, status=ExportStatus.RUNNING)
    ExportJob.objects.filter(pk=stale.pk).update(created_at=timezone.now() - timedelta(minutes=5))
    recent = ExportJob.objects.create(kind="children", created_by=curator_altai, status=ExportStatus.RUNNING)
    assert exports.fail_stale_exports() == 1
    stale.refresh_from_db()
    recent.refresh_from_db()
    assert stale.status == ExportStatus.FAILED and recent.status == ExportStatus.RUNNING
