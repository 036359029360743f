"""The draft-tariff analyser, the reference: where hypothetical tiers would land in a market they never join.

For each draft, per GB / per day / per 30 days: the rank it would take in its validity bucket
(1 + the number of market tiers strictly cheaper; ties share), its index against the market's
median (computed without the draft), and the nearest strictly cheaper and dearer market tiers;
and for each basket its cost against the cheapest market option of a province (or the whole
market). Market eligibility is the stored benchmarks' own: per GB ranks the tiers
`benchmark_table_compute` ranks; per day and per 30 days, and baskets, use every exact-priced tier
that is not promotional (unless included), as the matrix and the baskets do.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from fractions import Fraction
from typing import Any

import numpy as np
import pandas as pd

from competition.benchmarks.analytics.baskets import basket_costs_compute, basket_cover, basket_eligible
from competition.benchmarks.analytics.contract import DEFAULT_BASKETS, METRICS, TIER_REFERENCE_COLUMNS, BasketProfile
from competition.benchmarks.analytics.exact import fraction_round_half_up, minor_to_decimal
from competition.benchmarks.analytics.positions import exact_median, order_keys, ranks_among
from competition.benchmarks.analytics.tables import benchmark_table_compute
from competition.benchmarks.analytics.unit_prices import unit_prices

# What a neighbour or a basket's market option says of the market tier behind it.
NEIGHBOUR_COLUMNS = TIER_REFERENCE_COLUMNS


@dataclass(frozen=True)
class _Metric:
    """A metric's exact value of each row as a fraction in CNY, and which market rows it ranks."""

    name: str

    def fractions(self, rows: pd.DataFrame) -> tuple[np.ndarray, np.ndarray]:
        price = rows["price_cents"].to_numpy(dtype=np.int64)
        days = rows["validity_days"].to_numpy(dtype=np.int64)
        if self.name == "per_gb":
            return rows["per_gb_num"].to_numpy(dtype=np.int64), rows["per_gb_den"].to_numpy(dtype=np.int64)
        if self.name == "per_day":
            return price, days * 100
        return price * 30, days * 100  # per_30_days

    def market_mask(self, market: pd.DataFrame, *, include_promotional: bool) -> np.ndarray:
        if self.name == "per_gb":
            return market["ranked"].to_numpy(dtype=bool)
        # Per day needs no data volume: every exact, non-promotional price (the matrix's and baskets' rule).
        return basket_eligible(market, include_promotional=include_promotional)


def drafts_position_compute(
    market: pd.DataFrame,
    drafts: pd.DataFrame,
    *,
    basket_provinces: Sequence[str | None],
    profiles: Iterable[BasketProfile] = DEFAULT_BASKETS,
    include_promotional: bool = False,
) -> list[dict[str, Any]]:
    """One answer per draft (in the drafts' order), money as Decimal CNY, indices as Decimal hundredths.

    `market` and `drafts` are input frames (`INPUT_DTYPES`; the drafts' tier ids number them 1..n).
    `basket_provinces[i]` is the province whose market the i-th draft's baskets are costed
    against (None: the whole market). Nothing of the drafts enters the market's figures.
    """
    profiles = tuple(profiles)
    market_rows, _ = benchmark_table_compute(market, include_promotional=include_promotional)
    draft_rows = unit_prices(drafts).sort_values("tier_id", kind="stable").reset_index(drop=True)
    values = drafts_values(drafts)
    basket_markets: dict[str | None, dict[str, dict[str, Any] | None]] = {}
    metric_markets: dict[tuple[str, str], pd.DataFrame] = {}
    answers = []
    for position in range(len(draft_rows)):
        draft = draft_rows.iloc[[position]]
        bucket = str(draft["bucket"].iloc[0])
        metrics = {}
        for name in METRICS:
            metric = _Metric(name)
            if (bucket, name) not in metric_markets:
                in_bucket = market_rows.loc[(market_rows["bucket"] == bucket).to_numpy()]
                eligible = metric.market_mask(in_bucket, include_promotional=include_promotional)
                metric_markets[bucket, name] = in_bucket.loc[eligible].reset_index(drop=True)
            metrics[name] = _metric_position(
                metric,
                draft,
                metric_markets[bucket, name],
                defined=bool(draft["per_gb_defined"].iloc[0]) if name == "per_gb" else True,
            )
        province = basket_provinces[position]
        if province not in basket_markets:
            scope = market if province is None else market.loc[(market["province_code"] == province).to_numpy()]
            basket_markets[province] = _cheapest_options(
                scope, profiles=profiles, include_promotional=include_promotional
            )
        answers.append(
            draft_answer(draft, values[position], metrics, province, basket_markets[province], profiles=profiles)
        )
    return answers


