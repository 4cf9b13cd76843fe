from django.apps import AppConfig


class ConsiliumConfig(AppConfig):
    name = "vyzov.consilium"
    label = "consilium"
    verbose_name = "Межведомственные консилиумы"
