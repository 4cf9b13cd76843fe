from django.apps import AppConfig


class CasesConfig(AppConfig):
    name = "vyzov.cases"
    label = "cases"
    verbose_name = "Реестр детей и семей"
