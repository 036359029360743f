"""Rank sensitivity: each tier of a bucket ranked by per GB, per day, per 30 days and each basket.

A tier whose rank moves a lot between metrics is one whose "position" depends on the metric an
analyst picks. Eligibility per metric is the stored benchmarks' own: per GB ranks what
`benchmark_table_compute` ranks; per day, per 30 days and the baskets rank every exact-priced tier
that is not promotional (unless included), a basket only among the tiers that cover it.
"""

from __future__ import annotations

from collections.abc import Iterable

import numpy as np
import pandas as pd

from competition.benchmarks.analytics.baskets import basket_cover, basket_eligible
from competition.benchmarks.analytics.contract import DEFAULT_BASKETS, METRICS, TIER_REFERENCE_COLUMNS, BasketProfile
from competition.benchmarks.analytics.positions import order_keys, ranks_among
from competition.benchmarks.analytics.tables import benchmark_table_compute

SENSITIVITY_TIER_COLUMNS = [*TIER_REFERENCE_COLUMNS, "price_cents"]


def rank_sensitivity_compute(
    tiers: pd.DataFrame,
    *,
    profiles: Iterable[BasketProfile] = DEFAULT_BASKETS,
    include_promotional: bool = False,
) -> tuple[pd.DataFrame, list[str]]:
    """The ranks of one bucket's tiers (an input frame of that bucket only) and the rank columns' names.

    Columns: the tier's own (`SENSITIVITY_TIER_COLUMNS`), one nullable rank per metric
    (per_gb, per_day, per_30_days, then each basket's slug; 1 = cheapest, ties share, null
    where the tier cannot be ranked by it) and `rank_spread` (worst - best of its ranks, null
    with none). Sorted by rank_spread (largest first, none last), then per-GB rank, then tier id.
    """
    profiles = tuple(profiles)
    rows, _ = benchmark_table_compute(tiers, include_promotional=include_promotional)
    rows = rows.sort_values("tier_id", kind="stable").reset_index(drop=True)
    out = rows[SENSITIVITY_TIER_COLUMNS].copy()
    for column in ("province_code", "operator_code", "branch_name_zh", "plan_name_zh"):
        out[column] = out[column].astype(str)
    names = [*METRICS, *(profile.slug for profile in profiles)]
    out["per_gb"] = rows["rank"].astype("Int64")
    priced = basket_eligible(rows, include_promotional=include_promotional)
    price = rows["price_cents"].to_numpy(dtype=np.int64)
    # Per day and per 30 days are the same price / validity scaled, so they order alike.
    day_keys = order_keys(price, rows["validity_days"].to_numpy(dtype=np.int64))
    for metric in ("per_day", "per_30_days"):
        out[metric] = _ranks(day_keys, priced)
    for profile in profiles:
        _, covers, cost = basket_cover(rows, profile)
        out[profile.slug] = _ranks(cost, priced & covers)
    ranks = out[names].astype("Float64")
    out["rank_spread"] = (ranks.max(axis=1, skipna=True) - ranks.min(axis=1, skipna=True)).astype("Int64")
    out["_no_spread"] = out["rank_spread"].isna()
    out["_per_gb"] = out["per_gb"].fillna(np.iinfo(np.int64).max)
    out["_spread"] = -out["rank_spread"].fillna(0)
    out = out.sort_values(["_no_spread", "_spread", "_per_gb", "tier_id"], kind="stable")
    return out.drop(columns=["_no_spread", "_per_gb", "_spread"]).reset_index(drop=True), names


def _ranks(keys: np.ndarray, eligible: np.ndarray) -> pd.Series:
    """Competition ranks of the eligible rows among themselves; null for the others."""
    ranks = pd.array(np.zeros(len(keys), dtype=np.int64), dtype="Int64")
    if eligible.any():
        ranks[eligible] = ranks_among(keys[eligible], keys[eligible])
    ranks[~eligible] = pd.NA
    return pd.Series(ranks)