@dataclass(frozen=True)
class DraftValues:
    """A draft's bucket and exact values (CNY), what the selector looks the market up by."""

    bucket: str
    per_gb: Fraction | None
    per_gb_undefined_reason: str | None
    per_day: Fraction

    @property
    def per_gb_cents(self) -> int | None:
        return None if self.per_gb is None else fraction_round_half_up(self.per_gb)

    @property
    def per_day_cents(self) -> int:
        return fraction_round_half_up(self.per_day)


def drafts_values(drafts: pd.DataFrame) -> list[DraftValues]:
    """Each draft's bucket, per-GB value (None when undefined, with why) and per-day value, by tier id."""
    rows = unit_prices(drafts).sort_values("tier_id", kind="stable").reset_index(drop=True)
    values = []
    for record in rows.to_dict("records"):
        defined = bool(record["per_gb_defined"])
        values.append(
            DraftValues(
                bucket=str(record["bucket"]),
                per_gb=Fraction(int(record["per_gb_num"]), int(record["per_gb_den"])) if defined else None,
                per_gb_undefined_reason=None if defined else str(record["per_gb_undefined"]),
                per_day=Fraction(int(record["price_cents"]), int(record["validity_days"]) * 100),
            )
        )
    return values


def draft_answer(
    draft: pd.DataFrame,
    values: DraftValues,
    metrics: dict[str, dict[str, Any]],
    province: str | None,
    options: Mapping[str, dict[str, Any] | None],
    *,
    profiles: tuple[BasketProfile, ...],
) -> dict[str, Any]:
    """One draft's answer from its metrics and basket options: what both paths return, built in one place."""
    per_gb = metrics["per_gb"]
    return {
        "bucket": values.bucket,
        "price_per_gb_cny": per_gb["value_cny"],
        "per_gb_undefined_reason": values.per_gb_undefined_reason,
        "price_per_day_cny": metrics["per_day"]["value_cny"],
        "price_per_30_days_cny": metrics["per_30_days"]["value_cny"],
        "rank": per_gb["rank"],
        "index": per_gb["index"],
        "market_median_per_gb_cny": per_gb["market_median_cny"],
        "market_sample_count": per_gb["market_sample_count"],
        "cheaper_neighbour": per_gb["cheaper_neighbour"],
        "dearer_neighbour": per_gb["dearer_neighbour"],
        "metrics": metrics,
        "basket_province": province,
        "baskets": [_basket_answer(draft, profile, options[profile.slug]) for profile in profiles],
    }


