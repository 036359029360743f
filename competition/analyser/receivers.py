"""The analyser's reaction to a published benchmark run (connected in CompetitionConfig.ready)."""

from __future__ import annotations

import logging
from typing import Any

from core.publishing import task_publish

logger = logging.getLogger(__name__)


def sensitivity_on_benchmark_run_published(
    sender: Any, run_id: int, revision: int | None = None, buckets: list[str] | None = None, **kwargs: Any
) -> None:
    """Queue the run's sensitivity follow-up: every bucket of a new run, a patch's buckets only."""
    from competition.analyser.tasks import sensitivity_store_task

    try:
        task_publish(
            sensitivity_store_task,
            kwargs={"run_id": run_id, "revision": revision, "buckets": None if buckets is None else list(buckets)},
        )
    except Exception:
        # Eager mode stores in this process: a failure must not fail the run that published. Until the
        # rows are stored the page and the API compute the sensitivity themselves.
        logger.exception("storing the rank sensitivity of benchmark run %s failed", run_id)
