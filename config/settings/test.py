"""Test settings: PostgreSQL and Redis when they answer, SQLite and eager Celery otherwise.

With REQUIRE_SERVICES=1 (CI) a missing PostgreSQL or Redis is an error, never a silent fallback.
"""

import os
import socket

import dj_database_url
from django.core.exceptions import ImproperlyConfigured

from config.settings.base import *  # noqa: F403
from config.settings.base import BASE_DIR, env_bool, with_sqlite_options

REQUIRE_SERVICES = env_bool("REQUIRE_SERVICES", False)


def _answers(host: str, port: int) -> bool:
    try:
        with socket.create_connection((host, port), timeout=1):
            return True
    except OSError:
        return False


SECRET_KEY = "test-only-not-secret"
DEBUG = False

# TEST_DATABASE=sqlite runs on the embedded default even where PostgreSQL answers (make test does,
# for the schemathesis run on both).
_force_sqlite = os.environ.get("TEST_DATABASE", "").lower() == "sqlite"
_database_url = None if _force_sqlite else os.environ.get("DATABASE_URL")
if not _database_url and not _force_sqlite and _answers("127.0.0.1", 5432):
    _database_url = "postgres://postgres@127.0.0.1:5432/postgres"
if _database_url:
    DATABASES = {"default": with_sqlite_options(dict(dj_database_url.parse(_database_url)))}
    if DATABASES["default"]["ENGINE"] != "django.db.backends.sqlite3":
        # Parallel checkouts on one machine keep their own test database. (On SQLite the name
        # would be a file in the working directory; its in-memory test database is private anyway.)
        DATABASES["default"]["TEST"] = {"NAME": os.environ.get("TEST_DB_NAME", "test_telecom_ci")}
elif REQUIRE_SERVICES and not _force_sqlite:
    raise ImproperlyConfigured("REQUIRE_SERVICES=1 but PostgreSQL does not answer at 127.0.0.1:5432")
else:
    DATABASES = {
        "default": with_sqlite_options({"ENGINE": "django.db.backends.sqlite3", "NAME": str(BASE_DIR / "test.sqlite3")})
    }

# pytest-xdist workers (gw0, gw1, ...) each get a Redis database of their own, counting down from
# TEST_REDIS_DB, as pytest-django gives each its own test database (suffix _gw0, _gw1, ...).
_xdist_worker = int(os.environ.get("PYTEST_XDIST_WORKER", "gw0").removeprefix("gw") or 0)
_redis_db = int(os.environ.get("TEST_REDIS_DB", "15")) - _xdist_worker
_broker_url = os.environ.get("CELERY_BROKER_URL")
if not _broker_url and _answers("127.0.0.1", 6379):
    _broker_url = f"redis://127.0.0.1:6379/{_redis_db}"
if not _broker_url and REQUIRE_SERVICES:
    raise ImproperlyConfigured("REQUIRE_SERVICES=1 but Redis does not answer at 127.0.0.1:6379")
# Tests talk to the real broker only where they ask for a worker; everything else runs eagerly.
TEST_CELERY_BROKER_URL = _broker_url or ""
CELERY_BROKER_URL = ""
CELERY_RESULT_BACKEND = None
CELERY_TASK_ALWAYS_EAGER = True

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
REST_FRAMEWORK = {**REST_FRAMEWORK, "DEFAULT_THROTTLE_RATES": {"anon": "1000/minute", "user": "100000/minute"}}  # noqa: F405
AXES_ENABLED = env_bool("AXES_ENABLED", False)
LANGUAGE_CODE = "en"

# The read replica's alias, as a mirror of the test database: core.db_router's tests route to it
# (no router is installed here, so nothing else ever reads from it).
DATABASES["replica"] = {**DATABASES["default"], "TEST": {"MIRROR": "default"}}
