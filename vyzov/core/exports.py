"""Large XLSX exports as background jobs: the request queues a job, a worker writes the file.

An app registers a *planner* for each kind of export (`@register("children", "Реестр детей")`). The
planner runs in the worker with the requester and the filters of the request, chooses the rows under the
requester's scope *at that moment* (a grant revoked meanwhile is respected) and returns an `ExportPlan`:
header, rows, the expected number of rows (for the progress bar) and the audit row(s) to write once the
file exists. The file is kept EXPORT_RETENTION_HOURS, then deleted (`purge_expired_exports`, run by
`fail_stale_jobs` — the watchdog timer — and whenever an export runs).
"""

from __future__ import annotations

import logging
import tempfile
import uuid
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import timedelta

from django.conf import settings
from django.core.files import File
from django.db import transaction
from django.utils import timezone
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Font

from .models import ExportJob, ExportStatus
from .services import json_filters
from .xlsx import new_workbook, safe_cell_value

logger = logging.getLogger(__name__)

PROGRESS_EVERY = 2000  # rows between two progress updates of the job row
FAILURE_MESSAGE = "Выгрузка не удалась. Попробуйте ещё раз; если ошибка повторится — сузьте фильтры."


@dataclass
class ExportPlan:
    filename: str
    sheet_title: str
    header: Sequence[str]
    rows: Iterable[Sequence]
    total: int
    # What the audit row of each download says (core.services.export_download_audit): the number of
    # people whose personal data the file carries (0 — none) under `personal_kind`, else `object_repr`.
    object_repr: str
    personal_kind: str = ""
    personal_count: int = 0
    subject_id: int | None = None
    scope_perm: str | None = None
    filters: dict = field(default_factory=dict)


Planner = Callable[..., ExportPlan]  # planner(*, actor, params) -> ExportPlan


@dataclass(frozen=True)
class Exporter:
    kind: str
    title: str
    planner: Planner


_REGISTRY: dict[str, Exporter] = {}


def register(kind: str, title: str) -> Callable[[Planner], Planner]:
    def decorator(planner: Planner) -> Planner:
        _REGISTRY[kind] = Exporter(kind=kind, title=title, planner=planner)
        return planner

    return decorator


def exporter(kind: str) -> Exporter:
    return _REGISTRY[kind]


def title_of(job: ExportJob) -> str:
    found = _REGISTRY.get(job.kind)
    return found.title if found else job.kind


def time_limit() -> int:
    return int(getattr(settings, "EXPORT_JOB_TIME_LIMIT", 1800))


def retention() -> timedelta:
    return timedelta(hours=int(getattr(settings, "EXPORT_RETENTION_HOURS", 24)))


def _write(job: ExportJob, plan: ExportPlan, spool) -> None:
    workbook = new_workbook(write_only=True)
    sheet = workbook.create_sheet(title=plan.sheet_title[:31])
    bold = Font(bold=True)
    header = []
    for title in plan.header:
        cell = WriteOnlyCell(sheet, value=safe_cell_value(title))
        cell.font = bold
        header.append(cell)
    sheet.append(header)
    written = 0
    for row in plan.rows:
        sheet.append([safe_cell_value(value) for value in row])
        written += 1
        if written % PROGRESS_EVERY == 0:
            ExportJob.objects.filter(pk=job.pk).update(processed_rows=written)
    workbook.save(spool)
    job.processed_rows = written


def run_export_job(job: ExportJob) -> ExportJob:
    """Write the file of a queued job. Any error ends the job «не удалась» (never half-done)."""
    purge_expired_exports()
    fail_stale_exports()
    claimed = ExportJob.objects.filter(pk=job.pk, status=ExportStatus.QUEUED).update(
        status=ExportStatus.RUNNING, started_at=timezone.now()
    )
    if not claimed:
        return job
    job.refresh_from_db()
    try:
        plan = exporter(job.kind).planner(actor=job.created_by, params=job.params)
        ExportJob.objects.filter(pk=job.pk).update(total_rows=plan.total)
        job.total_rows = plan.total
        with tempfile.TemporaryFile(suffix=".xlsx") as spool:
            _write(job, plan, spool)
            spool.seek(0)
            with transaction.atomic():
                job.file.save(f"{uuid.uuid4().hex}.xlsx", File(spool), save=False)
                job.filename = plan.filename
                job.personal = plan.personal_count > 0
                job.audit = {
                    "object_repr": plan.object_repr,
                    "personal_kind": plan.personal_kind,
                    "personal_count": plan.personal_count,
                    "subject_id": plan.subject_id,
                    "scope_perm": plan.scope_perm,
                    "filters": json_filters(plan.filters),
                }
                job.status = ExportStatus.DONE
                job.finished_at = timezone.now()
                job.save()
    except Exception:
        logger.exception("export job %s (%s) failed", job.pk, job.kind)
        if job.file:
            job.file.delete(save=False)
        ExportJob.objects.filter(pk=job.pk).update(
            status=ExportStatus.FAILED, failure=FAILURE_MESSAGE, finished_at=timezone.now(), file=""
        )
        job.refresh_from_db()
    return job


def fail_stale_exports() -> int:
    """Jobs in flight past the time limit (their worker died) end «не удалась»: no page polls forever."""
    limit = timezone.now() - timedelta(seconds=time_limit())
    stale = ExportJob.objects.filter(
        status__in=[ExportStatus.QUEUED, ExportStatus.RUNNING], created_at__lt=limit
    )
    return stale.update(
        status=ExportStatus.FAILED,
        failure="Выгрузка не завершилась вовремя (обработчик остановлен). Запустите её снова.",
        finished_at=timezone.now(),
    )


def purge_expired_exports() -> int:
    """Delete the files of exports older than the retention period; the job rows stay (history)."""
    deadline = timezone.now() - retention()
    count = 0
    for job in ExportJob.objects.filter(status=ExportStatus.DONE, finished_at__lt=deadline):
        if job.file:
            job.file.delete(save=False)
        ExportJob.objects.filter(pk=job.pk).update(status=ExportStatus.EXPIRED, file="")
        count += 1
    return count


def params_querydict(params: dict):
    """The stored filters as the QueryDict a filter form reads."""
    from django.http import QueryDict

    query = QueryDict(mutable=True)
    for key, values in params.items():
        query.setlist(key, values if isinstance(values, list) else [values])
    return query
