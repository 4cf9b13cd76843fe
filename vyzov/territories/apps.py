from django.apps import AppConfig


class TerritoriesConfig(AppConfig):
    name = "vyzov.territories"
    label = "territories"
    verbose_name = "Территории и организации"
