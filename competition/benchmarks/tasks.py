"""Celery tasks of the competition app: they take ids and call the services."""

from __future__ import annotations

import logging

from celery import shared_task
from django.db import InterfaceError, OperationalError

from competition.benchmarks import services

logger = logging.getLogger(__name__)

TASK_NAME = "competition.benchmarks_recompute"


@shared_task(
    name=TASK_NAME,
    autoretry_for=(OperationalError, InterfaceError),
    retry_backoff=True,
    retry_backoff_max=300,
    max_retries=5,
    acks_late=True,
)
def benchmarks_recompute_task(trigger: str = "change", requested_by_id: int | None = None) -> int | None:
    """Recompute the benchmarks; returns the id of the run readers now see (None when another holder runs).

    Database hiccups are retried with backoff. A busy lease is not an error: the inputs were marked
    stale, so the holder recomputes once more before it lets go.
    """
    try:
        run = services.benchmarks_recompute(
            trigger=trigger, requested_by_id=requested_by_id, skip_if_unchanged=trigger == "change"
        )
    except services.BenchmarkBusy:
        logger.info("benchmark recompute already running; it will include the changes that triggered %s", trigger)
        return None
    return run.pk if run is not None else None
