"""Reads of market context for the API and the pages, and the per-GB reference line of the charts."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.db.models import F, Q, QuerySet
from django.utils.translation import gettext as _

from competition.context.models import ExchangeRate, Indicator, IndicatorValue

# The national figure per-GB charts draw as their reference line (seed 001: 0.33 元/GB).
PER_GB_REFERENCE_INDICATOR = "mobile_data_price_avg"


def indicator_list() -> QuerySet[Indicator]:
    return Indicator.objects.order_by("code")


def indicator_value_list() -> QuerySet[IndicatorValue]:
    return IndicatorValue.objects.select_related("indicator", "province", "source").order_by(
        "indicator__code", F("province__code").asc(nulls_first=True), "-period_start", "pk"
    )


def exchange_rate_list() -> QuerySet[ExchangeRate]:
    return ExchangeRate.objects.select_related("source").order_by("currency", "-rate_on", "pk")


def indicator_values_for_regions(*, province_codes: Sequence[str]) -> list[IndicatorValue]:
    """The national figures and those of the given provinces, national first, then by province and indicator."""
    rows = indicator_value_list().filter(Q(province__isnull=True) | Q(province__code__in=list(province_codes)))
    return sorted(
        rows,
        key=lambda row: (
            row.province is not None,
            row.province.code if row.province is not None else "",
            row.indicator.code,
            -row.period_start.toordinal(),
            row.pk,
        ),
    )


@dataclass(frozen=True)
class ReferenceLine:
    """A national figure drawn flat across a chart, with what it is and where it comes from.

    Any chart that plots CNY per GB adds `per_gb_reference_line().dataset(points=len(labels))` to
    its datasets and includes compare/_reference_line.html under it, which names the source.
    """

    value: IndicatorValue

    @property
    def amount(self) -> Decimal:
        return self.value.value

    @property
    def label(self) -> str:
        return _("National average %(value)s CNY/GB (%(period)s)") % {
            "value": f"{self.amount.normalize():f}",
            "period": self.value.period,
        }

    def dataset(self, *, xs: Sequence[int | float]) -> dict[str, Any]:
        """A Chart.js line dataset on a numeric x axis: the same value from the first to the last x, dashed."""
        return {
            "label": self.label,
            "data": [{"x": x, "y": float(self.amount)} for x in (min(xs), max(xs))] if xs else [],
            "borderDash": [6, 4],
            "borderWidth": 2,
            "pointRadius": 0,
            "pointHoverRadius": 0,
            "fill": False,
            "reference": True,
        }


def per_gb_reference_line(*, among: Sequence[IndicatorValue] | None = None) -> ReferenceLine | None:
    """The latest national average mobile data price (CNY per GB), or None when none is entered.

    `among`: figures a page has already read (indicator_values_for_regions), searched instead of a query.
    """
    if among is not None:
        candidates = [
            row for row in among if row.indicator.code == PER_GB_REFERENCE_INDICATOR and row.province_id is None
        ]
        latest = max(candidates, key=lambda row: (row.period_start, row.pk), default=None)
        return ReferenceLine(value=latest) if latest is not None else None
    value = (
        indicator_value_list()
        .filter(indicator__code=PER_GB_REFERENCE_INDICATOR, province__isnull=True)
        .order_by("-period_start", "-pk")
        .first()
    )
    return ReferenceLine(value=value) if value is not None else None
