"""Production: every secret from the environment, HTTPS everywhere."""

import os

from django.core.exceptions import ImproperlyConfigured
from django_guid.integrations import CeleryIntegration

from config.settings.base import *  # noqa: F403
from config.settings.base import env_bool, env_list

if not SECRET_KEY:  # noqa: F405
    raise ImproperlyConfigured("DJANGO_SECRET_KEY must be set in production")
# Production runs on PostgreSQL and a real broker, never the embedded SQLite file or eager tasks.
for _required in ("DATABASE_URL", "CELERY_BROKER_URL"):
    if not os.environ.get(_required):
        raise ImproperlyConfigured(f"{_required} must be set in production")

DEBUG = False
ALLOWED_HOSTS = env_list("DJANGO_ALLOWED_HOSTS")
CSRF_TRUSTED_ORIGINS = env_list("DJANGO_CSRF_TRUSTED_ORIGINS")

SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_SSL_REDIRECT = env_bool("DJANGO_SECURE_SSL_REDIRECT", True)
# Load balancers probe the web hosts over plain HTTP on the private network.
SECURE_REDIRECT_EXEMPT = [r"^healthz$"]
SESSION_COOKIE_SECURE = True
CSRF_COOKIE_SECURE = True
SESSION_COOKIE_HTTPONLY = True
SECURE_HSTS_SECONDS = int(os.environ.get("DJANGO_SECURE_HSTS_SECONDS", "31536000"))
SECURE_HSTS_INCLUDE_SUBDOMAINS = True
SECURE_HSTS_PRELOAD = True
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
# Cookies: HTTPS only, no script access to the session, not sent on cross-site subrequests.
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_SAMESITE = "Lax"
# Login rate limiting is never switched off in production, whatever the environment says.
AXES_ENABLED = True
# Uploaded evidence files are readable by the app's user and group only, never world-readable.
FILE_UPLOAD_PERMISSIONS = 0o640

# Behind PgBouncer in transaction pooling, a server-side cursor cannot outlive its statement's transaction.
for _database in DATABASES.values():  # noqa: F405
    _database["DISABLE_SERVER_SIDE_CURSORS"] = env_bool("DATABASE_DISABLE_SERVER_SIDE_CURSORS", False)

# Several web hosts and workers share one cache (job progress, the health probe's worker ping):
# Redis, REDIS_CACHE_URL or else the broker's server.
_cache_url = os.environ.get("REDIS_CACHE_URL") or CELERY_BROKER_URL  # noqa: F405
if _cache_url:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": _cache_url}}

# Structured JSON logs with the request id and the task id (core.logging).
INSTALLED_APPS = [*INSTALLED_APPS, "django_guid"]  # noqa: F405
MIDDLEWARE = [
    "django_guid.middleware.guid_middleware",
    *MIDDLEWARE,  # noqa: F405
    "core.logging.RequestLogMiddleware",
]
DJANGO_GUID = {
    "GUID_HEADER_NAME": "X-Request-ID",  # what load balancers and proxies send
    "VALIDATE_GUID": False,  # keep the balancer's id as it is, whatever its form
    "INTEGRATIONS": [CeleryIntegration(use_django_logging=True, log_parent=True)],
}
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {
        "request_id": {"()": "django_guid.log_filters.CorrelationId", "correlation_id_field": "request_id"},
        "task": {"()": "core.logging.TaskContext"},
    },
    "formatters": {
        "json": {
            "()": "pythonjsonlogger.json.JsonFormatter",
            "fmt": "%(asctime)s %(levelname)s %(name)s %(message)s %(request_id)s %(task_id)s %(task_name)s",
            "rename_fields": {"asctime": "time", "levelname": "level", "name": "logger"},
        }
    },
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "json", "filters": ["request_id", "task"]}},
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "INFO")},
    "loggers": {
        "django.db.backends": {"level": "WARNING"},
        "axes": {"level": "WARNING"},
        # The request line above replaces Django's own 4xx/5xx warnings; errors still log their traceback.
        "django.request": {"level": "ERROR"},
        "django_guid": {"level": "WARNING"},
    },
}
# Notification email over SMTP, configured from the environment.
EMAIL_BACKEND = os.environ.get("DJANGO_EMAIL_BACKEND", "django.core.mail.backends.smtp.EmailBackend")
EMAIL_HOST = os.environ.get("EMAIL_HOST", "localhost")
EMAIL_PORT = int(os.environ.get("EMAIL_PORT", "587"))
EMAIL_HOST_USER = os.environ.get("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = os.environ.get("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", True)
EMAIL_TIMEOUT = int(os.environ.get("EMAIL_TIMEOUT", "10"))
