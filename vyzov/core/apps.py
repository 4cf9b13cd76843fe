from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "vyzov.core"
    label = "core"
    verbose_name = "Ядро"
