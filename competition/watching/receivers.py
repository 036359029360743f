"""Watching's reaction to a published benchmark run (connected in CompetitionConfig.ready)."""

from __future__ import annotations

import logging
from typing import Any

from competition.watching.publishing import watching_publish_thresholds

logger = logging.getLogger(__name__)


def watching_on_benchmark_run_published(sender: Any, run_id: int, **kwargs: Any) -> None:
    try:
        watching_publish_thresholds(run_id=run_id)
    except Exception:
        # Eager mode checks in this process: a failure must not fail the recompute that published the run.
        logger.exception("checking threshold watches after benchmark run %s failed", run_id)
