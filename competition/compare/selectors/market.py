"""Reads behind the launches timeline and the strategies page.

Every function runs a fixed number of queries whatever the data, so the pages' query counts stay flat.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.db.models import F, Prefetch

from competition.models import KeyFigure, Launch, Strategy, StrategyMilestone
from plans.models import Plan


def launch_timeline(
    *,
    operator: str = "",
    province: str = "",
    kind: str = "",
    date_from: datetime.date | None = None,
    date_to: datetime.date | None = None,
) -> list[Launch]:
    """Launches newest first, undated ones last; a date range leaves the undated out (they cannot be placed).

    `province` matches the launching branch's province; a group-wide launch has no branch and no province.
    """
    launches = Launch.objects.select_related("operator", "branch__province", "source").prefetch_related(
        "partners",
        Prefetch("plans", queryset=Plan.objects.select_related("branch").order_by("name_zh")),
    )
    if operator:
        launches = launches.filter(operator__code=operator)
    if province:
        launches = launches.filter(branch__province__code=province)
    if kind:
        launches = launches.filter(kind=kind)
    if date_from:
        launches = launches.filter(launched_on__gte=date_from)
    if date_to:
        launches = launches.filter(launched_on__lte=date_to)
    return list(launches.order_by(F("launched_on").desc(nulls_last=True), "operator__code", "name_zh"))


@dataclass
class ThemeGroup:
    theme: str
    label: str
    strategies: list[Strategy]


def strategies_by_theme(*, theme: str = "", operator: str = "") -> list[ThemeGroup]:
    """Strategies grouped by theme in the order the themes are declared; `operator="industry"` keeps the unnamed.

    Each strategy comes with its operator, source, milestones (oldest first) and key figures.
    """
    strategies = Strategy.objects.select_related("operator", "source").prefetch_related(
        Prefetch("milestones", queryset=StrategyMilestone.objects.order_by("happened_on", "id")),
        Prefetch("key_figures", queryset=KeyFigure.objects.order_by("id")),
    )
    if theme:
        strategies = strategies.filter(theme=theme)
    if operator == "industry":
        strategies = strategies.filter(operator__isnull=True)
    elif operator:
        strategies = strategies.filter(operator__code=operator)
    ordered = list(strategies.order_by("theme", "operator__code", "title_zh"))
    return _group(ordered, Strategy.Theme.choices)


def _group(strategies: Iterable[Strategy], themes: Iterable[tuple[str, Any]]) -> list[ThemeGroup]:
    groups = [ThemeGroup(theme=value, label=str(label), strategies=[]) for value, label in themes]
    index = {group.theme: group for group in groups}
    for strategy in strategies:
        index[strategy.theme].strategies.append(strategy)
    return [group for group in groups if group.strategies]
