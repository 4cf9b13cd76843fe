"""With REDIS_URL set, Redis is the cache and the session store (cached_db), tested against a real
Redis: `REDIS_URL=redis://127.0.0.1:6379/15 pytest -m redis` (.ci/run does this)."""

import os

import pytest
from django.conf import settings
from django.contrib.sessions.backends.cached_db import KEY_PREFIX
from django.core.cache import cache
from django.test import Client

from conftest import PASSWORD

pytestmark = [
    pytest.mark.redis,
    pytest.mark.skipif(
        not os.environ.get("REDIS_URL"), reason="REDIS_URL is not set (no Redis to test against)"
    ),
]


@pytest.fixture
def redis_client():
    import redis

    client = redis.Redis.from_url(os.environ["REDIS_URL"])
    client.flushdb()
    yield client
    client.flushdb()


def test_redis_is_the_cache_and_sessions_are_cached_there():
    assert settings.CACHES["default"]["BACKEND"] == "django.core.cache.backends.redis.RedisCache"
    assert settings.SESSION_ENGINE == "django.contrib.sessions.backends.cached_db"


def test_the_cache_writes_to_redis(redis_client):
    cache.set("territory-tree", {"subjects": 89}, 60)
    assert cache.get("territory-tree") == {"subjects": 89}
    assert any(b"territory-tree" in key for key in redis_client.keys("*"))


@pytest.mark.django_db
def test_a_session_lives_in_redis_and_in_the_database(client, curator_altai, redis_client):
    from django.contrib.sessions.models import Session

    response = client.post("/accounts/login/", {"username": curator_altai.username, "password": PASSWORD})
    assert response.status_code == 302
    session_key = client.cookies[settings.SESSION_COOKIE_NAME].value
    assert any(f"{KEY_PREFIX}{session_key}".encode() in key for key in redis_client.keys("*"))
    assert Session.objects.filter(session_key=session_key).exists()  # survives a Redis restart

    # Any web node finds the session by its key: a second client with only the cookie is signed in…
    other = Client()
    other.cookies[settings.SESSION_COOKIE_NAME] = session_key
    assert other.get("/").status_code == 200
    # …and with Redis emptied (restarted) the session is read back from the database.
    redis_client.flushdb()
    assert other.get("/").status_code == 200
    assert Client().get("/").status_code == 302  # without the cookie: to the login page


@pytest.mark.django_db
def test_readyz_checks_redis(client, redis_client):
    response = client.get("/readyz")
    assert response.status_code == 200 and response.json()["checks"]["redis"] == "ok"
