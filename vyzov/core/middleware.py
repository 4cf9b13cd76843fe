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
