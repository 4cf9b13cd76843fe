from django.apps import AppConfig


class MonitoringConfig(AppConfig):
    name = "vyzov.monitoring"
    label = "monitoring"
    verbose_name = "Мониторинг и ситуационный центр"
