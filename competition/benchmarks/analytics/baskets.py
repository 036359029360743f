"""Usage baskets: the cheapest tier that covers a visitor profile, per province and operator."""

from __future__ import annotations

from collections.abc import Iterable

import numpy as np
import pandas as pd

from competition.benchmarks.analytics.contract import DEFAULT_BASKETS, BasketProfile
from competition.benchmarks.analytics.eligibility import price_counts
from competition.benchmarks.analytics.frames import to_minor
from competition.benchmarks.analytics.matrix import CHOSEN_TIER_COLUMNS

_BASKET_COLUMNS = [
    "profile",
    "province_code",
    "operator_code",
    "tier_id",
    "plan_id",
    "branch_name_zh",
    "plan_name_zh",
    "validity_days",
    "repeats",
    "price_cents",
    "cost_cents",
    "candidate_count",
]


def basket_eligible(tiers: pd.DataFrame, *, include_promotional: bool = False) -> np.ndarray:
    """Which tiers may price a basket: an exact price (a "from" floor says not what the basket would
    cost) and, unless `include_promotional`, not promotional."""
    return price_counts(
        tiers["is_promotional"].to_numpy(dtype=bool),
        tiers["is_from_price"].to_numpy(dtype=bool),
        include_promotional=include_promotional,
    )


def basket_cover(tiers: pd.DataFrame, profile: BasketProfile) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Per tier: `repeats = ceil(days / validity)`, whether repeats x its allowances cover the profile,
    and the cost in cents (repeats x price). Unlimited data always covers; unknown data or minutes
    never do, unless the profile needs none."""
    days = tiers["validity_days"].to_numpy(dtype=np.int64)
    price = tiers["price_cents"].to_numpy(dtype=np.int64)
    unlimited = tiers["data_unlimited"].to_numpy(dtype=bool)
    data = tiers["data_mgb"]
    data_known = data.notna().to_numpy()
    data_values = data.fillna(0).to_numpy(dtype=np.int64)
    repeats = -(-profile.days // days)  # ceiling division
    need_mgb = to_minor(profile.data_gb, 3, "data_gb") or 0
    covers = unlimited | (data_known & (repeats * data_values >= need_mgb)) if need_mgb else np.ones_like(unlimited)
    for column, need in (("domestic_voice_min", profile.domestic_min), ("intl_voice_min", profile.intl_min)):
        if need:
            known = tiers[column].notna().to_numpy()
            minutes = tiers[column].fillna(0).to_numpy(dtype=np.int64)
            covers = covers & known & (repeats * minutes >= need)
    return repeats, covers, repeats * price


def basket_costs_compute(
    tiers: pd.DataFrame, *, profiles: Iterable[BasketProfile] = DEFAULT_BASKETS, include_promotional: bool = False
) -> pd.DataFrame:
    """Cost of each visitor profile per province and operator: the cheapest covering tier or repeat of one.

    A tier bought `repeats = ceil(days / validity)` times spans the stay; it covers the profile
    when repeats x its allowances reach the profile's data and minutes (unlimited data always
    does; unknown data or minutes never do, unless the profile needs none). Cost = repeats x price.
    So a longer tier wins when it is cheaper than repeating a shorter one, and vice versa (ITU/OECD).
    """
    eligible = tiers.loc[basket_eligible(tiers, include_promotional=include_promotional)]
    frames = []
    province_codes = eligible["province_code"].cat.codes.to_numpy()
    operator_codes = eligible["operator_code"].cat.codes.to_numpy()
    tier_ids = eligible["tier_id"].to_numpy()
    for profile in profiles:
        repeats, covers, cost = basket_cover(eligible, profile)
        if not covers.any():
            continue
        candidates = pd.DataFrame(
            {
                "province": province_codes[covers],
                "operator": operator_codes[covers],
                "cost": cost[covers],
                "tier": tier_ids[covers],
                "row": np.flatnonzero(covers),
            }
        ).sort_values(["province", "operator", "cost", "tier"], kind="stable")
        sizes = candidates.groupby(["province", "operator"], sort=False).size().rename("candidate_count")
        first = candidates.drop_duplicates(["province", "operator"], keep="first").join(
            sizes, on=["province", "operator"]
        )
        rows = first["row"].to_numpy()
        cheapest = eligible.iloc[rows][CHOSEN_TIER_COLUMNS].copy()
        cheapest["repeats"] = repeats[rows]
        cheapest["cost_cents"] = cost[rows]
        cheapest["candidate_count"] = first["candidate_count"].to_numpy()
        cheapest["profile"] = profile.slug
        frames.append(cheapest[_BASKET_COLUMNS])
    if not frames:
        return pd.DataFrame(columns=_BASKET_COLUMNS)
    baskets = pd.concat(frames, ignore_index=True)
    for column in ("province_code", "operator_code"):
        baskets[column] = baskets[column].astype(str)
    return baskets.reset_index(drop=True)
