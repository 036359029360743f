"""Celery tasks of the benchmarks: they take ids and call the scheduling service."""

from __future__ import annotations

import logging
from typing import Any

from celery import shared_task
from django.db import InterfaceError, OperationalError

from competition.benchmarks import basket_inputs, scheduling

logger = logging.getLogger(__name__)

TASK_NAME = "competition.benchmarks_recompute"


@shared_task(
    name=TASK_NAME,
    bind=True,
    autoretry_for=(OperationalError, InterfaceError),
    retry_backoff=True,
    retry_backoff_max=300,
    max_retries=5,
    acks_late=True,
)
def benchmarks_recompute_task(
    self: Any, trigger: str = "manual", requested_by_id: int | None = None, only_if_pending: bool = False
) -> int | None:
    """Recompute the benchmarks; returns the id of the run it stored (None when nothing was owed or it was busy).

    Change triggers and the catch-up beat pass `only_if_pending`; the nightly beat recomputes
    whatever changed, so edits made outside the services are caught too. Database hiccups are
    retried with backoff, and a retry always runs: its first attempt cleared the pending flag. A
    busy lease is not an error: the request stays pending and the holder runs once more.
    """
    try:
        run = scheduling.benchmarks_recompute(
            trigger=trigger,
            requested_by_id=requested_by_id,
            only_if_pending=only_if_pending and not self.request.retries,
        )
    except scheduling.BenchmarkBusy:
        logger.info("benchmark recompute already running; it will run once more for %s", trigger)
        return None
    return run.pk if run is not None else None


BASKET_INPUT_TASK = "competition.benchmarks_basket_input"


@shared_task(
    name=BASKET_INPUT_TASK,
    autoretry_for=(OperationalError, InterfaceError),
    retry_backoff=True,
    retry_backoff_max=300,
    max_retries=5,
    acks_late=True,
)
def benchmarks_basket_input_task(run_id: int) -> bool:
    """Store a published run's compact basket input (`basket_inputs.basket_input_store`); True when stored."""
    return basket_inputs.basket_input_store(run_id=run_id)


HISTORY_FILL_TASK = "competition.benchmarks_history_fill"


@shared_task(
    name=HISTORY_FILL_TASK,
    autoretry_for=(OperationalError, InterfaceError, scheduling.BenchmarkBusy),
    retry_backoff=True,
    retry_backoff_max=300,
    max_retries=5,
    acks_late=True,
)
def benchmarks_history_fill_task() -> list[str]:
    """Record the benchmark history's days owed (`scheduling.benchmarks_history_fill`); returns them (ISO dates)."""
    return [day.isoformat() for day in scheduling.benchmarks_history_fill()]
