"""Read-only analytical traffic to a PostgreSQL streaming replica (DATABASE_REPLICA_URL).

Only GET/HEAD requests to the views named in VYZOV_REPLICA_VIEWS (situational centre, reports,
exports, API lists) read from the replica; every write, and every other read, goes to the primary.
Read-your-writes: after a user's unsafe request (POST, PUT, PATCH, DELETE) the browser carries a
short-lived cookie, and while it is there that user's reads all go to the primary, so a page never
shows them the state from before their own change (replication lag)."""

from __future__ import annotations

from contextvars import ContextVar
from fnmatch import fnmatchcase

from django.conf import settings

REPLICA = "replica"
STICKY_COOKIE = "vyzov_primary"
_use_replica: ContextVar[bool] = ContextVar("use_replica", default=False)


class ReplicaRouter:
    def db_for_read(self, model, **hints):
        return REPLICA if _use_replica.get() else "default"

    def db_for_write(self, model, **hints):
        return "default"

    def allow_relation(self, obj1, obj2, **hints):
        return True  # the replica is a copy of the primary: the same rows

    def allow_migrate(self, db, app_label, model_name=None, **hints):
        return db == "default"


def is_analytical(view_name: str) -> bool:
    return any(fnmatchcase(view_name, pattern) for pattern in settings.VYZOV_REPLICA_VIEWS)


class ReplicaMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        _use_replica.set(False)
        response = self.get_response(request)
        if request.method not in ("GET", "HEAD", "OPTIONS") and response.status_code < 500:
            response.set_cookie(
                STICKY_COOKIE,
                "1",
                max_age=settings.VYZOV_REPLICA_STICKY_SECONDS,
                httponly=True,
                samesite="Lax",
                secure=request.is_secure(),
            )
        # Streaming exports read while the response is sent: the choice holds until it is closed.
        response._resource_closers.append(lambda: _use_replica.set(False))
        return response

    def process_view(self, request, view_func, view_args, view_kwargs):
        if (
            request.method in ("GET", "HEAD")
            and STICKY_COOKIE not in request.COOKIES
            and request.resolver_match is not None
            and is_analytical(request.resolver_match.view_name)
        ):
            _use_replica.set(True)
