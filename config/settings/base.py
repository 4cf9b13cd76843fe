"""Settings shared by every environment; whatever differs between machines comes from the environment."""

import os
from datetime import timedelta
from pathlib import Path

import dj_database_url
from csp.constants import NONE, SELF
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent.parent.parent
VAR_DIR = Path(os.environ.get("VYZOV_VAR_DIR", BASE_DIR / "var"))


def env_bool(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_list(name: str, default: list[str]) -> list[str]:
    value = os.environ.get(name)
    if value is None:
        return default
    return [item.strip() for item in value.split(",") if item.strip()]


def env_secret_key() -> str:
    key = os.environ.get("SECRET_KEY", "")
    if len(key) < 50:
        raise ImproperlyConfigured("SECRET_KEY must be set in the environment (at least 50 characters).")
    return key


DEBUG = env_bool("DEBUG", False)
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", ["127.0.0.1", "localhost"])
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", [])

INSTALLED_APPS = [
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django.contrib.postgres",
    "django.forms",
    "rest_framework",
    "rest_framework.authtoken",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "django_filters",
    "django_htmx",
    "template_partials",
    "axes",
    "csp",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    "django_tasks",
    "django_tasks_db",
    "vyzov.core",
    "vyzov.territories",
    "vyzov.accounts",
    "vyzov.cases",
    "vyzov.monitoring",
    "vyzov.consilium",
    "vyzov.ngo_aid",
    "vyzov.support",
    "vyzov.alerts",
    "vyzov.programmes",
    "vyzov.contests",
    "vyzov.practices",
    "vyzov.dashboard",
    "vyzov.demo",
    "vyzov.bench",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "vyzov.core.middleware.RequestSizeLimitMiddleware",
    "vyzov.core.middleware.PrivacyHeadersMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "vyzov.core.middleware.SessionIdleRefreshMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "vyzov.core.middleware.RequestContextMiddleware",
    "vyzov.core.middleware.ForbiddenCharactersMiddleware",
    "vyzov.accounts.middleware.UserTimezoneMiddleware",
    "vyzov.accounts.middleware.TwoFactorMiddleware",
    # Axes must be last: it turns a locked-out login attempt into the lockout page.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"
ASGI_APPLICATION = "config.asgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "csp.context_processors.nonce",
                "vyzov.accounts.context_processors.navigation",
                "vyzov.dashboard.context_processors.notifications",
            ],
            "builtins": ["template_partials.templatetags.partials"],
        },
    }
]
FORM_RENDERER = "vyzov.core.forms.BootstrapFormRenderer"

DATABASES = {
    "default": dj_database_url.config(
        default=f"sqlite:///{VAR_DIR / 'db.sqlite3'}",
        conn_max_age=int(os.environ.get("DB_CONN_MAX_AGE", "60")),
        conn_health_checks=True,
    )
}
# The embedded SQLite (`make run`) serves several people at once. WAL: readers never wait for a writer
# and a writer never waits for readers; a transaction takes the write lock when it begins (BEGIN IMMEDIATE),
# so two writers queue for up to `timeout` seconds instead of one failing with «database is locked»
# (a deferred transaction that reads and then writes cannot wait: SQLite refuses it at once).
SQLITE_OPTIONS = {
    "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL",
    "transaction_mode": "IMMEDIATE",
    "timeout": 20,
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    DATABASES["default"]["OPTIONS"] = {**SQLITE_OPTIONS, **DATABASES["default"].get("OPTIONS", {})}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "accounts.User"
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "core:home"
LOGOUT_REDIRECT_URL = "accounts:login"

AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 12}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

# Lockout after repeated failures: per user name and address, 5 attempts, 30 minutes.
AXES_FAILURE_LIMIT = int(os.environ.get("AXES_FAILURE_LIMIT", "5"))
AXES_COOLOFF_TIME = timedelta(minutes=30)
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "accounts/locked_out.html"
AXES_VERBOSE = False
# Client addresses: X-Forwarded-For is trusted only when PROXY_COUNT reverse proxies stand in front.
VYZOV_PROXY_COUNT = int(os.environ.get("PROXY_COUNT", "0"))
AXES_IPWARE_PROXY_COUNT = VYZOV_PROXY_COUNT or None
AXES_IPWARE_META_PRECEDENCE_ORDER = (
    ("HTTP_X_FORWARDED_FOR", "REMOTE_ADDR") if VYZOV_PROXY_COUNT else ("REMOTE_ADDR",)
)

