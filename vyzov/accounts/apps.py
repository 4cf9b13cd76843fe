from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "vyzov.accounts"
    label = "accounts"
    verbose_name = "Пользователи и доступ"

    def ready(self) -> None:
        from vyzov.core.services import register_scope_subject_resolver

        from . import audit_exports, signals  # noqa: F401  (the audit export planner; login auditing)
        from .access import personal_scope_subject_id

        register_scope_subject_resolver(personal_scope_subject_id)
