"""The competition app's reaction to changes in the plans app (connected in CompetitionConfig.ready)."""

from __future__ import annotations

from typing import Any

from competition.benchmarks import services


def benchmarks_on_tiers_changed(sender: Any, plan_ids: list[int] | None = None, **kwargs: Any) -> None:
    """Tiers or plans changed (the signal comes after their commit): queue one debounced recompute."""
    services.benchmarks_request_recompute(trigger="change")