# Sessions end after 30 minutes without a request, and when the browser closes.
SESSION_COOKIE_AGE = 30 * 60
# Sliding idle expiry, refreshed at most once a minute (core.middleware.SessionIdleRefreshMiddleware).
SESSION_SAVE_EVERY_REQUEST = False
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_HTTPONLY = True

LANGUAGE_CODE = "ru"
LANGUAGES = [("ru", "Русский")]
TIME_ZONE = "Europe/Moscow"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
MEDIA_ROOT = Path(os.environ.get("MEDIA_ROOT", VAR_DIR / "media"))
MEDIA_URL = "/media/"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
WHITENOISE_USE_FINDERS = DEBUG
# Form fields (not files) above this → 413; files above FILE_UPLOAD_MAX_MEMORY_SIZE go to a temporary
# file, never to memory; a whole request body above MAX_REQUEST_BODY_BYTES is refused before it is read
# (the largest accepted file is 25 МБ). An import job runs at most IMPORT_JOB_TIME_LIMIT seconds.
DATA_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
FILE_UPLOAD_MAX_MEMORY_SIZE = 2 * 1024 * 1024
MAX_REQUEST_BODY_BYTES = int(os.environ.get("MAX_REQUEST_BODY_BYTES", 30 * 1024 * 1024))
IMPORT_JOB_TIME_LIMIT = int(os.environ.get("IMPORT_JOB_TIME_LIMIT", 600))
# Large exports are background jobs (vyzov/core/exports.py): one may run this long, and its file is
# deleted this many hours after it is ready.
EXPORT_JOB_TIME_LIMIT = int(os.environ.get("EXPORT_JOB_TIME_LIMIT", 1800))
EXPORT_RETENTION_HOURS = int(os.environ.get("EXPORT_RETENTION_HOURS", 24))

SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        # Bootstrap's progress bars and Chart.js set widths with style attributes.
        "style-src": [SELF, "'unsafe-inline'"],
        "img-src": [SELF, "data:"],
        "font-src": [SELF, "data:"],
        "connect-src": [SELF],
        "object-src": [NONE],
        "base-uri": [SELF],
        "frame-ancestors": [NONE],
        "form-action": [SELF],
    }
}

REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "rest_framework.authentication.SessionAuthentication",
        "vyzov.accounts.authentication.TwoFactorTokenAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_PARSER_CLASSES": [
        "vyzov.api.parsers.JSONParser",  # refuses control characters and lone surrogates in the body
        "rest_framework.parsers.FormParser",
        "rest_framework.parsers.MultiPartParser",
    ],
    "DEFAULT_PAGINATION_CLASS": "vyzov.api.pagination.StandardPagination",
    "DEFAULT_FILTER_BACKENDS": ["django_filters.rest_framework.DjangoFilterBackend"],
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "EXCEPTION_HANDLER": "vyzov.api.errors.exception_handler",
    "DEFAULT_THROTTLE_CLASSES": ["rest_framework.throttling.UserRateThrottle"],
    "DEFAULT_THROTTLE_RATES": {"user": os.environ.get("API_USER_RATE", "3000/hour")},
}
SPECTACULAR_SETTINGS = {
    "TITLE": "«Вызов» API",
    "DESCRIPTION": "API информационной системы «Вызов». Доступ ограничен той же политикой, что и страницы.",
    "VERSION": "1",
    "SERVE_INCLUDE_SCHEMA": False,
    "SERVE_PERMISSIONS": ["rest_framework.permissions.IsAuthenticated"],
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "COMPONENT_SPLIT_REQUEST": True,
    "ENUM_NAME_OVERRIDES": {
        "AlertSourceEnum": "vyzov.alerts.models.AlertSource",
        "MunicipalityKindEnum": "vyzov.territories.models.MunicipalityKind",
        "OrganizationKindEnum": "vyzov.territories.models.OrganizationKind",
        "IndicatorDirectionEnum": "vyzov.monitoring.models.Direction",
        "IndicatorAggregationEnum": "vyzov.monitoring.models.Aggregation",
        "ScoreAggregationEnum": "vyzov.contests.models.Aggregation",
        "PlacementKindEnum": "vyzov.cases.models.PlacementKind",
        "SocialStatusKindEnum": "vyzov.cases.models.SocialStatusKind",
        "ActionStatusEnum": "vyzov.consilium.models.ActionStatus",
        "MeetingStatusEnum": "vyzov.consilium.models.MeetingStatus",
        "ReportStatusEnum": "vyzov.monitoring.models.ReportStatus",
        "CaseStatusEnum": "vyzov.cases.models.CaseStatus",
        "AidOutcomeEnum": "vyzov.ngo_aid.models.Outcome",
        "SupportOutcomeEnum": "vyzov.support.models.CaseOutcome",
        "SupportServiceKindEnum": "vyzov.support.models.ServiceKind",
        "SupportServiceLevelEnum": "vyzov.support.models.ServiceLevel",
        "SpecialistKindEnum": "vyzov.support.models.SpecialistKind",
        "ChildOutcomeEnum": "vyzov.support.models.ChildOutcomeKind",
        "PlacementOutcomeEnum": "vyzov.cases.models.PlacementOutcome",
    },
}

TASKS = {
    "default": {
        "BACKEND": os.environ.get("TASKS_BACKEND", "django_tasks_db.DatabaseBackend"),
        "QUEUES": [],
    }
}

EMAIL_BACKEND = os.environ.get("EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend")
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "vyzov@localhost")
# SMTP (with EMAIL_BACKEND=django.core.mail.backends.smtp.EmailBackend): password reset letters.
EMAIL_HOST = os.environ.get("EMAIL_HOST", "localhost")
EMAIL_PORT = int(os.environ.get("EMAIL_PORT", "25"))
EMAIL_HOST_USER = os.environ.get("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = os.environ.get("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", False)
EMAIL_USE_SSL = env_bool("EMAIL_USE_SSL", False)
EMAIL_TIMEOUT = int(os.environ.get("EMAIL_TIMEOUT", "10"))
SERVER_EMAIL = DEFAULT_FROM_EMAIL
# A password reset link works for one hour and once (the token changes with the password).
PASSWORD_RESET_TIMEOUT = 60 * 60
# Password reset requests: at most this many per address and per client IP in 30 minutes (like logins).
VYZOV_PASSWORD_RESET_LIMIT = int(os.environ.get("PASSWORD_RESET_LIMIT", str(AXES_FAILURE_LIMIT)))

# Two-factor login (TOTP, django-otp): required for every role that reads personal data or manages users
# (accounts.access.requires_two_factor); optional for the others. Wrong codes count towards the axes lockout.
TWO_FACTOR_REQUIRED = env_bool("TWO_FACTOR_REQUIRED", True)
OTP_TOTP_ISSUER = "Вызов"
OTP_TOTP_THROTTLE_FACTOR = 1
OTP_STATIC_THROTTLE_FACTOR = 1

CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
if os.environ.get("REDIS_URL"):
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": os.environ["REDIS_URL"],
        }
    }
    # Sessions are read from Redis and written through to the database (they survive a Redis restart).
    SESSION_ENGINE = "django.contrib.sessions.backends.cached_db"

