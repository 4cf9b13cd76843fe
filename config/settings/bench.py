"""Benchmarks (`make bench`): production-like (DEBUG off), PostgreSQL from BENCH_DATABASE_URL."""

import os

import dj_database_url

from .base import *  # noqa: F403
from .base import VAR_DIR

SECRET_KEY = "bench-only-insecure-key-" + "x" * 40
DEBUG = False
ALLOWED_HOSTS = ["testserver", "127.0.0.1", "localhost"]
DATABASES = {
    "default": dj_database_url.parse(
        os.environ.get("BENCH_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/vyzov_bench"),
        conn_max_age=600,
    )
}
TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend", "QUEUES": []}}
MEDIA_ROOT = VAR_DIR / "bench-media"
REST_FRAMEWORK = {**REST_FRAMEWORK, "DEFAULT_THROTTLE_CLASSES": []}  # noqa: F405
LOGGING = {**LOGGING, "loggers": {**LOGGING["loggers"], "django.request": {"level": "ERROR"}}}  # noqa: F405
WHITENOISE_AUTOREFRESH = True
# Benchmarks measure pages through force_login, not the two-factor step.
TWO_FACTOR_REQUIRED = False
