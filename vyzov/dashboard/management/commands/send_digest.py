from django.core.management.base import BaseCommand

from vyzov.dashboard.tasks import send_notification_digest


class Command(BaseCommand):
    help = (
        "Ставит в очередь ежедневную сводку: каждому пользователю — письмо с непрочитанными "
        "уведомлениями за сутки, каждое уведомление не больше одного раза (раз в день: таймер deploy/systemd/vyzov-digest.timer)."
    )

    def handle(self, *args, **options):
        result = send_notification_digest.enqueue()
        self.stdout.write(f"Задача поставлена: {result.id}")