# Aggregates never reveal a cell smaller than this to roles without personal-data permission.
VYZOV_SMALL_CELL_THRESHOLD = int(os.environ.get("VYZOV_SMALL_CELL_THRESHOLD", "3"))
# Quarterly reporting (the deadline is each data set's own, DataSet.deadline_days): the figures
# are expected from this quarter on (empty: the programme's baseline date, 01.07.2024).
VYZOV_REPORTING_START = os.environ.get("VYZOV_REPORTING_START", "")
# Open data (/open-data/, no login): requests per client address per minute; the data is cached this long.
VYZOV_OPEN_DATA_RATE = int(os.environ.get("VYZOV_OPEN_DATA_RATE", "60"))
VYZOV_OPEN_DATA_CACHE_SECONDS = int(os.environ.get("VYZOV_OPEN_DATA_CACHE_SECONDS", "300"))

# Logs: one line per event on stderr, JSON by default (LOG_FORMAT=text for people), each with the
# request id. Django's own loggers get no handler of their own: without this, Django's default
# "django" console handler printed every django.* line and the root handler printed it again.
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"request_id": {"()": "vyzov.core.observability.RequestIdFilter"}},
    "formatters": {
        "json": {
            "()": "pythonjsonlogger.json.JsonFormatter",
            "fmt": "%(asctime)s %(levelname)s %(name)s %(message)s %(request_id)s",
            "rename_fields": {"asctime": "time", "levelname": "level", "name": "logger"},
        },
        "text": {"format": "%(asctime)s %(levelname)s %(name)s [%(request_id)s] %(message)s"},
    },
    "handlers": {
        "console": {
            "class": "logging.StreamHandler",
            "filters": ["request_id"],
            "formatter": os.environ.get("LOG_FORMAT", "json"),
        }
    },
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "INFO")},
    "loggers": {
        "django": {"handlers": [], "level": os.environ.get("LOG_LEVEL", "INFO"), "propagate": True},
        "django.server": {"handlers": [], "propagate": True},
        "axes": {"level": "WARNING"},
    },
}

# Observability: request ids, /healthz and /readyz, Prometheus metrics (vyzov/core/observability.py).
INSTALLED_APPS += ["django_prometheus"]
MIDDLEWARE = [
    "django_prometheus.middleware.PrometheusBeforeMiddleware",
    "vyzov.core.observability.RequestIdMiddleware",
    *MIDDLEWARE[:-1],
    "django_prometheus.middleware.PrometheusAfterMiddleware",
    MIDDLEWARE[-1],  # axes stays last
]
# A PostgreSQL streaming replica for read-only analytical pages (vyzov/core/db_routing.py).
VYZOV_REPLICA_VIEWS = ["monitoring:overview", "monitoring:ranking*", "monitoring:priority", "monitoring:region*",
                       "*:report", "*:report_export", "*_export", "*explorer*", "*-list", "aid-report",
                       "monitoring-progress"]  # fmt: skip
VYZOV_REPLICA_STICKY_SECONDS = int(os.environ.get("REPLICA_STICKY_SECONDS", "30"))
if os.environ.get("DATABASE_REPLICA_URL"):
    DATABASES["replica"] = dj_database_url.parse(
        os.environ["DATABASE_REPLICA_URL"],
        conn_max_age=DATABASES["default"]["CONN_MAX_AGE"],
        conn_health_checks=True,
    )
    DATABASES["replica"]["TEST"] = {"MIRROR": "default"}
    DATABASE_ROUTERS = ["vyzov.core.db_routing.ReplicaRouter"]
    MIDDLEWARE.insert(MIDDLEWARE.index("django.contrib.auth.middleware.AuthenticationMiddleware") + 1,
                      "vyzov.core.db_routing.ReplicaMiddleware")  # fmt: skip
# Query counts and latencies per database: the same backends, instrumented.
for _database in DATABASES.values():
    _database["ENGINE"] = _database["ENGINE"].replace("django.db.backends.", "django_prometheus.db.backends.")
PROMETHEUS_EXPORT_MIGRATIONS = False
VYZOV_METRICS_TOKEN = os.environ.get("METRICS_TOKEN", "")
VYZOV_METRICS_ALLOWED_IPS = env_list("METRICS_ALLOWED_IPS", [])
# /readyz fails when a job has waited longer than this for a worker (seconds).
VYZOV_READY_MAX_JOB_WAIT = int(os.environ.get("READY_MAX_JOB_WAIT", "300"))
