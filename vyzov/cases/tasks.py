"""Background work of the register (run by `manage.py db_worker`; immediately in tests)."""

from django_tasks import task

from .imports import fail_stale_jobs, run_import_job
from .models import ImportJob


@task()
def run_import(job_id: int) -> None:
    # A worker that starts work first ends what a stopped worker left in flight past the time limit.
    fail_stale_jobs()
    run_import_job(ImportJob.objects.select_related("subject", "created_by").get(pk=job_id))
