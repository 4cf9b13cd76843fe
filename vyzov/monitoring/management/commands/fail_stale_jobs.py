"""Mark import jobs (the register's and the monitoring's) that stayed in flight past
IMPORT_JOB_TIME_LIMIT as failed. Run it when a `db_worker` starts."""

from django.core.management.base import BaseCommand

from vyzov.cases.imports import fail_stale_jobs
from vyzov.monitoring.imports import fail_stale_figure_jobs


class Command(BaseCommand):
    help = "Завершает как неудачные загрузки, которые выполняются дольше IMPORT_JOB_TIME_LIMIT секунд."

    def handle(self, *args, **options):
        count = fail_stale_jobs() + fail_stale_figure_jobs()
        self.stdout.write(f"Завершено зависших загрузок: {count}")
