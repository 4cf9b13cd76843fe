from django.core.management.base import BaseCommand

from vyzov.consilium.tasks import send_action_item_reminders


class Command(BaseCommand):
    help = "Ставит в очередь напоминания исполнителям о поручениях к сроку (запускать раз в день, cron)."

    def handle(self, *args, **options):
        result = send_action_item_reminders.enqueue()
        self.stdout.write(f"Задача поставлена: {result.id}")
