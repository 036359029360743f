"""Settings shared by every environment; each value comes from the environment."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import dj_database_url
from celery.schedules import crontab
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent.parent


def env_bool(name: str, default: bool = False) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_list(name: str, default: str = "") -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


SECRET_KEY = os.environ.get("DJANGO_SECRET_KEY", "")
DEBUG = env_bool("DJANGO_DEBUG", False)
ALLOWED_HOSTS = env_list("DJANGO_ALLOWED_HOSTS", "127.0.0.1,localhost")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    # third party
    "rest_framework",
    "rest_framework.authtoken",
    "django_filters",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "simple_history",
    "import_export",
    "axes",
    # ours, in dependency order: core <- operators <- plans <- competition
    "core",
    "operators",
    "plans",
    "competition",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "core.locale.RequestLanguageMiddleware",  # the thread gets its language back after each request
    "django.middleware.locale.LocaleMiddleware",
    "core.api.language.ApiLanguageMiddleware",  # the API speaks English unless asked (Accept-Language)
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    # Axes must stay last: it inspects the response of the login views.
    "axes.middleware.AxesMiddleware",
]

AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]

# The domain apps: their models get the analyst/viewer permissions and appear in the audit export.
DOMAIN_APPS = ("operators", "plans", "competition")

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "competition.watching.context_processors.inbox",
            ],
        },
    },
]

# SQLite under concurrent writers: WAL lets readers go on while one writes, and BEGIN IMMEDIATE
# takes the write lock when a transaction starts, so a second writer waits (up to `timeout`
# seconds) instead of failing with "database is locked" when its read turns into a write.
SQLITE_OPTIONS: dict[str, Any] = {
    "transaction_mode": "IMMEDIATE",
    "timeout": 20,
    "init_command": "PRAGMA journal_mode=WAL;",
}


def with_sqlite_options(config: dict[str, Any]) -> dict[str, Any]:
    """A database config, with SQLITE_OPTIONS under any options it names itself when it is SQLite."""
    if config.get("ENGINE") == "django.db.backends.sqlite3":
        config["OPTIONS"] = {**SQLITE_OPTIONS, **config.get("OPTIONS", {})}
    return config


# The embedded default is a SQLite file; DATABASE_URL switches to PostgreSQL.
DATABASES = {
    "default": with_sqlite_options(
        dict(
            dj_database_url.config(
                default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}",
                conn_max_age=int(os.environ.get("DATABASE_CONN_MAX_AGE", "60")),
            )
        )
    )
}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", _("Simplified Chinese")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "static"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}
MEDIA_URL = "media/"
MEDIA_ROOT = Path(os.environ.get("DJANGO_MEDIA_ROOT", BASE_DIR / "media"))

LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "/compare/"
LOGOUT_REDIRECT_URL = "login"

# Celery: without a broker the tasks run eagerly in-process (the embedded default).
CELERY_BROKER_URL = os.environ.get("CELERY_BROKER_URL", "")
CELERY_RESULT_BACKEND = os.environ.get("CELERY_RESULT_BACKEND", CELERY_BROKER_URL or None)
CELERY_TASK_ALWAYS_EAGER = not CELERY_BROKER_URL
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_TASK_ACKS_LATE = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_SERIALIZER = "json"
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_TIMEZONE = TIME_ZONE
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
# Benchmarks are recomputed after tier changes (competition.benchmarks.scheduling: the change marks
# a recompute pending and publishes it on commit), every minute if one is still pending (say the
# broker was down), and every night whatever changed, so edits made outside the services are caught too.
# An edit waits at most this long for the broker before it leaves the recompute pending.
BENCHMARK_PUBLISH_TIMEOUT_SECONDS = float(os.environ.get("BENCHMARK_PUBLISH_TIMEOUT_SECONDS", "0.5"))
# maintenance_work_mem while a full run builds the indexes of its rows' partition (PostgreSQL): the
# sort of 884k rows fits in it, and the server may split a build between parallel workers.
BENCHMARK_INDEX_BUILD_MEMORY = os.environ.get("BENCHMARK_INDEX_BUILD_MEMORY", "256MB")
# How many connections build those indexes at once (one build each): the database server's cores.
BENCHMARK_INDEX_BUILD_CONNECTIONS = int(os.environ.get("BENCHMARK_INDEX_BUILD_CONNECTIONS", "2"))
CELERY_BEAT_SCHEDULE = {
    # Just after midnight (TIME_ZONE): a price scheduled for today takes over in the benchmarks on its
    # day, not at the next edit (plans.periods: a tier is in effect from its effective_from).
    "benchmarks-nightly": {
        "task": "competition.benchmarks_recompute",
        "schedule": crontab(hour=0, minute=5),
        "kwargs": {"trigger": "nightly"},
    },
    "benchmarks-pending": {
        "task": "competition.benchmarks_recompute",
        "schedule": 60.0,
        "kwargs": {"trigger": "catch-up", "only_if_pending": True},
        # A minute later the next one is on its way: never let them pile up behind a stopped worker.
        "options": {"expires": 55},
    },
}

REST_FRAMEWORK = {
    # Token first: an anonymous request then gets 401 with `WWW-Authenticate: Token`, not a bare 403.
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "rest_framework.authentication.TokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["core.permissions.IsAnalystOrReadOnly"],
    "DEFAULT_FILTER_BACKENDS": [
        "django_filters.rest_framework.DjangoFilterBackend",
        "rest_framework.filters.OrderingFilter",
    ],
    # JSON bodies are limited in depth and size (core.api.parsers), as Django limits form bodies.
    "DEFAULT_PARSER_CLASSES": [
        "core.api.parsers.JSONParser",
        "rest_framework.parsers.FormParser",
        "rest_framework.parsers.MultiPartParser",
    ],
    "DEFAULT_PAGINATION_CLASS": "core.api.pagination.StandardPagination",
    "PAGE_SIZE": 50,
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "DEFAULT_THROTTLE_CLASSES": [
        "rest_framework.throttling.AnonRateThrottle",
        "rest_framework.throttling.UserRateThrottle",
    ],
    "DEFAULT_THROTTLE_RATES": {
        "anon": os.environ.get("API_THROTTLE_ANON", "60/minute"),
        "user": os.environ.get("API_THROTTLE_USER", "5000/minute"),
    },
    "COERCE_DECIMAL_TO_STRING": True,
    "EXCEPTION_HANDLER": "core.api.errors.api_exception_handler",
    "TEST_REQUEST_DEFAULT_FORMAT": "json",
}

SPECTACULAR_SETTINGS = {
    "TITLE": "Telecom Competition Intelligence API",
    "DESCRIPTION": (
        "Operators, provincial branches, inbound short-term tariff plans and their price "
        "tiers, launches, strategies and computed benchmarks. Money is CNY as decimal strings."
        "\n\nAuthenticate with `Authorization: Token <key>` (`manage.py drf_create_token USER`) or a "
        "session. Anyone logged in reads; the analyst group writes. Operators are addressed by id or "
        "code, provinces by GB/T 2260 code, everything else by id. Lists filter by `operator` and "
        "`province` codes and more; a filter value the schema forbids is a 400, a well-formed code or "
        "id that names no row a 404, never an empty page. `?format=csv` (UTF-8 with BOM) or "
        "`?format=xlsx` returns every filtered row (up to "
        "50,000, unpaginated) with the JSON's columns. Every 4xx body is "
        '`{"detail": "...", "errors": [{"field": "...", "message": "...", "code": "..."}]}`.'
    ),
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    # The schema and its docs describe the API; like the API they are for logged-in users only.
    "SERVE_PERMISSIONS": ["rest_framework.permissions.IsAuthenticated"],
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "COMPONENT_SPLIT_REQUEST": True,
    # Bodies are documented as JSON (which can say null); form bodies are still read, undocumented.
    "PARSER_WHITELIST": ["core.api.parsers.JSONParser"],
    # Tags and operation ids from the resource (`tiers_list`), not the version prefix.
    "SCHEMA_PATH_PREFIX": r"/api/v[0-9]+",
    "ENUM_NAME_OVERRIDES": {
        "OperatorKindEnum": "operators.models.Operator.Kind",
        "PartnerKindEnum": "competition.models.Partner.Kind",
        "LaunchKindEnum": "competition.models.Launch.Kind",
        "DatePrecisionEnum": "competition.market.dating.DatePrecision",
        "EventStatusEnum": "competition.market.dating.EventStatus",
        "ValidityBucketEnum": "plans.pricing.BUCKET_LABELS",
    },
}

# Admin import needs the model's add permission (analysts); export needs view (viewers too).
IMPORT_EXPORT_IMPORT_PERMISSION_CODE = "add"
IMPORT_EXPORT_EXPORT_PERMISSION_CODE = "view"

# Login rate limiting: lock an account/IP pair after repeated failures.
AXES_FAILURE_LIMIT = int(os.environ.get("AXES_FAILURE_LIMIT", "10"))
AXES_COOLOFF_TIME = 1  # hours
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "INFO")},
    "loggers": {"django.db.backends": {"level": "WARNING"}, "axes": {"level": "WARNING"}},
}

# Scaling out (docs/deploy.md). Two queues, each with workers of its own: the benchmark recomputes,
# and everything else (imports, exports and notifications). Routes go by task name pattern, so a
# new task lands on the default queue unless it is a benchmark task.
CELERY_TASK_DEFAULT_QUEUE = "default"
CELERY_TASK_QUEUES: dict[str, dict[str, Any]] = {"default": {}, "benchmarks": {}}
CELERY_TASK_ROUTES = {
    # A published run's follow-ups read every tier for seconds: on the default queue they never hold up
    # the next patch (an edit's visibility) on the benchmarks queue. An exact name beats the pattern.
    "competition.benchmarks_basket_input": {"queue": "default"},
    "competition.benchmarks*": {"queue": "benchmarks"},
    "competition.watching.*": {"queue": "default"},
    "core.jobs.*": {"queue": "default"},
}
# A confirmed tier import of this many rows runs as a background job (core.jobs), not in the request.
TIER_IMPORT_BACKGROUND_ROWS = int(os.environ.get("TIER_IMPORT_BACKGROUND_ROWS", "2000"))
# A read replica for the read-only pages and API (core.db_router); without it everything reads the primary.
if os.environ.get("DATABASE_REPLICA_URL"):
    DATABASES["replica"] = dict(
        dj_database_url.parse(
            os.environ["DATABASE_REPLICA_URL"], conn_max_age=int(os.environ.get("DATABASE_CONN_MAX_AGE", "60"))
        )
    )
    DATABASE_ROUTERS = ["core.db_router.ReplicaRouter"]
MIDDLEWARE.insert(1, "core.db_router.ReplicaReadsMiddleware")  # before anything reads (sessions, users)
# Redis hands a message its worker never acknowledged (the worker died) to another worker after this
# many seconds; keep it above the longest task (docs/deploy.md).
CELERY_BROKER_TRANSPORT_OPTIONS = {"visibility_timeout": int(os.environ.get("CELERY_VISIBILITY_TIMEOUT", "3600"))}
# Watching (competition.watching): notification email through Django's email backend, the console
# unless the environment names another (production: SMTP, see production.py). The digest goes out
# daily; the catch-up matches change events whose matching task never ran (a broker outage).
EMAIL_BACKEND = os.environ.get("DJANGO_EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend")
DEFAULT_FROM_EMAIL = os.environ.get("DJANGO_DEFAULT_FROM_EMAIL", "telecom-ci@localhost")
SITE_URL = os.environ.get("SITE_URL", "http://127.0.0.1:8000")
CELERY_BEAT_SCHEDULE["watching-daily-digest"] = {
    "task": "competition.watching_send_digests",
    "schedule": crontab(hour=7, minute=0),
}
CELERY_BEAT_SCHEDULE["watching-catch-up"] = {
    "task": "competition.watching_match_changes",
    "schedule": 300.0,
    "options": {"expires": 290},
}
