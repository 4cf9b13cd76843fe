from django.apps import AppConfig


class NgoAidConfig(AppConfig):
    name = "vyzov.ngo_aid"
    label = "ngo_aid"
    verbose_name = "Адресная помощь НКО-операторов"

    def ready(self):
        from . import pickers  # noqa: F401  (registers the lookups of this app's pickers)
