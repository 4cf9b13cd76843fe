from django.apps import AppConfig


class BenchConfig(AppConfig):
    name = "vyzov.bench"
    verbose_name = "Замеры и национальный набор данных"
