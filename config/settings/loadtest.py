"""Load test (`make loadtest`): production settings on loopback HTTP, PostgreSQL from LOADTEST_DATABASE_URL.

Differences from `config.settings.prod`, each because the load test talks plain HTTP to gunicorn on
127.0.0.1 with Locust (no nginx, no TLS, no phone):
- a fixed key (the database holds synthetic data only);
- no HTTPS redirect and cookies without `Secure`/`__Host-` (an HTTP client does not send secure cookies);
- two-factor login off: the demo accounts have no TOTP device, and fifty simulated users sharing an
  account would replay the same code (the second factor is paid once per login, not per request);
- no API rate limit (fifty users share a handful of accounts; 3000 requests/hour each would be spent in
  seconds and the test would measure 429 answers).
Everything else — DEBUG off, hashed static files, sessions in the database saved on every request,
middleware, logging, the database task queue — is production's.
"""

import os

import dj_database_url

os.environ.setdefault("SECRET_KEY", "loadtest-only-insecure-key-" + "x" * 40)

from .prod import *  # noqa: F403
from .prod import DATABASES, REST_FRAMEWORK, VAR_DIR

DATABASES["default"] = dj_database_url.parse(
    os.environ.get("LOADTEST_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/vyzov_load"),
    conn_max_age=DATABASES["default"]["CONN_MAX_AGE"],
    conn_health_checks=True,
)
DATABASES["default"]["ENGINE"] = "django_prometheus.db.backends.postgresql"
SECURE_SSL_REDIRECT = False
SECURE_HSTS_SECONDS = 0
SESSION_COOKIE_SECURE = False
CSRF_COOKIE_SECURE = False
SESSION_COOKIE_NAME = "sessionid"
CSRF_COOKIE_NAME = "csrftoken"
TWO_FACTOR_REQUIRED = False
REST_FRAMEWORK = {**REST_FRAMEWORK, "DEFAULT_THROTTLE_CLASSES": []}
STATIC_ROOT = VAR_DIR / "loadtest-static"
MEDIA_ROOT = VAR_DIR / "loadtest-media"
