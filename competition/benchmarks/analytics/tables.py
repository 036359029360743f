"""A bucket's benchmark table: every tier with its per-GB rank, the bucket median and the index."""

from __future__ import annotations

from fractions import Fraction

import numpy as np
import pandas as pd

from competition.benchmarks.analytics.exact import div_round_half_up, exact_order_key, fraction_round_half_up, scale
from competition.benchmarks.analytics.unit_prices import unit_prices
from plans.pricing import BUCKET_LABELS


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
    and the median/min/max per-GB in cents (null for an empty bucket).
    """
    rows = unit_prices(tiers)
    defined = rows["per_gb_defined"].to_numpy()
    exact_price = ~rows["is_from_price"].to_numpy(dtype=bool)  # a floor ("from 5") is not a price to rank
    ranked = defined & exact_price & (include_promotional | ~rows["is_promotional"].to_numpy(dtype=bool))
    rows["ranked"] = ranked
    key = np.full(len(rows), -1, dtype=np.int64)
    if defined.any():
        key[defined] = exact_order_key(rows["per_gb_num"].to_numpy()[defined], rows["per_gb_den"].to_numpy()[defined])
    rows["per_gb_key"] = key
    rows["_undefined_last"] = ~defined
    rows = rows.sort_values(
        ["bucket", "_undefined_last", "per_gb_key", "price_cents", "tier_id"], kind="stable"
    ).reset_index(drop=True)
    bucket_codes = rows["bucket"].cat.codes.to_numpy()
    rows["position"] = rows.groupby("bucket", observed=True).cumcount().to_numpy() + 1

    # rank = 1 + number of ranked tiers in the bucket that are strictly cheaper per GB.
    sorted_ranked = rows["ranked"].to_numpy(dtype=np.int64)
    ranked_before = rows.groupby("bucket", observed=True)["ranked"].cumsum().to_numpy() - sorted_ranked
    sorted_key = rows["per_gb_key"].to_numpy()
    new_value = np.ones(len(rows), dtype=bool)
    new_value[1:] = (sorted_key[1:] != sorted_key[:-1]) | (bucket_codes[1:] != bucket_codes[:-1])
    value_group = np.cumsum(new_value)
    first_of_group = pd.Series(ranked_before).groupby(value_group).transform("first").to_numpy()
    rows["rank"] = pd.array(np.where(sorted_ranked == 1, first_of_group + 1, 0), dtype="Int64")
    rows.loc[~rows["ranked"], "rank"] = pd.NA

    summaries = []
    index = np.zeros(len(rows), dtype=np.int64)
    has_index = np.zeros(len(rows), dtype=bool)
    nums = rows["per_gb_num"].to_numpy()
    dens = rows["per_gb_den"].to_numpy()
    for code, label in enumerate(BUCKET_LABELS):
        in_bucket = bucket_codes == code
        ranked_here = in_bucket & rows["ranked"].to_numpy()
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
    rows["index_hundredths"] = pd.array(index, dtype="Int64")
    rows.loc[~has_index, "index_hundredths"] = pd.NA
    rows = rows.drop(columns=["_undefined_last"])
    summary_frame = pd.DataFrame(summaries).astype(
        {"median_per_gb_cents": "Int64", "min_per_gb_cents": "Int64", "max_per_gb_cents": "Int64"}
    )
    return rows, summary_frame


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
