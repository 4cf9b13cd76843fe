from django.apps import AppConfig


class DashboardConfig(AppConfig):
    """Composition above the domain apps: home pages as work queues, global search, notifications."""

    name = "vyzov.dashboard"
    label = "dashboard"
    verbose_name = "Рабочий стол"

    def ready(self) -> None:
        from . import receivers  # noqa: F401 — connects the notification receivers
