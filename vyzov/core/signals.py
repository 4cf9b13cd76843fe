"""Hooks from the domain services to the layers above them (the dashboard's notifications).

A domain app must not import the dashboard, so it announces what happened here and the dashboard
listens (vyzov/dashboard/receivers.py). Every signal is sent with keyword arguments:
``recipients`` (users; inactive ones and ``None`` are skipped), ``title`` (Russian, one line) and
``url`` (the page of the item, one click away).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.dispatch import Signal

if TYPE_CHECKING:
    from vyzov.accounts.models import User

work_assigned = Signal()  # an action item, an application to score, a case handed over
work_returned = Signal()  # returned for rework: an aid request, a quarterly report, an application
work_approved = Signal()  # approved or accepted: an aid request, a quarterly report
deadline_due = Signal()  # a deadline is near or passed (sent by the daily reminders)


def announce(signal: Signal, *, sender, recipients, title: str, url: str, actor: User | None = None) -> None:
    """Send one of the signals above; nobody is told of their own action, and a no-op when nobody
    is left to be told."""
    recipients = [user for user in recipients if user is not None and (actor is None or user.pk != actor.pk)]
    if recipients:
        signal.send(sender=sender, recipients=recipients, title=title, url=url)
