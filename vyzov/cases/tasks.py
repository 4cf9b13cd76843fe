"""Background work of the register (run by `manage.py db_worker`; immediately in tests)."""

from django_tasks import task

from .imports import run_import_job
from .models import ImportJob


@task()
def run_import(job_id: int) -> None:
    run_import_job(ImportJob.objects.select_related("subject", "created_by").get(pk=job_id))
