from django.apps import AppConfig


class ContestsConfig(AppConfig):
    name = "vyzov.contests"
    label = "contests"
    verbose_name = "Конкурсы «Город детей – город семей»"
