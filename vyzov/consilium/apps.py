from django.apps import AppConfig


class ConsiliumConfig(AppConfig):
    name = "vyzov.consilium"
    label = "consilium"
    verbose_name = "Межведомственные консилиумы"

    def ready(self) -> None:
        from . import pickers  # noqa: F401  (registers the lookups of this app's pickers)
