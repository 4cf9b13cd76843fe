"""The replica router: analytical GET pages read from the replica, everything else (and every write)
from the primary, and a user who has just written reads from the primary (read-your-writes).

Against a real streaming replica this needs DATABASE_REPLICA_URL (see docs/operations.md); here the
router's decisions are recorded by a spy that answers "default", so the tests run on any database."""

import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings
from django.test import override_settings

from conftest import login
from vyzov.core import db_routing

ROOT = Path(__file__).resolve().parents[2]
decisions: list[bool] = []


class SpyRouter(db_routing.ReplicaRouter):
    def db_for_read(self, model, **hints):
        decisions.append(super().db_for_read(model, **hints) == db_routing.REPLICA)
        return "default"


def _with_replica_middleware():
    middleware = list(settings.MIDDLEWARE)
    middleware.insert(
        middleware.index("django.contrib.auth.middleware.AuthenticationMiddleware") + 1,
        "vyzov.core.db_routing.ReplicaMiddleware",
    )
    return override_settings(MIDDLEWARE=middleware, DATABASE_ROUTERS=[f"{__name__}.SpyRouter"])


def _reads_replica(client, url, **extra) -> bool:
    decisions.clear()
    response = client.get(url, **extra)
    assert response.status_code == 200, response.status_code
    return any(decisions)


def test_router_sends_writes_and_migrations_to_the_primary_only():
    router = db_routing.ReplicaRouter()
    assert router.db_for_read(None) == "default"
    token = db_routing._use_replica.set(True)
    try:
        assert router.db_for_read(None) == "replica"
        assert router.db_for_write(None) == "default"
    finally:
        db_routing._use_replica.reset(token)
    assert router.allow_migrate("default", "cases") and not router.allow_migrate("replica", "cases")


@pytest.mark.parametrize(
    ("view_name", "analytical"),
    [
        ("monitoring:overview", True),
        ("monitoring:region", True),
        ("ngo_aid:report_export", True),
        ("cases:child_export", True),
        ("child-list", True),
        ("cases:child_detail", False),
        ("cases:child_create", False),
        ("accounts:login", False),
    ],
)
def test_which_views_are_analytical(view_name, analytical):
    assert db_routing.is_analytical(view_name) is analytical


@pytest.mark.django_db
def test_analytical_api_list_reads_the_replica_other_pages_the_primary(client, fed_analyst):
    login(client, fed_analyst)
    with _with_replica_middleware():
        assert _reads_replica(client, "/api/v1/subjects/")
        assert not _reads_replica(client, "/accounts/profile/")
        assert not db_routing._use_replica.get()  # nothing leaks into the next request


@pytest.mark.django_db
def test_read_your_writes_after_a_post_the_user_reads_the_primary(client, fed_analyst):
    login(client, fed_analyst)
    with _with_replica_middleware():
        assert _reads_replica(client, "/api/v1/subjects/")
        response = client.post(
            "/accounts/profile/", {"full_name": "Аналитик Ф. Ф.", "email": "a@fond.example"}
        )
        assert response.status_code < 500
        assert response.cookies[db_routing.STICKY_COOKIE]["max-age"] == settings.VYZOV_REPLICA_STICKY_SECONDS
        assert not _reads_replica(client, "/api/v1/subjects/")  # the cookie is in the client now
        client.cookies.pop(db_routing.STICKY_COOKIE)  # …until it expires
        assert _reads_replica(client, "/api/v1/subjects/")


def test_replica_url_adds_the_alias_the_router_and_the_middleware(tmp_path):
    code = (
        "import django; django.setup()\n"
        "from django.conf import settings as s\n"
        "print(s.DATABASES['replica']['PORT'], s.DATABASES['replica']['TEST']['MIRROR'], s.DATABASE_ROUTERS,"
        " 'vyzov.core.db_routing.ReplicaMiddleware' in s.MIDDLEWARE)\n"
    )
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "config.settings.test",
        "DATABASE_REPLICA_URL": "postgres://postgres@127.0.0.1:5433/vyzov",
    }
    result = subprocess.run(
        [sys.executable, "-c", code],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == ("5433 default ['vyzov.core.db_routing.ReplicaRouter'] True")
