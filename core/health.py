"""What /healthz checks: the database, the broker, and whether any Celery worker answers."""

from __future__ import annotations

from django.conf import settings
from django.core.cache import cache

# Several web hosts behind a load balancer each probe every few seconds; one broadcast ping per
# host per WORKERS_CACHE_SECONDS keeps the workers from answering pings all day.
WORKERS_CACHE_SECONDS = 10
WORKER_PING_TIMEOUT_SECONDS = 1.0


def broker_status() -> str:
    """'ok', 'not configured' (eager mode) or the error class name."""
    url = getattr(settings, "CELERY_BROKER_URL", "")
    if not url:
        return "not configured"
    from kombu import Connection

    try:
        with Connection(url, connect_timeout=2) as connection:
            connection.ensure_connection(max_retries=1)
    except Exception as error:  # noqa: BLE001 - report, don't raise, from a health probe
        return f"error: {error.__class__.__name__}"
    return "ok"


def workers_answering() -> list[str] | None:
    """The names of the Celery workers that answer a ping (sorted), or None without a broker (eager mode)."""
    if not getattr(settings, "CELERY_BROKER_URL", ""):
        return None
    cached = cache.get("core.health.workers")
    if cached is not None:
        return list(cached)
    from celery import current_app

    try:
        replies = current_app.control.ping(timeout=WORKER_PING_TIMEOUT_SECONDS) or []
    except Exception:  # noqa: BLE001 - a broker that fails here is reported by broker_status
        replies = []
    names = sorted(name for reply in replies for name in reply)
    cache.set("core.health.workers", names, WORKERS_CACHE_SECONDS)
    return names
