"""Base model for domain tables and the append-only audit log."""

from typing import Any

from django.conf import settings
from django.db import models


class BaseModel(models.Model):
    """Timestamps, authorship and a version number for optimistic locking.

    `version` is bumped by every update made through `vyzov.core.services.save_with_version`,
    so two people editing the same record cannot silently overwrite each other.
    """

    created_at = models.DateTimeField("создано", auto_now_add=True)
    updated_at = models.DateTimeField("изменено", auto_now=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="кто создал",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="кто изменил",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    version = models.PositiveIntegerField("версия", default=1, editable=False)

    # Columns computed from others (search keys…); refreshed on every save, versioned or not.
    derived_fields: tuple[str, ...] = ()

    class Meta:
        abstract = True

    def save(self, *args: Any, **kwargs: Any) -> None:
        self.compute_derived()
        super().save(*args, **kwargs)

    def compute_derived(self) -> None:
        """Fill `derived_fields` from the other columns."""


class AuditAction(models.TextChoices):
    CREATE = "create", "Создание"
    UPDATE = "update", "Изменение"
    DELETE = "delete", "Удаление"
    VIEW_PERSONAL = "view_personal", "Просмотр персональных данных"
    EXPORT = "export", "Выгрузка"
    IMPORT = "import", "Загрузка"
    LOGIN = "login", "Вход"
    LOGIN_FAILED = "login_failed", "Неудачный вход"
    LOGOUT = "logout", "Выход"
    PASSWORD_CHANGE = "password_change", "Смена пароля"
    TOKEN_CREATE = "token_create", "Выпуск API-токена"
    MERGE = "merge", "Объединение"
    STATUS_CHANGE = "status_change", "Смена статуса"


# Filters of a personal-data read (details["filters"]) in the words of the audit page.
AUDIT_FILTER_LABELS = {
    "q": "поиск",
    "subject": "субъект РФ",
    "municipality": "муниципалитет",
    "organization": "организация",
    "placed": "в организации",
    "age_min": "возраст от",
    "age_max": "возраст до",
    "legal_status": "правовой статус",
    "has_living_parents": "есть живые родители",
    "months_in_institution": "месяцев в организации не меньше",
    "goal": "цель маршрута",
    "overdue_review": "пересмотр просрочен",
    "sort": "сортировка",
    "meeting": "заседание",
    "page": "страница",
}


# Filters holding text the user typed: a search for «Иванов» is a name, so showing it is a personal read.
AUDIT_SEARCH_FILTERS = frozenset({"q", "search"})


class AuditEntryQuerySet(models.QuerySet):
    def update(self, **kwargs):
        raise TypeError("Журнал аудита только дополняется: изменение записей запрещено.")

    def delete(self):
        raise TypeError("Журнал аудита только дополняется: удаление записей запрещено.")


class AuditEntry(models.Model):
    """Who did what to which object, when and from where. Append-only.

    The application refuses updates and deletes here; on PostgreSQL a trigger refuses them too
    (migration 0002), so not even a raw SQL statement from the application role can rewrite history.
    """

    at = models.DateTimeField("когда", auto_now_add=True, db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="пользователь",
        on_delete=models.DO_NOTHING,
        db_constraint=False,
        null=True,
        blank=True,
        related_name="+",
    )
    actor_username = models.CharField("имя входа", max_length=150, blank=True)
    action = models.CharField("действие", max_length=32, choices=AuditAction.choices)
    object_type = models.CharField("тип объекта", max_length=100, blank=True)
    object_id = models.CharField("идентификатор объекта", max_length=64, blank=True)
    object_repr = models.CharField("объект", max_length=255, blank=True)
    subject = models.ForeignKey(
        "territories.Subject",
        verbose_name="субъект РФ",
        on_delete=models.DO_NOTHING,
        db_constraint=False,
        null=True,
        blank=True,
        related_name="+",
    )
    ip = models.GenericIPAddressField("IP-адрес", null=True, blank=True)
    details = models.JSONField("подробности", default=dict, blank=True)

    objects = AuditEntryQuerySet.as_manager()

    access_paths = {"district": "subject__district", "subject": "subject"}
    view_permission = "core.view_audit"

    class Meta:
        verbose_name = "запись журнала аудита"
        verbose_name_plural = "журнал аудита"
        ordering = ["-at", "-id"]
        indexes = [
            models.Index(fields=["subject", "-at"], name="audit_subject_at"),
            models.Index(fields=["actor", "-at"], name="audit_actor_at"),
            models.Index(fields=["object_type", "object_id"], name="audit_object"),
        ]

    def __str__(self) -> str:
        return (
            f"{self.at:%Y-%m-%d %H:%M} {self.actor_username} {self.get_action_display()} {self.object_repr}"
        )

    def save(self, *args: Any, **kwargs: Any) -> None:
        if self.pk is not None:
            raise TypeError("Журнал аудита только дополняется: изменение записей запрещено.")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise TypeError("Журнал аудита только дополняется: удаление записей запрещено.")

    @property
    def object_type_display(self) -> str:
        """«пользователь» for «accounts.user»: the model's Russian name (the code itself if it is gone)."""
        from django.apps import apps

        try:
            return str(apps.get_model(self.object_type)._meta.verbose_name)
        except (LookupError, ValueError):
            return self.object_type

    @property
    def filters_display(self) -> str:
        """The filters of a list read, e.g. «субъект РФ: 22; поиск: Иванов»."""
        filters = self.details.get("filters") if isinstance(self.details, dict) else None
        if not isinstance(filters, dict):
            return ""
        return "; ".join(f"{AUDIT_FILTER_LABELS.get(key, key)}: {value}" for key, value in filters.items())

    @property
    def shows_search_text(self) -> bool:
        """Whether the row's filters hold typed search text (often a person's name)."""
        filters = self.details.get("filters") if isinstance(self.details, dict) else None
        return isinstance(filters, dict) and any(filters.get(key) for key in AUDIT_SEARCH_FILTERS)


class ExportStatus(models.TextChoices):
    QUEUED = "queued", "в очереди"
    RUNNING = "running", "формируется"
    DONE = "done", "готова"
    FAILED = "failed", "не удалась"
    EXPIRED = "expired", "файл удалён (истёк срок хранения)"


class ExportJob(BaseModel):
    """One large XLSX export, written by a background task (vyzov/core/exports.py).

    Only the person who asked for it may see the job and download the file; the file is deleted after
    EXPORT_RETENTION_HOURS. The rows are chosen by the worker under the requester's scope at run time.
    """

    kind = models.CharField("выгрузка", max_length=50)
    params = models.JSONField("фильтры", default=dict, blank=True)
    status = models.CharField(
        "состояние", max_length=20, choices=ExportStatus.choices, default=ExportStatus.QUEUED
    )
    total_rows = models.PositiveIntegerField("строк всего", default=0)
    processed_rows = models.PositiveIntegerField("записано строк", default=0)
    file = models.FileField("файл", upload_to="exports/%Y/%m/", blank=True)
    filename = models.CharField("имя файла", max_length=200, blank=True)
    personal = models.BooleanField("с персональными данными", default=False)
    # What each download writes to the audit log (core.services.export_download_audit).
    audit = models.JSONField("для журнала аудита", default=dict, blank=True)
    failure = models.CharField("почему не удалась", max_length=500, blank=True)
    started_at = models.DateTimeField("начата", null=True, blank=True)
    finished_at = models.DateTimeField("завершена", null=True, blank=True)

    class Meta:
        verbose_name = "выгрузка"
        verbose_name_plural = "выгрузки"
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["created_by", "-created_at"], name="export_owner_created")]

    def __str__(self) -> str:
        return f"Выгрузка № {self.pk}"

    @property
    def is_running(self) -> bool:
        return self.status in (ExportStatus.QUEUED, ExportStatus.RUNNING)

    @property
    def progress_percent(self) -> int:
        if not self.total_rows:
            return 0
        return min(100, round(100 * self.processed_rows / self.total_rows))
