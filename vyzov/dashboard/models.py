"""In-app notifications and each user's e-mail preference for them."""

from django.conf import settings
from django.db import models


class Kind(models.TextChoices):
    ASSIGNMENT = "assignment", "назначение"
    RETURN = "return", "возврат на доработку"
    APPROVAL = "approval", "одобрение"
    DEADLINE = "deadline", "срок"


class Notification(models.Model):
    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="получатель",
        on_delete=models.CASCADE,
        related_name="notifications",
    )
    kind = models.CharField("вид", max_length=12, choices=Kind.choices)
    title = models.CharField("текст", max_length=300)
    url = models.CharField("ссылка", max_length=500)
    created_at = models.DateTimeField("создано", auto_now_add=True, db_index=True)
    read_at = models.DateTimeField("прочитано", null=True, blank=True)
    emailed_at = models.DateTimeField("отправлено письмом", null=True, blank=True)
    digested_at = models.DateTimeField("вошло в сводку", null=True, blank=True)

    class Meta:
        verbose_name = "уведомление"
        verbose_name_plural = "уведомления"
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["recipient", "read_at"], name="notification_unread")]

    def __str__(self) -> str:
        return self.title

    @property
    def is_read(self) -> bool:
        return self.read_at is not None


class NotificationPreference(models.Model):
    """Absent row = the defaults (both e-mails on)."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        verbose_name="пользователь",
        on_delete=models.CASCADE,
        related_name="notification_preference",
    )
    email_each = models.BooleanField("Письмо о каждом уведомлении", default=True)
    email_digest = models.BooleanField("Ежедневная сводка непрочитанных уведомлений", default=True)

    class Meta:
        verbose_name = "настройка уведомлений"
        verbose_name_plural = "настройки уведомлений"

    def __str__(self) -> str:
        return f"Уведомления: {self.user}"
