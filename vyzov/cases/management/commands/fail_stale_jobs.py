"""Mark import jobs that stayed in flight past IMPORT_JOB_TIME_LIMIT as failed (run at worker start)."""

from django.core.management.base import BaseCommand

from vyzov.cases.imports import fail_stale_jobs


class Command(BaseCommand):
    help = "Завершает как неудачные загрузки, которые выполняются дольше IMPORT_JOB_TIME_LIMIT секунд."

    def handle(self, *args, **options):
        count = fail_stale_jobs()
        self.stdout.write(f"Завершено зависших загрузок: {count}")
