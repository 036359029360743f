"""Daily price changes for `generate_synthetic --daily-changes DAYS`: load for the history benchmark, not data.

Each change is what an analyst enters for a new price (DOMAIN.md): the open tier's period ends on the
change day and a new row of the same plan and validity starts that day with the new price. A tier
changes at most once, so periods never overlap.
"""

from __future__ import annotations

import datetime

import numpy as np
import pandas as pd


def synthetic_daily_changes(
    tiers: pd.DataFrame, *, days: int, per_day: int, until: datetime.date, rng: np.random.Generator
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Close `per_day` open tiers on each of the `days` days ending `until`; returns (tiers, the new rows).

    The new price is the old one times 0.8-1.2, rounded to whole CNY (at least 5); promotional tiers keep 0.
    """
    open_rows = np.flatnonzero(
        tiers["effective_to"].isna().to_numpy()
        & (tiers["effective_from"] <= str(until - datetime.timedelta(days=days))).to_numpy()
    )
    count = min(len(open_rows), days * per_day)
    chosen = rng.choice(open_rows, size=count, replace=False)
    first = until - datetime.timedelta(days=days - 1)
    change_days = np.array([(first + datetime.timedelta(days=int(offset))).isoformat() for offset in range(days)])
    on = change_days[np.arange(count) // per_day]
    tiers = tiers.copy()
    tiers["effective_to"] = tiers["effective_to"].astype(object)
    tiers.iloc[chosen, tiers.columns.get_loc("effective_to")] = on
    new = tiers.iloc[chosen].copy()
    old_price = new["price_cny"].astype(np.int64).to_numpy()
    factor = rng.uniform(0.8, 1.2, size=count)
    price = np.where(old_price == 0, 0, np.maximum(5, np.round(old_price * factor))).astype(np.int64)
    new["price_cny"] = price.astype(str)
    new["effective_from"] = on
    new["effective_to"] = None
    return tiers, new.reset_index(drop=True)
