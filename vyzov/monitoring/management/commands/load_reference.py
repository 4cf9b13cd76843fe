from django.core.management.base import BaseCommand

from vyzov.monitoring.reference import load_all as load_monitoring_reference
from vyzov.territories.reference import load_territories


class Command(BaseCommand):
    help = "Загружает справочники территорий: округа, субъекты, муниципалитеты. Повторный запуск безопасен."

    def handle(self, *args, **options):
        counts = load_territories()
        load_monitoring_reference()
        self.stdout.write(
            self.style.SUCCESS(
                f"Округов: {counts['districts']}, субъектов: {counts['subjects']}, "
                f"муниципалитетов: {counts['municipalities']}"
            )
        )
