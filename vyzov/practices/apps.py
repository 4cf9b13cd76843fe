from django.apps import AppConfig


class PracticesConfig(AppConfig):
    name = "vyzov.practices"
    label = "practices"
    verbose_name = "Библиотека практик"
