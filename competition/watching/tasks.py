"""Celery tasks of watching (their own names, so a deployment can route them to a notifications queue).

- competition.watching_match_changes: change events -> notifications, then immediate email;
  without ids (the catch-up beat) every event not matched yet.
- competition.watching_check_thresholds: a published benchmark run -> threshold notifications, email.
- competition.watching_send_digests: the daily digest (beat).
Each is safe to run twice: notifications are unique per (user, event) and (watch, run), and an
email claims its rows before it is sent.
"""

from __future__ import annotations

from typing import Any

from celery import shared_task
from django.db import InterfaceError, OperationalError

from competition.watching import email, services
from competition.watching.models import Notification

MATCH_TASK = "competition.watching_match_changes"
THRESHOLDS_TASK = "competition.watching_check_thresholds"
DIGEST_TASK = "competition.watching_send_digests"
RETRY = {
    "autoretry_for": (OperationalError, InterfaceError, ConnectionError, TimeoutError),
    "retry_backoff": True,
    "retry_backoff_max": 300,
    "max_retries": 5,
    "acks_late": True,
}


@shared_task(name=MATCH_TASK, **RETRY)
def watching_match_changes_task(event_ids: list[int] | None = None) -> dict[str, Any]:
    matched = services.notifications_for_changes(event_ids=event_ids)
    sent = email.notifications_email_immediate(notifications=Notification.objects.filter(change_id__in=matched))
    return {"events": len(matched), "emails": sent}


@shared_task(name=THRESHOLDS_TASK, **RETRY)
def watching_check_thresholds_task(run_id: int) -> dict[str, Any]:
    services.notifications_for_run(run_id=run_id)
    sent = email.notifications_email_immediate(notifications=Notification.objects.filter(run_id=run_id))
    return {"run": run_id, "emails": sent}


@shared_task(name=DIGEST_TASK, **RETRY)
def watching_send_digests_task() -> int:
    return email.notifications_email_digests()
