"""Times are stored in UTC and shown in the time zone of the user's subject of the Federation."""

import zoneinfo
from urllib.parse import urlencode

from django.conf import settings
from django.http import HttpResponse, HttpResponseRedirect, JsonResponse
from django.urls import reverse
from django.utils import timezone
from django_otp.middleware import OTPMiddleware

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


class TwoFactorMiddleware(OTPMiddleware):
    """django-otp's middleware (`request.user.is_verified()`), plus the rule of two_factor.py: a signed-in
    session that still owes its second step reaches only the two-factor pages and logout. Pages redirect
    there; the API answers 403 with a Russian message."""

    async_capable = False

    def __call__(self, request):
        self._install_lazy_accessors(request)
        return self._refusal(request) or self.get_response(request)

    def _refusal(self, request):
        from . import two_factor

        user = getattr(request, "user", None)
        if user is None or not user.is_authenticated or not two_factor.needs_second_step(request):
            return None
        if request.path in _open_paths() or request.path.startswith(settings.STATIC_URL):
            return None
        state = two_factor.session_state(request)
        message = two_factor.VERIFY_MESSAGE if state == two_factor.VERIFY else two_factor.REQUIRED_MESSAGE
        if request.path.startswith("/api/"):
            return JsonResponse({"detail": message}, status=403)
        target = reverse(
            "accounts:two_factor_verify" if state == two_factor.VERIFY else "accounts:two_factor_setup"
        )
        if request.method == "GET":
            target = f"{target}?{urlencode({'next': request.get_full_path()})}"
        if getattr(request, "htmx", False):
            response = HttpResponse(status=204)
            response["HX-Redirect"] = target
            return response
        return HttpResponseRedirect(target)


def _open_paths() -> set[str]:
    """The pages a session owing its second step may still open."""
    return {
        reverse(name)
        for name in (
            "accounts:login",
            "accounts:logout",
            "accounts:two_factor_verify",
            "accounts:two_factor_setup",
        )
    }
