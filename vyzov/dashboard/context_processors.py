import time

from django.utils.functional import SimpleLazyObject

from .selectors import unread_count

SESSION_KEY = "dashboard.unread"
FRESH_SECONDS = 60


def unread_for(request) -> int:
    """The bell's unread count, kept in the session for a minute: computed at login and after the
    user reads notifications, so an ordinary page costs no query (the session is saved on every
    request anyway); what others send appears within a minute."""
    session = getattr(request, "session", None)
    cached = session.get(SESSION_KEY) if session is not None else None
    if cached and time.time() - cached[1] < FRESH_SECONDS:
        return cached[0]
    count = unread_count(actor=request.user)
    if session is not None:
        session[SESSION_KEY] = [count, time.time()]
    return count


def forget_unread(request) -> None:
    if getattr(request, "session", None) is not None:
        request.session.pop(SESSION_KEY, None)


def notifications(request):
    """The bell's unread count, evaluated only on pages that show the bell."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    return {"unread_notifications": SimpleLazyObject(lambda: unread_for(request))}
