from django.core.management.base import BaseCommand

from vyzov.consilium.tasks import send_action_item_reminders
from vyzov.monitoring.tasks import send_report_reminders


class Command(BaseCommand):
    help = (
        "Ставит в очередь ежедневные напоминания: исполнителям — о поручениях к сроку, регионам — о "
        "квартальных отчётах мониторинга к сроку и просроченных (запускать раз в день, cron)."
    )

    def handle(self, *args, **options):
        for task in (send_action_item_reminders, send_report_reminders):
            result = task.enqueue()
            self.stdout.write(f"Задача поставлена: {result.id}")
