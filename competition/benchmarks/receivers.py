"""The benchmarks' reaction to changes in the plans app (connected in CompetitionConfig.ready)."""

from __future__ import annotations

import logging
from typing import Any

from django.conf import settings

from competition.benchmarks import partitions, scheduling, services

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


def basket_input_on_run_published(sender: Any, run_id: int, **kwargs: Any) -> None:
    """A run was published (computed or patched): store its compact basket input in a worker.

    Without a broker (eager Celery) tasks would run here, in the process that published, and add
    a second read of every tier to each recompute: then only when BENCHMARK_BASKET_INPUT_INLINE
    says so (the tests); the basket page costs other profiles from every tier meanwhile.
    """
    from competition.benchmarks.tasks import benchmarks_basket_input_task

    if settings.CELERY_TASK_ALWAYS_EAGER and not getattr(settings, "BENCHMARK_BASKET_INPUT_INLINE", False):
        return
    try:
        benchmarks_basket_input_task.delay(run_id)
    except Exception:
        # The answer stays right without it (costed from every tier): a failure must not fail the publish.
        logger.exception("storing the basket input of benchmark run %s failed", run_id)


def rows_on_run_deleted(sender: Any, instance: Any, **kwargs: Any) -> None:
    """A run is being deleted (pruned, or by an analyst in admin): its rows go with their partition, one DROP
    TABLE instead of a DELETE of each row (PostgreSQL; the cascade deletes them elsewhere)."""
    partitions.run_rows_drop([instance.pk])
