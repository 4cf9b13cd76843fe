from django.apps import AppConfig


class SupportConfig(AppConfig):
    name = "vyzov.support"
    label = "support"
    verbose_name = "Поддержка семей"

    def ready(self):
        from . import pickers  # noqa: F401  (registers the lookups of this app's pickers)
