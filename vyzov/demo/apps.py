from django.apps import AppConfig


class DemoConfig(AppConfig):
    name = "vyzov.demo"
    verbose_name = "Демонстрационные данные"
