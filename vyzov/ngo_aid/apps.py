from django.apps import AppConfig


class NgoAidConfig(AppConfig):
    name = "vyzov.ngo_aid"
    label = "ngo_aid"
    verbose_name = "Адресная помощь НКО-операторов"