def _metric_position(metric: _Metric, draft: pd.DataFrame, market: pd.DataFrame, *, defined: bool) -> dict[str, Any]:
    """The draft's value, rank, index and neighbours among `market` (the bucket's tiers this metric ranks)."""
    market_num, market_den = metric.fractions(market)
    market_keys = order_keys(market_num, market_den)
    median = exact_median(market_num, market_den, market_keys)
    answer: dict[str, Any] = {
        "value_cny": None,
        "rank": None,
        "index": None,
        "market_median_cny": None if median is None else minor_to_decimal(fraction_round_half_up(median)),
        "market_sample_count": len(market),
        "cheaper_neighbour": None,
        "dearer_neighbour": None,
    }
    if not defined:
        return answer
    draft_num, draft_den = metric.fractions(draft)
    value = Fraction(int(draft_num[0]), int(draft_den[0]))
    answer["value_cny"] = minor_to_decimal(fraction_round_half_up(value))
    # One ordering of market and draft together, so the draft's key compares exactly with theirs.
    keys = order_keys(np.append(market_num, draft_num), np.append(market_den, draft_den))
    market_keys, draft_key = keys[:-1], keys[-1]
    answer["rank"] = int(ranks_among(np.array([draft_key]), market_keys)[0])
    if median is not None and median > 0:
        answer["index"] = minor_to_decimal(fraction_round_half_up(value * 100 / median))
    cheaper = market_keys < draft_key
    dearer = market_keys > draft_key
    if cheaper.any():
        nearest = market_keys == market_keys[cheaper].max()
        answer["cheaper_neighbour"] = _neighbour(market, nearest, market_num, market_den)
    if dearer.any():
        nearest = market_keys == market_keys[dearer].min()
        answer["dearer_neighbour"] = _neighbour(market, nearest, market_num, market_den)
    return answer


def _neighbour(market: pd.DataFrame, mask: np.ndarray, nums: np.ndarray, dens: np.ndarray) -> dict[str, Any]:
    """The market tier among `mask` (equal values) with the lowest price, then the lowest tier id."""
    rows = np.flatnonzero(mask)
    prices = market["price_cents"].to_numpy(dtype=np.int64)[rows]
    tier_ids = market["tier_id"].to_numpy(dtype=np.int64)[rows]
    chosen = int(rows[np.lexsort((tier_ids, prices))[0]])
    row = market.iloc[chosen]
    return {
        **_tier_fields(row),
        "price_cny": minor_to_decimal(int(row["price_cents"])),
        "value_cny": minor_to_decimal(fraction_round_half_up(Fraction(int(nums[chosen]), int(dens[chosen])))),
        "tied_count": int(mask.sum()),
    }


def _tier_fields(row: pd.Series) -> dict[str, Any]:
    return {
        column: int(row[column]) if column in {"tier_id", "plan_id", "validity_days"} else str(row[column])
        for column in NEIGHBOUR_COLUMNS
    }


def _cheapest_options(
    market: pd.DataFrame, *, profiles: tuple[BasketProfile, ...], include_promotional: bool
) -> dict[str, dict[str, Any] | None]:
    """Per profile, the market's cheapest cover (over every operator of the scope), or None."""
    costs = basket_costs_compute(market, profiles=profiles, include_promotional=include_promotional)
    options: dict[str, dict[str, Any] | None] = {profile.slug: None for profile in profiles}
    if len(costs):
        ordered = costs.sort_values(["profile", "cost_cents", "tier_id"], kind="stable")
        for record in ordered.drop_duplicates("profile", keep="first").to_dict("records"):
            options[str(record["profile"])] = record
    return options


def _basket_answer(draft: pd.DataFrame, profile: BasketProfile, market: dict[str, Any] | None) -> dict[str, Any]:
    repeats, covers, cost = basket_cover(draft, profile)
    draft_cost = int(cost[0]) if bool(covers[0]) else None
    market_cost = None if market is None else int(market["cost_cents"])
    answer: dict[str, Any] = {
        "profile": profile.slug,
        "name": profile.name,
        "covers": bool(covers[0]),
        "repeats": int(repeats[0]),
        "draft_cost_cny": minor_to_decimal(draft_cost),
        "market_cost_cny": minor_to_decimal(market_cost),
        "market_option": None,
        "difference_cny": None,
        "index": None,
    }
    if market is not None:
        answer["market_option"] = {
            **_tier_fields(pd.Series(market)),
            "price_cny": minor_to_decimal(int(market["price_cents"])),
            "repeats": int(market["repeats"]),
        }
    if draft_cost is not None and market_cost is not None:
        answer["difference_cny"] = minor_to_decimal(draft_cost - market_cost)
        if market_cost > 0:
            answer["index"] = minor_to_decimal(fraction_round_half_up(Fraction(draft_cost * 100, market_cost)))
    return answer
