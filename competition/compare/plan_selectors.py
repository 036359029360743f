"""Reads of plain tier rows for the comparison pages (no analytics here: ranks and medians are stored runs).

Each function runs a fixed number of queries whatever the data, so the pages' query counts stay flat.
"""

from __future__ import annotations

import datetime
from collections.abc import Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.db.models import Prefetch, QuerySet
from django.utils import timezone

from competition.benchmarks.analytics.eligibility import price_counts
from operators.models import Province
from plans.models import Plan, Tier


def provinces_with_tiers() -> QuerySet[Province]:
    """Provinces where at least one branch sells a current tier: the useful choices for a comparison."""
    return Province.objects.filter(branches__plans__tiers__in=Tier.objects.current()).distinct().order_by("code")


def current_tiers_in_provinces(*, province_codes: Sequence[str]) -> list[Tier]:
    """Every tier in effect today in the given provinces, with plan, branch, operator, province, perks and source."""
    return list(
        Tier.objects.current()
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
        """Per-GB by validity: per province the cheapest defined per-GB at each validity (gaps where none).

        Promotional tiers (free trials) stay in the table but out of the line, as they stay out of
        every benchmark: a free day would pull a province's line to zero.
        """
        labels = [row.validity_days for row in self.rows]
        datasets = []
        for index, province in enumerate(self.provinces):
            points: list[float | None] = []
            for row in self.rows:
                values = [
                    t.price_per_gb.value
                    for t in row.cells[index]
                    if t.price_per_gb.value is not None
                    and price_counts(t.is_promotional, t.price_qualifier == Tier.PriceQualifier.FROM)
                ]
                points.append(float(min(values).quantize(Decimal("0.01"))) if values else None)
            datasets.append({"label_zh": province.name_zh, "label_en": province.name_en, "data": points})
        return {"labels": labels, "datasets": datasets}


def province_side_by_side(*, province_codes: Sequence[str]) -> SideBySide:
    """Current tiers of two to four provinces aligned by validity, provinces in the order they were asked for."""
    by_code = {p.code: p for p in Province.objects.filter(code__in=list(province_codes))}
    provinces = [by_code[code] for code in province_codes if code in by_code]
    tiers = current_tiers_in_provinces(province_codes=[p.code for p in provinces])
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
    """Tier rows of one plan as a price history: a table row per tier and a chart series per validity."""

    rows: list[Tier]
    labels: list[str]
    series: dict[int, list[float | None]]

    def chart(self, *, undated_label: str) -> dict[str, Any]:
        labels = [label or undated_label for label in self.labels]
        datasets = [{"validity_days": days, "data": points} for days, points in sorted(self.series.items())]
        return {"labels": labels, "datasets": datasets}


def plan_price_history(*, plan: Plan) -> PriceHistory:
    """Each tier is a price from its effective date on; a validity's series steps at every new tier row.

    A tier without a start date (the source gave none) sits on the first, undated, point of the axis.
    The chart carries the last known price forward to later dates, as a tariff stays until it changes.
    """
    tiers = sorted(
        plan.tiers.all(),
        key=lambda t: (t.validity_days, t.effective_from or datetime.date.min, t.id),
    )
    dates = sorted({t.effective_from for t in tiers}, key=lambda d: d or datetime.date.min)
    labels = [d.isoformat() if d else "" for d in dates]
    series: dict[int, list[float | None]] = {}
    for days in sorted({t.validity_days for t in tiers}):
        own = [t for t in tiers if t.validity_days == days]
        points: list[float | None] = []
        for day in dates:
            started = [t for t in own if (t.effective_from or datetime.date.min) <= (day or datetime.date.min)]
            latest = started[-1] if started else None
            ended = (
                latest is not None
                and latest.effective_to is not None
                and day is not None
                and day >= latest.effective_to
            )
            points.append(float(latest.price_cny) if latest is not None and not ended else None)
        series[days] = points
    return PriceHistory(rows=tiers, labels=labels, series=series)


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
