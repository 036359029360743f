"""The draft analyser's answers from slices of a stored run (analyser.stored_market reads them).

The same answers as `drafts_position_compute`, from what the selector reads of a run instead of the
bucket's tiers; the arithmetic lives here, the SQL there.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from fractions import Fraction
from typing import Any

import pandas as pd

from competition.benchmarks.analytics.contract import DEFAULT_BASKETS, BasketProfile
from competition.benchmarks.analytics.drafts.reference import draft_answer, drafts_values
from competition.benchmarks.analytics.exact import fraction_round_half_up, minor_to_decimal
from competition.benchmarks.analytics.unit_prices import unit_prices

# The same answers from what a stored run holds, without the bucket's tiers: the selector reads the
# bucket summary (sample count, exact median), how many market values round below the draft's, and
# every market tier in the rounded "bands" next to the draft's value (its own cents and the nearest
# cents below and above that the market holds). Rounding is monotone, so a tier in a lower band is
# surely cheaper and one in a higher band surely dearer; only the draft's own band needs the exact
# comparison, which happens here. Per 30 days is 30 x per day (same tiers, same order), so it is
# the per-day market scaled.


@dataclass(frozen=True)
class MarketValue:
    """Market tiers at one exact value (CNY): one standing for them (lowest price, then tier id) and how many."""

    value: Fraction
    price_cents: int
    tier: dict[str, Any]  # NEIGHBOUR_COLUMNS
    count: int = 1
    # The stored per-GB rank of these tiers (1 + the market tiers strictly cheaper), when the run holds one.
    rank: int | None = None

    def scaled(self, factor: int) -> MarketValue:
        return MarketValue(self.value * factor, self.price_cents, self.tier, self.count, self.rank)

    def order(self) -> tuple[Fraction, int, int]:
        return (self.value, self.price_cents, int(self.tier["tier_id"]))


@dataclass(frozen=True)
class MetricMarket:
    """Where a draft's value stands in its bucket under one metric: what its answer is made of."""

    sample_count: int
    median: Fraction | None
    cheaper_count: int  # market tiers strictly cheaper than the draft (0 when the draft has no value)
    cheaper: MarketValue | None  # the nearest strictly cheaper value, `count` = the tiers at it
    dearer: MarketValue | None

    def scaled(self, factor: int) -> MetricMarket:
        return MetricMarket(
            self.sample_count,
            None if self.median is None else self.median * factor,
            self.cheaper_count,
            None if self.cheaper is None else self.cheaper.scaled(factor),
            None if self.dearer is None else self.dearer.scaled(factor),
        )


def metric_market_from_bands(
    value: Fraction | None,
    *,
    sample_count: int,
    median: Fraction | None,
    below_count: int | None,
    band: Sequence[MarketValue],
) -> MetricMarket:
    """A draft's market from slices: `band` holds every market tier (grouped or not) whose rounded value
    is the draft's, the nearest one below it or the nearest one above it; `below_count` is how many
    round below the draft's value, or None when the tiers carry their stored ranks instead (per GB:
    the first tier at or above the draft is ranked 1 + the tiers strictly cheaper, so is the draft).
    """
    if value is None:
        return MetricMarket(sample_count, median, 0, None, None)
    cents = fraction_round_half_up(value)
    cheaper = [item for item in band if item.value < value]
    dearer = [item for item in band if item.value > value]
    if below_count is None:
        at_or_above = [item for item in band if item.value >= value]
        first = min(at_or_above, key=MarketValue.order) if at_or_above else None
        cheaper_count = sample_count if first is None else int(first.rank or 0) - 1
    else:
        own_band = (item for item in cheaper if fraction_round_half_up(item.value) == cents)
        cheaper_count = below_count + sum(item.count for item in own_band)
    return MetricMarket(sample_count, median, cheaper_count, _nearest(cheaper, max), _nearest(dearer, min))


def bands_beside(value_counts: Sequence[Sequence[int]], cents: int) -> tuple[int, int | None, int | None]:
    """From a bucket's tiers per rounded value ([[cents, tiers], ...] ascending): how many round below
    `cents`, and the nearest rounded values below and above it that the market holds (None: none)."""
    below = sum(count for value, count in value_counts if value < cents)
    lower = max((value for value, _ in value_counts if value < cents), default=None)
    upper = min((value for value, _ in value_counts if value > cents), default=None)
    return below, lower, upper


def _nearest(items: list[MarketValue], pick: Any) -> MarketValue | None:
    """The tiers at the nearest value (`pick` = max for cheaper, min for dearer) as one, counted."""
    if not items:
        return None
    value = pick(item.value for item in items)
    tied = [item for item in items if item.value == value]
    first = min(tied, key=MarketValue.order)
    return MarketValue(value, first.price_cents, first.tier, sum(item.count for item in tied), first.rank)


def metric_position(value: Fraction | None, market: MetricMarket) -> dict[str, Any]:
    """A draft's answer under one metric (see `drafts_position_compute`) from where it stands in the market."""
    median = market.median
    answer: dict[str, Any] = {
        "value_cny": None,
        "rank": None,
        "index": None,
        "market_median_cny": None if median is None else minor_to_decimal(fraction_round_half_up(median)),
        "market_sample_count": market.sample_count,
        "cheaper_neighbour": None,
        "dearer_neighbour": None,
    }
    if value is None:
        return answer
    answer["value_cny"] = minor_to_decimal(fraction_round_half_up(value))
    answer["rank"] = market.cheaper_count + 1
    if median is not None and median > 0:
        answer["index"] = minor_to_decimal(fraction_round_half_up(value * 100 / median))
    for key, neighbour in (("cheaper_neighbour", market.cheaper), ("dearer_neighbour", market.dearer)):
        if neighbour is not None:
            answer[key] = {
                **neighbour.tier,
                "price_cny": minor_to_decimal(neighbour.price_cents),
                "value_cny": minor_to_decimal(fraction_round_half_up(neighbour.value)),
                "tied_count": neighbour.count,
            }
    return answer


def drafts_position_from_markets(
    drafts: pd.DataFrame,
    markets: Sequence[tuple[MetricMarket, MetricMarket]],
    *,
    basket_provinces: Sequence[str | None],
    basket_options: Mapping[str | None, Mapping[str, dict[str, Any] | None]],
    profiles: Iterable[BasketProfile] = DEFAULT_BASKETS,
) -> list[dict[str, Any]]:
    """`drafts_position_compute`'s answers from each draft's (per GB, per day) market and, per basket
    province, each profile's cheapest market option (`_cheapest_options` records), as a stored run holds them."""
    profiles = tuple(profiles)
    draft_rows = unit_prices(drafts).sort_values("tier_id", kind="stable").reset_index(drop=True)
    answers = []
    for position, values in enumerate(drafts_values(drafts)):
        per_gb, per_day = markets[position]
        metrics = {
            "per_gb": metric_position(values.per_gb, per_gb),
            "per_day": metric_position(values.per_day, per_day),
            "per_30_days": metric_position(values.per_day * 30, per_day.scaled(30)),
        }
        province = basket_provinces[position]
        answers.append(
            draft_answer(
                draft_rows.iloc[[position]], values, metrics, province, basket_options[province], profiles=profiles
            )
        )
    return answers
