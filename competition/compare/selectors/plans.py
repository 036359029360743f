"""Reads of plans and their tier rows for the plan pages (the province comparison reads in
selectors.provinces and province_summary).

Each function runs a fixed number of queries whatever the data, so the pages' query counts stay flat.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from typing import Any

from django.db.models import Count, IntegerField, OuterRef, Prefetch, QuerySet, Subquery
from django.db.models.functions import Coalesce
from django.utils import timezone

from plans.models import Plan, Tier


def plan_list(
    *, on: datetime.date | None = None, province: str | None = None, operator: str | None = None
) -> QuerySet[Plan]:
    """Plans with branch, operator and province joined and `current_tiers`: how many are in effect on `on`.

    The count is a subquery per plan row read, so a page of plans costs one query whatever the tiers.
    """
    in_effect = (
        Tier.objects.in_effect(on=on or timezone.localdate())
        .filter(plan=OuterRef("pk"))
        .order_by()
        .values("plan")
        .annotate(count=Count("id"))
        .values("count")
    )
    plans = Plan.objects.select_related("branch__operator", "branch__province").annotate(
        current_tiers=Coalesce(Subquery(in_effect, output_field=IntegerField()), 0)
    )
    if province:
        plans = plans.filter(branch__province__code=province)
    if operator:
        plans = plans.filter(branch__operator__code=operator)
    return plans.order_by("branch__province__code", "branch__operator__code", "name_zh", "pk")


def plan_page(plans: QuerySet[Plan], *, page: int, page_size: int) -> tuple[list[Plan], bool]:
    """One page of plans and whether another follows: page_size + 1 rows, no COUNT over every plan."""
    start = (max(1, page) - 1) * page_size
    rows = list(plans[start : start + page_size + 1])
    return rows[:page_size], len(rows) > page_size


def plan_detail(*, plan_id: int) -> Plan:
    """One plan with everything its page shows: branch, source, perks, all tiers (current and past) and their sources.

    Raises Plan.DoesNotExist for an unknown id.
    """
    return (
        Plan.objects.select_related("branch__operator", "branch__province", "source")
        .prefetch_related(
            "perks",
            Prefetch(
                "tiers",
                queryset=Tier.objects.select_related("source").order_by("validity_days", "effective_from", "id"),
            ),
        )
        .get(pk=plan_id)
    )


@dataclass
class PlanTiersOn:
    """A plan's tiers on one day: the prices in effect, and the scheduled ones still to come."""

    day: datetime.date
    in_effect: list[Tier]
    upcoming: list[Tier]


def plan_tiers_on(*, plan: Plan, day: datetime.date | None = None) -> PlanTiersOn:
    """Split the plan's loaded tiers (plan_detail prefetches them) by their status on `day` (default today).

    No query: each tier's status comes from Tier.status_on, the row-level twin of TierQuerySet.
    Upcoming tiers are in the order they start.
    """
    day = day or timezone.localdate()
    tiers = list(plan.tiers.all())
    upcoming = [t for t in tiers if t.status_on(day) == Tier.Status.SCHEDULED]
    upcoming.sort(key=lambda t: (t.effective_from or datetime.date.min, t.validity_days, t.pk))
    return PlanTiersOn(
        day=day,
        in_effect=[t for t in tiers if t.status_on(day) == Tier.Status.IN_EFFECT],
        upcoming=upcoming,
    )


@dataclass
class PriceHistory:
    """Tier rows of one plan as a price history: a table row per tier, a step series per validity over real dates.

    `series[days]` holds {"x": ISO date, "y": price} points: a price holds from its effective date until the
    next one (or its end, where a null point breaks the line), and the last open price is carried to `until`.
    `undated` are the tiers published without a start date: they cannot be placed on a time axis, so the
    page lists each once as such instead of pinning them to a made-up point.
    """

    rows: list[Tier]
    series: dict[int, list[dict[str, Any]]]
    undated: list[Tier]

    def chart(self) -> dict[str, Any]:
        datasets = [
            {"validity_days": days, "data": points, "stepped": True, "spanGaps": False}
            for days, points in sorted(self.series.items())
        ]
        return {"xAxis": "date", "datasets": datasets}


def plan_price_history(*, plan: Plan, until: datetime.date | None = None) -> PriceHistory:
    """Each dated tier is a price from its effective date on; a validity's series steps at every new tier row.

    `until` (default today) is where the last open-ended price's line stops. No query (the tiers are prefetched).
    """
    until = until or timezone.localdate()
    tiers = sorted(
        plan.tiers.all(),
        key=lambda t: (t.validity_days, t.effective_from or datetime.date.min, t.id),
    )
    series: dict[int, list[dict[str, Any]]] = {}
    for days in sorted({t.validity_days for t in tiers}):
        dated = [t for t in tiers if t.validity_days == days and t.effective_from is not None]
        points: list[dict[str, Any]] = []
        for index, tier in enumerate(dated):
            assert tier.effective_from is not None  # filtered above
            points.append({"x": tier.effective_from.isoformat(), "y": float(tier.price_cny)})
            following = dated[index + 1].effective_from if index + 1 < len(dated) else None
            if tier.effective_to is not None and tier.effective_to != following:
                # Not on sale between this price's end and the next one (or ever again): the line stops.
                points.append({"x": tier.effective_to.isoformat(), "y": None})
            elif following is None and tier.effective_from < until:
                points.append({"x": until.isoformat(), "y": float(tier.price_cny)})
        if points:
            series[days] = points
    undated = [t for t in tiers if t.effective_from is None]
    return PriceHistory(rows=tiers, series=series, undated=undated)


def plan_tier_changes(*, plan: Plan, limit: int = 200) -> list[Any]:
    """The audit trail of the plan's tier rows (simple-history), newest first, with who made each change.

    Corrections made in place (a mistyped price fixed in admin) show here, where the tier rows alone
    would hide them. One query.
    """
    return list(
        Tier.history.filter(plan_id=plan.pk)  # type: ignore[attr-defined]
        .select_related("history_user")
        .order_by("-history_date", "-history_id")[:limit]
    )
