"""Tests: fast hashing, immediate tasks, in-memory mail. DATABASE_URL picks PostgreSQL when set."""

import os

from .base import *  # noqa: F403
from .base import VAR_DIR

SECRET_KEY = "test-only-insecure-key-" + "x" * 40
DEBUG = False
ALLOWED_HOSTS = ["testserver", "localhost", "127.0.0.1"]
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend", "QUEUES": []}}
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
MEDIA_ROOT = VAR_DIR / "test-media" / str(os.getpid())
REST_FRAMEWORK = {**REST_FRAMEWORK, "DEFAULT_THROTTLE_CLASSES": []}  # noqa: F405
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = True
# Tests force_login freely; the two-factor tests switch it on with override_settings.
TWO_FACTOR_REQUIRED = False

# The database backend is wrapped for metrics (django_prometheus); pytest-django recognises SQLite only
# by Django's own engine name, so the in-memory test database is named explicitly (one per xdist worker).
for _database in DATABASES.values():  # noqa: F405
    if _database["ENGINE"].endswith("sqlite3"):
        _database.setdefault("TEST", {})["NAME"] = ":memory:"
