from django.apps import AppConfig


class SupportConfig(AppConfig):
    name = "vyzov.support"
    label = "support"
    verbose_name = "Поддержка семей"
