"""Notifications: one service creates them (and e-mails them), the page marks them read, the daily
digest e-mails what is still unread."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.utils import timezone

from vyzov.accounts.models import User

from .models import Kind, Notification, NotificationPreference


def _absolute(url: str) -> str:
    return getattr(settings, "SITE_URL", "").rstrip("/") + url


def preference_of(user: User) -> NotificationPreference:
    """The user's preference; the defaults (everything on) when they never changed it."""
    return NotificationPreference.objects.filter(user=user).first() or NotificationPreference(user=user)


def preference_set(*, actor: User, email_each: bool, email_digest: bool) -> NotificationPreference:
    preference, _ = NotificationPreference.objects.update_or_create(
        user=actor, defaults={"email_each": email_each, "email_digest": email_digest}
    )
    return preference


def _email_each(notification_ids: list[int]) -> None:
    notifications = Notification.objects.filter(
        pk__in=notification_ids, emailed_at__isnull=True
    ).select_related("recipient")
    opted_out = set(
        NotificationPreference.objects.filter(
            user__in=[n.recipient_id for n in notifications], email_each=False
        ).values_list("user_id", flat=True)
    )
    sent = []
    for notification in notifications:
        recipient = notification.recipient
        if recipient.pk in opted_out or not recipient.email:
            continue
        send_mail(
            subject=f"«Вызов»: {notification.title[:150]}",
            message=f"{notification.title}\n\nОткрыть: {_absolute(notification.url)}\n\n"
            "Отключить письма можно в профиле, раздел «Уведомления».",
            from_email=None,
            recipient_list=[recipient.email],
        )
        sent.append(notification.pk)
    Notification.objects.filter(pk__in=sent).update(emailed_at=timezone.now())


def notify(
    *, recipients: Iterable[User | None], kind: str, title: str, url: str, email: bool = True
) -> list[Notification]:
    """Tell each (active) recipient in the app, and by e-mail unless they opted out (or `email` is
    off: the caller has e-mailed already). The e-mail goes after the transaction commits, so a
    rolled-back action sends nothing."""
    if kind not in Kind.values:
        raise ValueError(f"Unknown notification kind: {kind}")
    unique = {user.pk: user for user in recipients if user is not None and user.is_active}
    notifications = Notification.objects.bulk_create(
        [
            Notification(recipient=user, kind=kind, title=title[:300], url=url[:500])
            for user in unique.values()
        ]
    )
    ids = [n.pk for n in notifications if n.pk is not None]
    if ids and email:
        transaction.on_commit(lambda: _email_each(ids))
    return notifications


def notification_read(*, actor: User, notification: Notification) -> Notification:
    if notification.recipient_id != actor.pk:
        raise PermissionError("Not the recipient")
    if notification.read_at is None:
        notification.read_at = timezone.now()
        notification.save(update_fields=["read_at"])
    return notification


def notifications_read_all(*, actor: User) -> int:
    return Notification.objects.filter(recipient=actor, read_at__isnull=True).update(read_at=timezone.now())


def digest_send(*, now: dt.datetime | None = None) -> int:
    """E-mail each user their unread notifications of the last day, each notification once at most.
    Returns the number of letters sent."""
    now = now or timezone.now()
    pending = (
        Notification.objects.filter(
            read_at__isnull=True,
            digested_at__isnull=True,
            created_at__gte=now - dt.timedelta(days=1),
            recipient__is_active=True,
        )
        .exclude(recipient__notification_preference__email_digest=False)
        .exclude(recipient__email="")
        .select_related("recipient")
        .order_by("recipient_id", "-created_at")
    )
    by_user: dict[int, list[Notification]] = {}
    for notification in pending:
        by_user.setdefault(notification.recipient_id, []).append(notification)
    for items in by_user.values():
        lines = [f"— {n.title} ({n.get_kind_display()}): {_absolute(n.url)}" for n in items]
        send_mail(
            subject=f"«Вызов»: непрочитанные уведомления за сутки ({len(items)})",
            message="За последние сутки для вас:\n\n"
            + "\n".join(lines)
            + "\n\nВсе уведомления — на странице «Уведомления» в системе «Вызов».",
            from_email=None,
            recipient_list=[items[0].recipient.email],
        )
    Notification.objects.filter(pk__in=[n.pk for items in by_user.values() for n in items]).update(
        digested_at=now
    )
    return len(by_user)
