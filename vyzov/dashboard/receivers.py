"""The domain services announce through vyzov.core.signals; here they become notifications."""

import time

from django.contrib.auth.signals import user_logged_in
from django.dispatch import receiver

from vyzov.core import signals

from .context_processors import SESSION_KEY
from .models import Kind
from .selectors import unread_count
from .services import notify


@receiver(signals.work_assigned, dispatch_uid="dashboard.work_assigned")
def on_work_assigned(sender, *, recipients, title, url, **kwargs):
    notify(recipients=recipients, kind=Kind.ASSIGNMENT, title=title, url=url)


@receiver(signals.work_returned, dispatch_uid="dashboard.work_returned")
def on_work_returned(sender, *, recipients, title, url, **kwargs):
    notify(recipients=recipients, kind=Kind.RETURN, title=title, url=url)


@receiver(signals.work_approved, dispatch_uid="dashboard.work_approved")
def on_work_approved(sender, *, recipients, title, url, **kwargs):
    notify(recipients=recipients, kind=Kind.APPROVAL, title=title, url=url)


@receiver(signals.deadline_due, dispatch_uid="dashboard.deadline_due")
def on_deadline_due(sender, *, recipients, title, url, **kwargs):
    # Sent by the daily reminders, which e-mail these items themselves: in the app (and the digest) only.
    notify(recipients=recipients, kind=Kind.DEADLINE, title=title, url=url, email=False)


@receiver(user_logged_in, dispatch_uid="dashboard.unread_at_login")
def count_unread_at_login(sender, request, user, **kwargs):
    if request is not None and hasattr(request, "session"):
        request.session[SESSION_KEY] = [unread_count(actor=user), time.time()]
