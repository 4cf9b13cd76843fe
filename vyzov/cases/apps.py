from django.apps import AppConfig


class CasesConfig(AppConfig):
    name = "vyzov.cases"
    label = "cases"
    verbose_name = "Реестр детей и семей"

    def ready(self):
        from . import exports, pickers  # noqa: F401  (register this app's exports and picker lookups)
