"""Keeps the client address of the current request where the audit service can read it."""

from contextvars import ContextVar

from django.conf import settings
from ipware import get_client_ip

current_ip: ContextVar[str | None] = ContextVar("current_ip", default=None)


def client_ip(request) -> str | None:
    """The client's address; X-Forwarded-For is trusted only behind the configured number of proxies."""
    ip, _routable = get_client_ip(
        request,
        proxy_count=settings.VYZOV_PROXY_COUNT or None,
        request_header_order=settings.AXES_IPWARE_META_PRECEDENCE_ORDER,
    )
    return ip


class RequestContextMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        token = current_ip.set(client_ip(request))
        try:
            return self.get_response(request)
        finally:
            current_ip.reset(token)


# ---- privacy headers ------------------------------------------------------------------------------

# Set per request by PrivacyHeadersMiddleware: a mutable box, so that a mark made anywhere inside the
# view (a service, a serializer, a worker thread of an async wrapper) reaches the middleware.
_personal_box: ContextVar[dict | None] = ContextVar("personal_box", default=None)

PERMISSIONS_POLICY = (
    "accelerometer=(), camera=(), display-capture=(), geolocation=(), gyroscope=(), magnetometer=(), "
    "microphone=(), midi=(), payment=(), usb=()"
)


def mark_personal_response() -> None:
    """The response being built carries personal data: it must never be stored by a cache."""
    box = _personal_box.get()
    if box is not None:
        box["personal"] = True


class PrivacyHeadersMiddleware:
    """`Permissions-Policy` on every response; `Cache-Control: no-store` on those with personal data.

    A view marks its response through the audit service (`audit_personal_read`, a `view_personal` row):
    the same call that records the read keeps the page out of browser and proxy caches.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        box: dict = {}
        token = _personal_box.set(box)
        try:
            response = self.get_response(request)
        finally:
            _personal_box.reset(token)
        response.headers.setdefault("Permissions-Policy", PERMISSIONS_POLICY)
        if box.get("personal"):
            response.headers["Cache-Control"] = "no-store"
            response.headers["Pragma"] = "no-cache"
        return response


class RequestSizeLimitMiddleware:
    """Refuse a request body larger than MAX_REQUEST_BODY_BYTES before a byte of it is read (413).

    Django itself limits only the non-file fields (DATA_UPLOAD_MAX_MEMORY_SIZE); files are streamed to
    disk whatever their size. The declared length is checked here, first in the chain, so that a 200 MB
    upload is refused before the CSRF check or the view parse it.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        limit = getattr(settings, "MAX_REQUEST_BODY_BYTES", None)
        try:
            length = int(request.META.get("CONTENT_LENGTH") or 0)
        except ValueError:
            length = 0
        if limit and length > limit:
            from .views import request_too_big

            return request_too_big(request)
        return self.get_response(request)
