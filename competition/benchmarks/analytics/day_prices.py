"""A bucket's per-day sample grouped by price and validity: what the draft analyser reads per day.

Per day a tier's value is price / validity, so the tiers of one (price, validity) pair share it
exactly. The pairs are few (a market holds a few thousand at most, 6,876 at a million synthetic
tiers) where the tiers are many, so the analyser's per-day bands read these instead of the rows,
and a full run builds no index over its rows' per-day values (at a million rows, the costliest of
its index builds).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from competition.benchmarks.analytics.eligibility import price_counts

# The first tier (lowest id) of a pair stands for it: its ids, by which a reader finds its row (the
# names are not among what a patch reads of the stored rows: analytics.patching).
_FIRST_TIER_COLUMNS: tuple[str, ...] = ("tier_id", "plan_id")
DAY_PRICE_COLUMNS: tuple[str, ...] = (
    "bucket",
    "price_per_day_cents",
    "price_cents",
    "validity_days",
    "tier_count",
    "best_rank",
    *_FIRST_TIER_COLUMNS,
)


def day_prices_compute(rows: pd.DataFrame, *, include_promotional: bool = False) -> pd.DataFrame:
    """One row per (bucket, price, validity) of the tiers whose price counts per day (the summaries'
    `day_sample_count` tiers: exact prices, not promotional unless included), in that order.

    `rows` are `benchmark_table_compute` rows. Columns DAY_PRICE_COLUMNS: the pair's rounded per-day
    cents, how many tiers it stands for, the lowest stored per-GB rank among them (null when none is
    ranked) and its lowest tier id with that tier's plan.
    """
    counts = price_counts(
        rows["is_promotional"].to_numpy(dtype=bool),
        rows["is_from_price"].to_numpy(dtype=bool),
        include_promotional=include_promotional,
    )
    chosen = rows.loc[counts]
    if chosen.empty:
        return pd.DataFrame({column: pd.Series(dtype=object) for column in DAY_PRICE_COLUMNS})
    buckets = chosen["bucket"].cat.codes.to_numpy()
    prices = chosen["price_cents"].to_numpy(dtype=np.int64)
    days = chosen["validity_days"].to_numpy(dtype=np.int64)
    order = np.lexsort((chosen["tier_id"].to_numpy(dtype=np.int64), days, prices, buckets))
    buckets, prices, days = buckets[order], prices[order], days[order]
    new_pair = (buckets[1:] != buckets[:-1]) | (prices[1:] != prices[:-1]) | (days[1:] != days[:-1])
    starts = np.flatnonzero(np.r_[True, new_pair])
    # Unranked tiers as +inf, so a pair's minimum is its best rank, or +inf when none is ranked.
    best = np.minimum.reduceat(chosen["rank"].to_numpy(dtype=np.float64, na_value=np.inf)[order], starts)
    best_rank = pd.array(np.where(np.isinf(best), 0, best).astype(np.int64), dtype="Int64")
    best_rank[np.isinf(best)] = pd.NA
    first = chosen.iloc[order[starts]]
    return pd.DataFrame(
        {
            "bucket": first["bucket"].to_numpy(),
            "price_per_day_cents": first["price_per_day_cents"].to_numpy(dtype=np.int64),
            "price_cents": prices[starts],
            "validity_days": days[starts],
            "tier_count": np.diff(np.r_[starts, len(order)]).astype(np.int64),
            "best_rank": best_rank,
            **{column: first[column].to_numpy() for column in _FIRST_TIER_COLUMNS},
        },
        columns=list(DAY_PRICE_COLUMNS),
    )
