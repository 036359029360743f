"""Reads of launches, partners and strategies for the API (which reads their related lists a page at a
time: core.api.rows)."""

from __future__ import annotations

from django.db.models import F, QuerySet

from competition.market.models import KeyFigure, Launch, Partner, Strategy, StrategyMilestone


def partner_list() -> QuerySet[Partner]:
    return Partner.objects.order_by("name_zh", "pk")


def launch_list() -> QuerySet[Launch]:
    return Launch.objects.select_related("operator", "branch__province", "source").order_by(
        F("launched_on").desc(nulls_last=True), "name_zh", "pk"
    )


def strategy_list() -> QuerySet[Strategy]:
    return Strategy.objects.select_related("operator", "source").order_by(
        "theme", F("operator__code").asc(nulls_first=True), "title_zh", "pk"
    )


def strategy_milestone_list(*, strategy_id: int) -> QuerySet[StrategyMilestone]:
    return StrategyMilestone.objects.filter(strategy_id=strategy_id).order_by(
        F("happened_on").asc(nulls_last=True), "pk"
    )


def strategy_key_figure_list(*, strategy_id: int) -> QuerySet[KeyFigure]:
    return KeyFigure.objects.filter(strategy_id=strategy_id).order_by("pk")
