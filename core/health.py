from django.conf import settings


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
