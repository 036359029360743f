"""The province comparison's summary: per province, operator and validity, one GROUP BY over the tiers in effect.

Two to four provinces can hold tens of thousands of tiers at market scale, so the summary (tiers and
cheapest per GB per province, operator and validity, which the chart draws) is aggregated in the
database. Per GB is computed in SQL by plans.pricing.per_gb_expression (the twin of price_per_gb);
which prices count is decided in Python by the one rule, eligibility.price_counts, applied to the
groups (the GROUP BY keeps is_promotional and price_qualifier apart for that).
"""

from __future__ import annotations

import datetime
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.db.models import Count, Exists, F, Min, OuterRef, QuerySet
from django.utils import timezone

from competition.benchmarks.analytics import is_low_sample
from competition.benchmarks.analytics.eligibility import price_counts
from operators.models import Branch, Province
from plans.models import Tier
from plans.pricing import per_gb_expression


def provinces_with_tiers(*, on: datetime.date | None = None) -> QuerySet[Province]:
    """Provinces where a branch sells a tier in effect on `on` (default today): the useful choices for a comparison.

    One EXISTS per province, which stops at the first tier found, rather than a join over every tier.
    """
    tiers = Tier.objects.in_effect(on=on or timezone.localdate()).filter(plan__branch__province=OuterRef("pk"))
    return Province.objects.filter(Exists(tiers)).order_by("code")


def tiers_in_provinces(
    *,
    province_codes: Sequence[str],
    on: datetime.date | None = None,
    operator: str | None = None,
    validity_days: int | None = None,
) -> QuerySet[Tier]:
    """The tiers in effect on `on` (default today) in the provinces, narrowed by operator code and validity."""
    tiers = Tier.objects.in_effect(on=on or timezone.localdate()).filter(
        plan__branch__province__code__in=list(province_codes)
    )
    if operator:
        tiers = tiers.filter(plan__branch__operator__code=operator)
    if validity_days:
        tiers = tiers.filter(validity_days=validity_days)
    return tiers


@dataclass(frozen=True)
class SummaryRow:
    """One province, operator and validity: how many tiers, how many priced ones count, the cheapest per GB."""

    province_code: str
    operator_code: str
    validity_days: int
    tiers: int
    priced: int  # tiers whose price counts (eligibility) and whose per GB is defined
    cheapest_per_gb: Decimal | None  # unrounded, as the database computed it

    @property
    def low_sample(self) -> bool:
        return is_low_sample(self.priced)


def province_branches(province_codes: Sequence[str]) -> list[Branch]:
    """The provinces' branches in the table's order, as the database collates their names."""
    return list(
        Branch.objects.filter(province__code__in=list(province_codes))
        .select_related("operator", "province")
        .order_by("operator__code", "name_zh", "pk")
    )


def branch_groups(*, branches: Sequence[Branch], on: datetime.date | None) -> list[dict[str, Any]]:
    """One GROUP BY over the tiers in effect: per validity, branch, promotion and price qualifier."""
    return list(
        Tier.objects.in_effect(on=on or timezone.localdate())
        .filter(plan__branch_id__in=[b.pk for b in branches])
        .values("validity_days", "is_promotional", "price_qualifier", branch=F("plan__branch_id"))
        .annotate(tiers=Count("id"), priced=Count(per_gb_expression()), cheapest=Min(per_gb_expression()))
        .order_by()
    )


def summary_rows(
    *, province_codes: Sequence[str], branches: Sequence[Branch], groups: Sequence[dict[str, Any]]
) -> list[SummaryRow]:
    by_id = {branch.pk: branch for branch in branches}
    merged: dict[tuple[str, str, int], dict[str, Any]] = {}
    for group in groups:
        branch = by_id[group["branch"]]
        key = (branch.province.code, branch.operator.code, group["validity_days"])
        row = merged.setdefault(key, {"tiers": 0, "priced": 0, "cheapest": None})
        row["tiers"] += group["tiers"]
        if price_counts(group["is_promotional"], group["price_qualifier"] == Tier.PriceQualifier.FROM):
            row["priced"] += group["priced"]
            cheapest = group["cheapest"]
            if cheapest is not None and (row["cheapest"] is None or cheapest < row["cheapest"]):
                row["cheapest"] = cheapest
    order = {code: index for index, code in enumerate(province_codes)}
    return [
        SummaryRow(
            province_code=province,
            operator_code=operator,
            validity_days=days,
            tiers=row["tiers"],
            priced=row["priced"],
            cheapest_per_gb=row["cheapest"],
        )
        for (province, operator, days), row in sorted(
            merged.items(), key=lambda item: (item[0][2], order.get(item[0][0], len(order)), item[0][1])
        )
    ]


def province_summary(*, province_codes: Sequence[str], on: datetime.date | None = None) -> list[SummaryRow]:
    """Per province, operator and validity, from one GROUP BY: the rows of the summary table and of the chart."""
    branches = province_branches(province_codes)
    groups = branch_groups(branches=branches, on=on)
    return summary_rows(province_codes=province_codes, branches=branches, groups=groups)
