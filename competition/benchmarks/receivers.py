"""The benchmarks' reaction to changes in the plans app (connected in CompetitionConfig.ready)."""

from __future__ import annotations

from typing import Any

from competition.benchmarks import scheduling


def benchmarks_on_tiers_changing(sender: Any, plan_ids: list[int] | None = None, **kwargs: Any) -> None:
    """Tiers or plans are changing (inside the writer's transaction): mark a recompute owed, publish it on commit."""
    scheduling.benchmarks_request_recompute(trigger="change")
