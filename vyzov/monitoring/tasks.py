"""Background work of the monitoring (run by `manage.py db_worker`; immediately in tests)."""

from django_tasks import task

from vyzov.cases.imports import fail_stale_jobs

from .imports import fail_stale_figure_jobs, run_figure_import_job
from .models import FigureImportJob
from .services import report_reminders_send


@task()
def run_figure_import(job_id: int) -> None:
    # A worker that starts work first ends what a stopped worker left in flight past the time limit.
    fail_stale_jobs()
    fail_stale_figure_jobs()
    run_figure_import_job(FigureImportJob.objects.select_related("created_by").get(pk=job_id))


@task()
def send_report_reminders() -> int:
    return report_reminders_send()
