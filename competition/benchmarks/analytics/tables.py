"""A bucket's benchmark table: every tier with its per-GB rank, the bucket median and the index."""

from __future__ import annotations

from fractions import Fraction
from typing import Any

import numpy as np
import pandas as pd

from competition.benchmarks.analytics.eligibility import price_counts
from competition.benchmarks.analytics.exact import (
    div_round_half_up,
    exact_order_key,
    fraction_median,
    fraction_round_half_up,
    scale,
)
from competition.benchmarks.analytics.unit_prices import unit_prices
from plans.pricing import BUCKET_LABELS

# Summary figures that have no "from prices included" twin (what the analyser alone reads).
_NOT_WITH_FROM = frozenset({"bucket", "median_per_gb_exact"})


def benchmark_table_compute(
    tiers: pd.DataFrame, *, include_promotional: bool = False
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Per-bucket benchmark tables and their summaries.

    Rows: every input tier with its bucket, unit prices, `position` (display order within the
    bucket: defined per-GB cheapest first, undefined last), `rank` (1 = cheapest per GB, ties
    share a rank, null when not ranked) and `index_hundredths` (100 * per-GB / bucket median, in
    hundredths; null when not ranked). Ranked = per-GB defined, an exact price (not a "from" floor) and, unless
    `include_promotional`, not promotional.

    Summaries: one row per bucket (always all four) with tier_count, sample_count (ranked tiers)
    and the median/min/max per-GB in cents (null for an empty bucket); for the draft analyser, which
    divides by them, the exact medians as Fractions in CNY (`median_per_gb_exact`, and
    `median_per_day_exact` over the `day_sample_count` tiers whose price counts per day: exact, not
    promotional unless included; None for none) and those tiers' count per rounded per-day cents
    (`day_value_counts`, [[cents, tiers], ...] ascending).

    The same ranks, indexes and summaries with "from" prices counted as prices (the analytics.eligibility
    rule with include_from) come beside them: `rank_with_from`, `index_with_from_hundredths` and the
    summaries' `*_with_from` columns, so a reader may ask for either without a recompute.
    """
    rows = unit_prices(tiers)
    defined = rows["per_gb_defined"].to_numpy()
    promotional = rows["is_promotional"].to_numpy(dtype=bool)
    floors = rows["is_from_price"].to_numpy(dtype=bool)
    rows["ranked"] = defined & price_counts(promotional, floors, include_promotional=include_promotional)
    rows["ranked_with_from"] = defined & price_counts(
        promotional, floors, include_promotional=include_promotional, include_from=True
    )
    key = np.full(len(rows), -1, dtype=np.int64)
    if defined.any():
        key[defined] = exact_order_key(rows["per_gb_num"].to_numpy()[defined], rows["per_gb_den"].to_numpy()[defined])
    rows["per_gb_key"] = key
    # Display order: by bucket, defined per-GB first and cheapest first, then price, then tier id (unique,
    # so the order is total). Bucket, undefined-last and key go into one integer to sort on fewer keys.
    bucket_codes = rows["bucket"].cat.codes.to_numpy().astype(np.int64)
    major = (bucket_codes * 2 + ~defined) * (len(rows) + 1) + key + 1
    order = np.lexsort((rows["tier_id"].to_numpy(), rows["price_cents"].to_numpy(), major))
    rows = rows.take(order).reset_index(drop=True)
    sorted_buckets = bucket_codes[order]
    starts = np.flatnonzero(np.r_[True, sorted_buckets[1:] != sorted_buckets[:-1]])
    # position = 1 + the row's offset from the first row of its bucket.
    rows["position"] = np.arange(len(rows)) - np.repeat(starts, np.diff(np.r_[starts, len(rows)])) + 1

    rows["rank"], rows["index_hundredths"], summaries = _ranks_and_summaries(rows, "ranked")
    rows["rank_with_from"], rows["index_with_from_hundredths"], with_from = _ranks_and_summaries(
        rows, "ranked_with_from"
    )
    for summary, other in zip(summaries, with_from, strict=True):
        summary.update(
            {
                f"{name}_with_from": value
                for name, value in other.items()
                if name not in {"bucket", "median_per_gb_exact"}
            }
        )
    _day_medians(rows, summaries, include_promotional=include_promotional)
    summary_frame = pd.DataFrame(summaries).astype(
        {
            column: "Int64"
            for suffix in ("", "_with_from")
            for column in (f"median_per_gb_cents{suffix}", f"min_per_gb_cents{suffix}", f"max_per_gb_cents{suffix}")
        }
    )
    return rows, summary_frame


def _ranks_and_summaries(rows: pd.DataFrame, ranked_column: str) -> tuple[pd.array, pd.array, list[dict[str, Any]]]:
    """Rank, index (hundredths) and per-bucket summaries of rows in display order, counting `ranked_column` rows."""
    bucket_codes = rows["bucket"].cat.codes.to_numpy()
    ranked = rows[ranked_column].to_numpy(dtype=bool)
    # rank = 1 + number of ranked tiers in the bucket that are strictly cheaper per GB.
    sorted_ranked = ranked.astype(np.int64)
    ranked_before = pd.Series(sorted_ranked).groupby(bucket_codes).cumsum().to_numpy() - sorted_ranked
    sorted_key = rows["per_gb_key"].to_numpy()
    new_value = np.ones(len(rows), dtype=bool)
    new_value[1:] = (sorted_key[1:] != sorted_key[:-1]) | (bucket_codes[1:] != bucket_codes[:-1])
    value_group = np.cumsum(new_value)
    first_of_group = pd.Series(ranked_before).groupby(value_group).transform("first").to_numpy()
    rank = pd.array(np.where(ranked, first_of_group + 1, 0), dtype="Int64")
    rank[~ranked] = pd.NA

    summaries = []
    index = np.zeros(len(rows), dtype=np.int64)
    has_index = np.zeros(len(rows), dtype=bool)
    nums = rows["per_gb_num"].to_numpy()
    dens = rows["per_gb_den"].to_numpy()
    for code, label in enumerate(BUCKET_LABELS):
        in_bucket = bucket_codes == code
        ranked_here = in_bucket & ranked
        # Rows are already in exact per-GB order, so the ranked ones are sorted: the median is in the middle.
        ranked_nums, ranked_dens = nums[ranked_here], dens[ranked_here]
        median = median_of_sorted(ranked_nums, ranked_dens)
        empty = median is None
        summaries.append(
            {
                "bucket": label,
                "tier_count": int(in_bucket.sum()),
                "sample_count": int(ranked_here.sum()),
                "median_per_gb_cents": None if median is None else fraction_round_half_up(median),
                "median_per_gb_exact": median,
                "min_per_gb_cents": None
                if empty
                else fraction_round_half_up(Fraction(int(ranked_nums[0]), int(ranked_dens[0]))),
                "max_per_gb_cents": None
                if empty
                else fraction_round_half_up(Fraction(int(ranked_nums[-1]), int(ranked_dens[-1]))),
            }
        )
        # Only a ranked tier is indexed: a promotional or "from" tier is outside the median's sample, and
        # 0.00 for a free trial would read as "cheapest of all" (issue 12: unranked tiers have no index).
        indexable = ranked_here
        if median is not None and median > 0 and indexable.any():
            # index in hundredths = 10000 * (num/den) / (M.num/M.den) = 10000 * num * M.den / (den * M.num)
            index[indexable] = div_round_half_up(
                scale(scale(nums[indexable], 10000), median.denominator),
                scale(dens[indexable], median.numerator),
            )
            has_index[indexable] = True
    index_array = pd.array(index, dtype="Int64")
    index_array[~has_index] = pd.NA
    return rank, index_array, summaries


def _day_medians(rows: pd.DataFrame, summaries: list[dict[str, Any]], *, include_promotional: bool) -> None:
    """Add each bucket's per-day sample count, exact median (price / validity, CNY) and value counts to its summary.

    Per day needs no data volume: every price that counts (the matrix's and the baskets' rule). Per
    30 days is 30 x per day, so its median is 30 x this one.
    """
    counts = price_counts(
        rows["is_promotional"].to_numpy(dtype=bool),
        rows["is_from_price"].to_numpy(dtype=bool),
        include_promotional=include_promotional,
    )
    bucket_codes = rows["bucket"].cat.codes.to_numpy()
    prices = rows["price_cents"].to_numpy(dtype=np.int64)
    days = rows["validity_days"].to_numpy(dtype=np.int64)
    per_day_cents = rows["price_per_day_cents"].to_numpy(dtype=np.int64)
    for code, summary in enumerate(summaries):
        chosen = counts & (bucket_codes == code)
        summary["day_sample_count"] = int(chosen.sum())
        summary["median_per_day_exact"] = fraction_median(prices[chosen], days[chosen] * 100)
        # How many tiers at each rounded per-day value (a market holds a few thousand at most): what a
        # draft's per-day rank counts below its own cents without counting the bucket's rows.
        cents, tiers = np.unique(per_day_cents[chosen], return_counts=True)
        summary["day_value_counts"] = [[int(value), int(count)] for value, count in zip(cents, tiers, strict=True)]


def median_of_sorted(nums: np.ndarray, dens: np.ndarray) -> Fraction | None:
    """The exact median of fractions already in ascending order, touching only the middle ones."""
    count = len(nums)
    if count == 0:
        return None
    middle = count // 2
    upper = Fraction(int(nums[middle]), int(dens[middle]))
    if count % 2:
        return upper
    return (Fraction(int(nums[middle - 1]), int(dens[middle - 1])) + upper) / 2
