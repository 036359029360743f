"""Queueing the watching tasks after a commit (without a broker they run in-process, at once)."""

from __future__ import annotations

from django.conf import settings

from core.publishing import task_publish

PUBLISH_TIMEOUT_SECONDS = float(getattr(settings, "BENCHMARK_PUBLISH_TIMEOUT_SECONDS", 0.5))


def watching_publish_match(*, event_ids: list[int]) -> bool:
    """Match these change events against the watches (competition.watching_match_changes)."""
    from competition.watching.tasks import watching_match_changes_task

    return task_publish(watching_match_changes_task, kwargs={"event_ids": event_ids}, timeout=PUBLISH_TIMEOUT_SECONDS)


def watching_publish_thresholds(*, run_id: int) -> bool:
    """Compare a newly published benchmark run with the one before (competition.watching_check_thresholds)."""
    from competition.watching.tasks import watching_check_thresholds_task

    return task_publish(watching_check_thresholds_task, kwargs={"run_id": run_id}, timeout=PUBLISH_TIMEOUT_SECONDS)
