"""Request-wide middleware: the client address for the audit service; characters no request may carry."""

import re
import time
from contextvars import ContextVar

from django.conf import settings
from django.core.exceptions import BadRequest
from django.db import DataError
from django.http import JsonResponse, QueryDict
from django.shortcuts import render
from django.utils.datastructures import MultiValueDict
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


class SessionIdleRefreshMiddleware:
    """The idle timeout (SESSION_COOKIE_AGE) slides with use, but the session row is rewritten at most
    once a minute rather than on every request (SESSION_SAVE_EVERY_REQUEST would cost an UPDATE and a
    transaction per page): a session expires 30–31 minutes after its last request."""

    KEY = "_vyzov_seen"
    EVERY_SECONDS = 60

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        session = getattr(request, "session", None)
        if session is not None and session.session_key is not None and "_auth_user_id" in session:
            now = int(time.time())
            seen = session.get(self.KEY)
            if not isinstance(seen, int) or not 0 <= now - seen < self.EVERY_SECONDS:
                session[self.KEY] = now
        return self.get_response(request)


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


# ---- characters no request may carry ------------------------------------------------------------

# C0 control characters. None may appear in a path or a query string; tab, CR and LF are allowed in
# submitted form values (multi-line text). NUL cannot be stored by PostgreSQL at all; a lone surrogate
# cannot be encoded for any database.
_CONTROL = frozenset(chr(code) for code in range(0x20))
_FORBIDDEN = re.compile("[\x00-\x1f\ud800-\udfff]")
_FORBIDDEN_IN_VALUES = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff]")


def forbidden_character(text: str, *, allow_line_breaks: bool = False) -> str | None:
    """The first character that no stored text may contain (C0 controls, lone surrogates), or None."""
    found = (_FORBIDDEN_IN_VALUES if allow_line_breaks else _FORBIDDEN).search(text)
    return found.group() if found else None


def forbidden_character_message(char: str, where: str) -> str:
    return (
        f"Запрос отклонён: {where} содержит недопустимый управляющий символ (U+{ord(char):04X}). "
        "Удалите его и повторите попытку."
    )


def _request_problem(request) -> str | None:
    char = forbidden_character(request.path)
    if char:
        return forbidden_character_message(char, "адрес страницы")
    for key, values in request.GET.lists():
        for text in (key, *values):
            char = forbidden_character(text)
            if char:
                return forbidden_character_message(char, f"параметр «{_shown(key)}» в адресе")
    # A url-encoded body is read here; a multipart body is checked when it is parsed (by the view, whose
    # upload handlers and limits apply: see `_check_when_parsed`); JSON is checked by the API's parser.
    if request.method == "POST" and request.content_type == "application/x-www-form-urlencoded":
        return _body_problem(request.POST)
    return None


def _body_problem(data) -> str | None:
    for key, values in data.lists():
        char = forbidden_character(key) or next(
            (c for c in (forbidden_character(v, allow_line_breaks=True) for v in values) if c), None
        )
        if char:
            return forbidden_character_message(char, f"поле «{_shown(key)}»")
    return None


class ForbiddenCharacters(BadRequest):
    """A request body with characters no text may hold; answered with 400 and this message."""


def _check_when_parsed(request) -> None:
    """Wraps the request's lazy body parsing so that a multipart body is checked the moment anyone reads
    `request.POST`; a body that fails leaves nothing behind for a view to use."""
    load = request._load_post_and_files

    def load_and_check():
        load()
        problem = _body_problem(request._post)
        if problem:
            request._post, request._files = QueryDict(), MultiValueDict()
            raise ForbiddenCharacters(problem)

    request._load_post_and_files = load_and_check


def _shown(key: str) -> str:
    return "".join(c for c in key if c not in _CONTROL)[:50] or "?"


def refuse_bad_request(request, message: str):
    """400 with a Russian message: JSON `{"detail": …}` for the API, the error page for pages."""
    if request.path_info.startswith("/api/"):
        return JsonResponse({"detail": message}, status=400)
    return render(request, "400.html", {"message": message}, status=400)


def _unstorable_text(exception: Exception) -> bool:
    """The database driver refusing a string: NUL (PostgreSQL) or a lone surrogate (any driver)."""
    if isinstance(exception, UnicodeEncodeError):
        return "surrogate" in str(exception)
    # psycopg: «PostgreSQL text fields cannot contain NUL (0x00) bytes» (a DataError, raised before sending)
    return isinstance(exception, ValueError | DataError) and "NUL (0x00)" in str(exception)


class ForbiddenCharactersMiddleware:
    """Refuses, with 400, a request whose path, query string or form body carries control characters.

    One place for the whole class of «the database cannot store this» errors: views and filters can read
    `request.GET`/`request.POST` as they are. Text that still reaches the database driver unstorable
    (a multipart field, a raw read) is turned into the same 400 by `process_exception`."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        problem = _request_problem(request)
        if problem:
            return refuse_bad_request(request, problem)
        if request.method == "POST" and request.content_type == "multipart/form-data":
            _check_when_parsed(request)
        return self.get_response(request)

    def process_exception(self, request, exception):
        if isinstance(exception, ForbiddenCharacters):
            return refuse_bad_request(request, str(exception))
        if _unstorable_text(exception):
            return refuse_bad_request(
                request,
                "Запрос отклонён: в тексте есть символ, который нельзя сохранить (NUL или другой "
                "управляющий символ). Удалите его и повторите попытку.",
            )
        return None
