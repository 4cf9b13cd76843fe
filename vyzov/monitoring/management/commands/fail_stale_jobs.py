"""Mark import jobs (the register's and the monitoring's) that stayed in flight past
IMPORT_JOB_TIME_LIMIT, and export jobs past EXPORT_JOB_TIME_LIMIT, as failed; delete export files past
EXPORT_RETENTION_HOURS. Run it when a `db_worker` starts and from the watchdog timer."""

from django.core.management.base import BaseCommand

from vyzov.cases.imports import fail_stale_jobs
from vyzov.core.exports import fail_stale_exports, purge_expired_exports
from vyzov.monitoring.imports import fail_stale_figure_jobs


class Command(BaseCommand):
    help = (
        "Завершает как неудачные загрузки и выгрузки, которые выполняются дольше предела, "
        "и удаляет файлы выгрузок с истёкшим сроком хранения."
    )

    def handle(self, *args, **options):
        count = fail_stale_jobs() + fail_stale_figure_jobs()
        self.stdout.write(f"Завершено зависших загрузок: {count}")
        self.stdout.write(f"Завершено зависших выгрузок: {fail_stale_exports()}")
        self.stdout.write(f"Удалено файлов выгрузок с истёкшим сроком: {purge_expired_exports()}")
