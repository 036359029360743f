"""Reads of plain tier rows for the comparison pages (no analytics here: ranks and medians are stored runs).

Each function runs a fixed number of queries whatever the data, so the pages' query counts stay flat.
"""

from __future__ import annotations

import datetime
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Prefetch, QuerySet
from django.utils import timezone

from competition.benchmarks.analytics.eligibility import price_counts
from operators.models import Province
from plans.models import Plan, Tier
from plans.pricing import round_cny


def provinces_with_tiers(*, on: datetime.date | None = None) -> QuerySet[Province]:
    """Provinces where a branch sells a tier in effect on `on` (default today): the useful choices for a comparison."""
    tiers = Tier.objects.in_effect(on=on or timezone.localdate())
    return Province.objects.filter(branches__plans__tiers__in=tiers).distinct().order_by("code")


def current_tiers_in_provinces(*, province_codes: Sequence[str], on: datetime.date | None = None) -> list[Tier]:
    """Every tier in effect on `on` (default today) in the provinces, with plan, branch, operator, province, perks."""
    return list(
        Tier.objects.in_effect(on=on or timezone.localdate())
        .filter(plan__branch__province__code__in=list(province_codes))
        .select_related("plan__branch__operator", "plan__branch__province", "source")
        .prefetch_related("plan__perks")
        .order_by("validity_days", "plan__branch__operator__code", "plan__branch__name_zh", "plan__name_zh")
    )


@dataclass
class ValidityRow:
    """One validity (e.g. 7 days) and, per chosen province, the tiers of that validity."""

    validity_days: int
    cells: list[list[Tier]] = field(default_factory=list)


@dataclass
class SideBySide:
    provinces: list[Province]
    rows: list[ValidityRow]
    tiers: list[Tier]

    def chart(self) -> dict[str, Any]:
        """Per-GB by validity: per province the cheapest defined per-GB at each validity, on a numeric axis.

        Each point is {x: validity in days, y: CNY per GB}, so 7 and 30 days sit 23 days apart. At a
        validity another province sells but this one has no figure for, the point is null and the
        chart (`spanGaps` false) breaks the line there rather than draw across what is not sold.
        Promotional tiers (free trials) stay in the table but out of the line, as they stay out of
        every benchmark: a free day would pull a province's line to zero.
        """
        labels = [row.validity_days for row in self.rows]
        datasets = []
        for index, province in enumerate(self.provinces):
            points: list[dict[str, float | int | None]] = []
            for row in self.rows:
                values = [
                    t.price_per_gb.value
                    for t in row.cells[index]
                    if t.price_per_gb.value is not None
                    and price_counts(t.is_promotional, t.price_qualifier == Tier.PriceQualifier.FROM)
                ]
                # Half-up like every displayed figure (quantize alone would round 3.125 to even, 3.12).
                value = float(round_cny(min(values))) if values else None
                points.append({"x": row.validity_days, "y": value})
            datasets.append({"label_zh": province.name_zh, "label_en": province.name_en, "data": points})
        return {"labels": labels, "datasets": datasets, "xType": "linear", "spanGaps": False}


def province_side_by_side(*, province_codes: Sequence[str], on: datetime.date | None = None) -> SideBySide:
    """The tiers in effect on `on` (default today) of two to four provinces aligned by validity, in the order asked."""
    by_code = {p.code: p for p in Province.objects.filter(code__in=list(province_codes))}
    provinces = [by_code[code] for code in province_codes if code in by_code]
    tiers = current_tiers_in_provinces(province_codes=[p.code for p in provinces], on=on)
    position = {province.code: index for index, province in enumerate(provinces)}
    rows: dict[int, ValidityRow] = {}
    for tier in tiers:
        row = rows.setdefault(
            tier.validity_days,
            ValidityRow(validity_days=tier.validity_days, cells=[[] for _ in provinces]),
        )
        row.cells[position[tier.plan.branch.province.code]].append(tier)
    return SideBySide(provinces=provinces, rows=[rows[days] for days in sorted(rows)], tiers=tiers)


def plan_list() -> QuerySet[Plan]:
    """Every plan with its branch and a count-free list of tiers, for the plan index."""
    return Plan.objects.select_related("branch__operator", "branch__province").prefetch_related(
        Prefetch("tiers", queryset=Tier.objects.order_by("validity_days", "-effective_from"))
    )


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
