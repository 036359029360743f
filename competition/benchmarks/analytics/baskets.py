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

# The input columns a basket reads, and `tier_count`: how many tiers a compact input's row stands for.
BASKET_INPUT_COLUMNS = [
    "province_code",
    "operator_code",
    "tier_id",
    "plan_id",
    "branch_name_zh",
    "plan_name_zh",
    "validity_days",
    "price_cents",
    "data_mgb",
    "data_unlimited",
    "domestic_voice_min",
    "intl_voice_min",
    "is_promotional",
    "is_from_price",
    "tier_count",
]
# Cover keys: unlimited data covers any need, unknown data or minutes none (but a need of zero).
_COVERS_ALL = np.iinfo(np.int64).max
_COVERS_NONE = np.iinfo(np.int64).min


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


def basket_cover_keys(tiers: pd.DataFrame) -> dict[str, np.ndarray]:
    """Per tier, what decides whether it covers a profile (besides its validity): data, domestic and
    international minutes as integers where more covers more; unlimited data is the largest key,
    unknown data or minutes the smallest. Two tiers of one validity with equal keys cover the same
    profiles (`basket_cover`), whatever the profile."""
    data = tiers["data_mgb"]
    data_key = np.where(data.notna().to_numpy(), data.fillna(0).to_numpy(dtype=np.int64), _COVERS_NONE)
    keys = {"data": np.where(tiers["data_unlimited"].to_numpy(dtype=bool), _COVERS_ALL, data_key)}
    for column in ("domestic_voice_min", "intl_voice_min"):
        minutes = tiers[column]
        keys[column] = np.where(minutes.notna().to_numpy(), minutes.fillna(0).to_numpy(dtype=np.int64), _COVERS_NONE)
    return keys


def basket_input_compact(tiers: pd.DataFrame, *, include_promotional: bool = False) -> pd.DataFrame:
    """The basket input reduced to what any profile's cost needs: `basket_costs_compute` gives the same
    result on it as on `tiers` (same costs, chosen tiers, tie-breaks and covering-tier counts) for
    every profile, with the same `include_promotional`.

    Only tiers that may price a basket count. Tiers of one province, operator and validity with equal
    cover keys (`basket_cover_keys`) cover exactly the same profiles at the same repeats, so only the
    cheapest of them (then the lowest tier id, the cost's tie-break) can be chosen: it stays, with
    `tier_count` = how many tiers it stands for (the covering-tier count sums them). A row of a
    compact input already standing for several tiers counts as that many, so compacting twice changes nothing.
    """
    eligible = tiers.loc[basket_eligible(tiers, include_promotional=include_promotional)]
    keys = basket_cover_keys(eligible)
    weights = (
        eligible["tier_count"].to_numpy(dtype=np.int64)
        if "tier_count" in eligible.columns
        else np.ones(len(eligible), dtype=np.int64)
    )
    classes = ["province", "operator", "validity", "data", "domestic", "intl"]
    order = pd.DataFrame(
        {
            "province": eligible["province_code"].cat.codes.to_numpy(),
            "operator": eligible["operator_code"].cat.codes.to_numpy(),
            "validity": eligible["validity_days"].to_numpy(dtype=np.int64),
            "data": keys["data"],
            "domestic": keys["domestic_voice_min"],
            "intl": keys["intl_voice_min"],
            "price": eligible["price_cents"].to_numpy(dtype=np.int64),
            "tier": eligible["tier_id"].to_numpy(dtype=np.int64),
            "weight": weights,
            "row": np.arange(len(eligible)),
        }
    ).sort_values([*classes, "price", "tier"], kind="stable")
    counts = order.groupby(classes, sort=False)["weight"].sum().rename("tier_count")
    first = order.drop_duplicates(classes, keep="first").join(counts, on=classes).sort_values("row", kind="stable")
    compact = eligible.iloc[first["row"].to_numpy()][BASKET_INPUT_COLUMNS[:-1]].copy()
    compact["tier_count"] = first["tier_count"].to_numpy(dtype=np.int64)
    return compact.reset_index(drop=True)


def basket_costs_compute(
    tiers: pd.DataFrame, *, profiles: Iterable[BasketProfile] = DEFAULT_BASKETS, include_promotional: bool = False
) -> pd.DataFrame:
    """Cost of each visitor profile per province and operator: the cheapest covering tier or repeat of one.

    A tier bought `repeats = ceil(days / validity)` times spans the stay; it covers the profile
    when repeats x its allowances reach the profile's data and minutes (unlimited data always
    does; unknown data or minutes never do, unless the profile needs none). Cost = repeats x price.
    So a longer tier wins when it is cheaper than repeating a shorter one, and vice versa (ITU/OECD).
    `tiers` may be a compact input (`basket_input_compact`): its rows count `tier_count` tiers each.
    """
    eligible = tiers.loc[basket_eligible(tiers, include_promotional=include_promotional)]
    weights = eligible["tier_count"].to_numpy(dtype=np.int64) if "tier_count" in eligible.columns else None
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
        if weights is None:
            sizes = candidates.groupby(["province", "operator"], sort=False).size().rename("candidate_count")
        else:
            # "row" indexes `eligible`, so the weights follow the sort.
            candidates["weight"] = weights[candidates["row"].to_numpy()]
            sizes = candidates.groupby(["province", "operator"], sort=False)["weight"].sum().rename("candidate_count")
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
