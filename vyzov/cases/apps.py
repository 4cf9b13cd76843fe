from django.apps import AppConfig


class CasesConfig(AppConfig):
    name = "vyzov.cases"
    label = "cases"
    verbose_name = "Реестр детей и семей"

    def ready(self):
        from . import pickers  # noqa: F401  (registers the lookups of this app's pickers)
