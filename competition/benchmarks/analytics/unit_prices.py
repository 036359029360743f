"""Per-tier figures: validity buckets, per GB, per day and per 30 days, exactly."""

from __future__ import annotations

import numpy as np
import pandas as pd

from competition.benchmarks.analytics.exact import div_round_half_up, scale
from plans.pricing import BUCKET_LABELS, VALIDITY_BUCKETS, PerGbUndefined


def validity_buckets(validity_days: pd.Series) -> pd.Series:
    """Each validity's bucket label (1-7, 8-14, 15-29, 30+) as an ordered categorical."""
    days = validity_days.to_numpy()
    if len(days) and int(days.min()) < VALIDITY_BUCKETS[0][1]:
        raise ValueError("validity_days must be at least 1")
    # The buckets are contiguous from day 1, so a bucket's code is how many buckets start on or before the day.
    firsts = np.array([first for _, first, _ in VALIDITY_BUCKETS], dtype=np.int64)
    codes = np.searchsorted(firsts, days, side="right") - 1
    categories = pd.CategoricalDtype(pd.Index(list(BUCKET_LABELS), dtype="str"), ordered=True)
    return pd.Series(pd.Categorical.from_codes(codes, dtype=categories), index=validity_days.index)


def unit_prices(tiers: pd.DataFrame) -> pd.DataFrame:
    """Add bucket, per-GB (with its exact fraction and undefined reason), per-day and per-30-days columns."""
    out = tiers.copy()
    out["bucket"] = validity_buckets(out["validity_days"])
    price = out["price_cents"].to_numpy(dtype=np.int64)
    days = out["validity_days"].to_numpy(dtype=np.int64)
    data = out["data_mgb"]
    unlimited = out["data_unlimited"].to_numpy(dtype=bool)
    unknown = data.isna().to_numpy()
    data_values = data.fillna(0).to_numpy(dtype=np.int64)
    zero = ~unknown & (data_values == 0)
    # The order of the checks follows pricing.price_per_gb: unlimited, then unknown, then zero.
    reasons = [PerGbUndefined.DATA_UNLIMITED.value, PerGbUndefined.DATA_UNKNOWN.value, PerGbUndefined.DATA_ZERO.value]
    reason = np.select([unlimited, unknown, zero], [0, 1, 2], default=-1)
    defined = reason < 0
    # The reasons that occur, as a categorical by codes (no string per row); missing where per-GB is defined.
    undefined = pd.Categorical.from_codes(reason, categories=pd.Index(reasons, dtype="str")).remove_unused_categories()
    out["per_gb_undefined"] = pd.Series(undefined, index=out.index).cat.reorder_categories(sorted(undefined.categories))
    out["per_gb_defined"] = defined
    # price_cents fits numeric(10, 2), so 10x it stays far inside int64.
    num = np.where(defined, price * 10, 0)
    den = np.where(defined, data_values, 1)
    out["per_gb_num"] = num
    out["per_gb_den"] = den
    per_gb = np.zeros(len(out), dtype=np.int64)
    if defined.any():
        per_gb[defined] = div_round_half_up(scale(price[defined], 1000), data_values[defined])
    out["price_per_gb_cents"] = pd.arrays.IntegerArray(per_gb, ~defined)
    out["price_per_day_cents"] = div_round_half_up(price, days)
    out["price_per_30_days_cents"] = div_round_half_up(scale(price, 30), days)
    return out
