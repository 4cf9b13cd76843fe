from django.core.management.base import BaseCommand

from vyzov.territories.reference import load_territories


class Command(BaseCommand):
    help = "Загружает справочники территорий: округа, субъекты, муниципалитеты. Повторный запуск безопасен."

    def handle(self, *args, **options):
        counts = load_territories()
        self.stdout.write(
            self.style.SUCCESS(
                f"Округов: {counts['districts']}, субъектов: {counts['subjects']}, "
                f"муниципалитетов: {counts['municipalities']}"
            )
        )
