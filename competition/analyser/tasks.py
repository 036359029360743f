"""Celery task of the analyser: store a published run's rank sensitivity (competition.analyser.sensitivity).

Named outside `competition.benchmarks*` on purpose: it lands on the default queue, so ranking the
buckets never holds up the benchmarks queue's next patch or recompute.
"""

from __future__ import annotations

from celery import shared_task
from django.db import InterfaceError, OperationalError

from competition.analyser import sensitivity

SENSITIVITY_TASK = "competition.analyser_sensitivity_store"


@shared_task(
    name=SENSITIVITY_TASK,
    autoretry_for=(OperationalError, InterfaceError),
    retry_backoff=True,
    retry_backoff_max=300,
    max_retries=5,
    acks_late=True,
)
def sensitivity_store_task(
    run_id: int, revision: int | None = None, buckets: list[str] | None = None
) -> dict[str, int]:
    """Store what changed of the run's sensitivity; {bucket: rows written}. Safe to run twice."""
    return sensitivity.sensitivity_store(run_id=run_id, revision=revision, buckets=buckets)
