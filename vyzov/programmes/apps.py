from django.apps import AppConfig


class ProgrammesConfig(AppConfig):
    name = "vyzov.programmes"
    label = "programmes"
    verbose_name = "Региональные программы и управление"
