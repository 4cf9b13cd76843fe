from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "vyzov.accounts"
    label = "accounts"
    verbose_name = "Пользователи и доступ"

    def ready(self) -> None:
        from . import signals  # noqa: F401  (login auditing)
