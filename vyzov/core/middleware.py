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
