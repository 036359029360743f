"""Which tiers a metric compares, in what exact order, and each one's exact value: shared by the matrix and history."""

from __future__ import annotations

from dataclasses import dataclass, replace

import numpy as np
import pandas as pd

from competition.benchmarks.analytics.eligibility import price_counts
from competition.benchmarks.analytics.exact import exact_order_key

# The stored cents column of each metric (benchmark_table_compute's rows).
VALUE_COLUMNS: dict[str, str] = {
    "per_gb": "price_per_gb_cents",
    "per_day": "price_per_day_cents",
    "per_30_days": "price_per_30_days_cents",
}


@dataclass(frozen=True)
class MetricCandidates:
    """The rows a metric compares (`mask`), their exact order key, and each value as the fraction num/den CNY.

    `key`, `num` and `den` are aligned with the masked rows, not with all rows.
    """

    mask: np.ndarray
    key: np.ndarray
    num: np.ndarray
    den: np.ndarray
    value_column: str


def metric_candidates(rows: pd.DataFrame, metric: str, *, include_promotional: bool = False) -> MetricCandidates:
    """per_gb compares the ranked tiers; per_day and per_30_days (which order alike) every exact-priced tier
    that is not promotional (unless included), since they need no data volume.

    A "from" price is a floor, not what the cheapest tier costs: never a candidate. Takes
    `benchmark_table_compute`'s rows; ValueError for an unknown metric.
    """
    if metric not in VALUE_COLUMNS:
        raise ValueError(f"unknown metric {metric!r}; expected one of {', '.join(VALUE_COLUMNS)}")
    if metric == "per_gb":
        mask = rows["ranked"].to_numpy(dtype=bool)
        return MetricCandidates(
            mask=mask,
            key=rows["per_gb_key"].to_numpy()[mask],
            num=rows["per_gb_num"].to_numpy(dtype=np.int64)[mask],
            den=rows["per_gb_den"].to_numpy(dtype=np.int64)[mask],
            value_column=VALUE_COLUMNS[metric],
        )
    mask = price_counts(
        rows["is_promotional"].to_numpy(dtype=bool),
        rows["is_from_price"].to_numpy(dtype=bool),
        include_promotional=include_promotional,
    )
    price = rows["price_cents"].to_numpy(dtype=np.int64)[mask]
    days = rows["validity_days"].to_numpy(dtype=np.int64)[mask]
    # price_per_day = price_cents / (100 * days) CNY; per 30 days is 30 times that, so both order alike.
    return MetricCandidates(
        mask=mask,
        key=exact_order_key(price, days),
        num=price * (30 if metric == "per_30_days" else 1),
        den=days * 100,
        value_column=VALUE_COLUMNS[metric],
    )


def metric_candidates_all(rows: pd.DataFrame, *, include_promotional: bool = False) -> dict[str, MetricCandidates]:
    """`metric_candidates` of every metric; per_30_days reuses per_day's tiers and order (30 x the same values)."""
    per_day = metric_candidates(rows, "per_day", include_promotional=include_promotional)
    return {
        "per_gb": metric_candidates(rows, "per_gb", include_promotional=include_promotional),
        "per_day": per_day,
        "per_30_days": replace(per_day, num=per_day.num * 30, value_column=VALUE_COLUMNS["per_30_days"]),
    }


def candidate_order(bucket: np.ndarray, key: np.ndarray, price: np.ndarray, tier: np.ndarray) -> np.ndarray:
    """Indices that put candidates in bucket order, then cheapest (exact key) first, ties to the lower price,
    then the lower tier id: the order in which the matrix and the history pick a scope's cheapest tier.

    Every scope lies inside one bucket, so a stable sort by scope after this gives each scope's tiers in
    exact value order. The per-GB candidates of `benchmark_table_compute`'s rows are in this order already
    (its display order): checked in one pass, and then no sort is needed.
    """
    count = len(key)
    if count < 2:
        return np.arange(count)
    # Bucket and key in one integer: keys are dense, below the number of candidates.
    major = bucket.astype(np.int64) * (int(key.max()) + 1) + key
    d_major, d_price, d_tier = np.diff(major), np.diff(price), np.diff(tier)
    if np.all((d_major > 0) | ((d_major == 0) & ((d_price > 0) | ((d_price == 0) & (d_tier > 0))))):
        return np.arange(count)
    return np.lexsort((tier, price, major))


def scope_starts(group: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Where each run of equal values of a sorted group array starts, and where it ends (exclusive)."""
    if not len(group):
        return np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.int64)
    starts = np.flatnonzero(np.r_[True, group[1:] != group[:-1]])
    return starts, np.append(starts[1:], len(group))
