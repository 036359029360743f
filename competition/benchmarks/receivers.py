"""The benchmarks' reaction to changes in the plans app (connected in CompetitionConfig.ready)."""

from __future__ import annotations

import logging
from typing import Any

from competition.benchmarks import scheduling, services

logger = logging.getLogger(__name__)


def benchmarks_on_tiers_changed(sender: Any, plan_ids: list[int] | None = None, **kwargs: Any) -> None:
    """The change committed: mark its plans (or, unnamed, a full recompute) pending and publish (eager: runs here)."""
    try:
        # Any past day may have changed (a backdated price, a correction): the as-of cache starts over.
        services.benchmark_as_of_runs_drop()
        scheduling.benchmarks_mark_pending(plan_ids=plan_ids)
        scheduling.benchmarks_publish(trigger="change")
    except Exception:
        # Eager mode computes in this process: a failure must not turn the analyst's saved edit into
        # an error. The recompute stays pending for the next change or an analyst's recompute.
        logger.exception("benchmark recompute after a tier change failed")
