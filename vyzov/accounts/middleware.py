"""Times are stored in UTC and shown in the time zone of the user's subject of the Federation."""

import zoneinfo

from django.utils import timezone

SESSION_KEY = "vyzov_timezone"


def remember_timezone(request, user) -> None:
    subject = user.home_subject
    if subject is None:
        grant = user.grants.select_related("subject").filter(subject__isnull=False).first()
        subject = grant.subject if grant else None
    if subject is not None:
        request.session[SESSION_KEY] = subject.timezone


class UserTimezoneMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        name = request.session.get(SESSION_KEY) if hasattr(request, "session") else None
        if name:
            try:
                timezone.activate(zoneinfo.ZoneInfo(name))
            except (zoneinfo.ZoneInfoNotFoundError, ValueError):
                timezone.deactivate()
        else:
            timezone.deactivate()
        try:
            return self.get_response(request)
        finally:
            # The thread serves other requests (and tasks) next: never leak one user's zone into them.
            timezone.deactivate()
