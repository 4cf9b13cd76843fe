"""Background work of the core (run by `manage.py db_worker`; immediately in tests)."""

from django_tasks import task

from .exports import run_export_job
from .models import ExportJob


@task()
def run_export(job_id: int) -> None:
    run_export_job(ExportJob.objects.select_related("created_by").get(pk=job_id))
