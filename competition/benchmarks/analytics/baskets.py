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
COVERS_ALL = np.iinfo(np.int64).max
COVERS_NONE = np.iinfo(np.int64).min


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
    price = tiers["price_cents"].to_numpy(dtype=np.int64)
    repeats, needs = basket_cover_needs(profile, tiers["validity_days"].to_numpy(dtype=np.int64))
    keys = basket_cover_keys(tiers)
    covers = np.ones(len(tiers), dtype=bool)
    for column, need in needs.items():
        covers &= keys[column] >= need
    return repeats, covers, repeats * price


def basket_cover_needs(profile: BasketProfile, validity_days: np.ndarray) -> tuple[np.ndarray, dict[str, np.ndarray]]:
    """Per validity: the repeats that span the profile's stay, and the smallest cover key
    (`basket_cover_keys`) of each allowance that covers it then: a tier covers the profile when
    every one of its keys reaches its need (repeats x allowance >= the profile's figure, read as
    allowance >= ceil(figure / repeats)). A figure of zero needs nothing, not even a known allowance."""
    days = np.asarray(validity_days, dtype=np.int64)
    repeats = -(-profile.days // days)  # ceiling division
    needs: dict[str, np.ndarray] = {}
    figures = (
        ("data", to_minor(profile.data_gb, 3, "data_gb") or 0),
        ("domestic_voice_min", profile.domestic_min),
        ("intl_voice_min", profile.intl_min),
    )
    for column, figure in figures:
        if not figure:
            needs[column] = np.full(len(days), COVERS_NONE, dtype=np.int64)
            continue
        spread = -(-int(figure) // np.maximum(repeats, 1))
        # No repeat at all (a stay of no days) covers only what needs nothing or is unlimited.
        needs[column] = np.where(repeats > 0, spread, COVERS_ALL if figure > 0 else COVERS_NONE)
    return repeats, needs


def basket_cover_keys(tiers: pd.DataFrame) -> dict[str, np.ndarray]:
    """Per tier, what decides whether it covers a profile (besides its validity): data, domestic and
    international minutes as integers where more covers more; unlimited data is the largest key,
    unknown data or minutes the smallest. Two tiers of one validity with equal keys cover the same
    profiles (`basket_cover`), whatever the profile."""
    data = tiers["data_mgb"]
    data_key = np.where(data.notna().to_numpy(), data.fillna(0).to_numpy(dtype=np.int64), COVERS_NONE)
    keys = {"data": np.where(tiers["data_unlimited"].to_numpy(dtype=bool), COVERS_ALL, data_key)}
    for column in ("domestic_voice_min", "intl_voice_min"):
        minutes = tiers[column]
        keys[column] = np.where(minutes.notna().to_numpy(), minutes.fillna(0).to_numpy(dtype=np.int64), COVERS_NONE)
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


def basket_cover_classes(compact: pd.DataFrame) -> pd.DataFrame:
    """A basket input's rows by what decides their cover: province, operator, validity, the cover keys
    (`basket_cover_keys`, as columns data_key, domestic_key, intl_key) and how many tiers each counts."""
    keys = basket_cover_keys(compact)
    tier_count = (
        compact["tier_count"].to_numpy(dtype=np.int64)
        if "tier_count" in compact.columns
        else np.ones(len(compact), dtype=np.int64)
    )
    return pd.DataFrame(
        {
            "province_code": compact["province_code"].astype(str).to_numpy(),
            "operator_code": compact["operator_code"].astype(str).to_numpy(),
            "validity_days": compact["validity_days"].to_numpy(dtype=np.int64),
            "data_key": keys["data"],
            "domestic_key": keys["domestic_voice_min"],
            "intl_key": keys["intl_voice_min"],
            "tier_count": tier_count,
        }
    )


def basket_covering_counts(classes: pd.DataFrame, profile: BasketProfile) -> dict[tuple[str, str], int]:
    """Per province and operator, how many tiers cover `profile`: `basket_costs_compute`'s
    `candidate_count`, from `basket_cover_classes` rows (of every eligible tier or of a compact input)."""
    _repeats, needs = basket_cover_needs(profile, classes["validity_days"].to_numpy(dtype=np.int64))
    covers = np.ones(len(classes), dtype=bool)
    for column, key in (("data", "data_key"), ("domestic_voice_min", "domestic_key"), ("intl_voice_min", "intl_key")):
        covers &= classes[key].to_numpy(dtype=np.int64) >= needs[column]
    covering = classes.loc[covers]
    sums = covering.groupby(["province_code", "operator_code"], sort=False, observed=True)["tier_count"].sum()
    return {(str(province), str(operator)): int(count) for (province, operator), count in sums.items()}


def basket_input_choosable(compact: pd.DataFrame) -> np.ndarray:
    """Which rows of a basket input some profile can choose: those no other row of the same province,
    operator and validity dominates. A row dominates another when it sorts first by the cost's order
    (lower price, then lower tier id: at one validity the repeats are the same) and each of its cover
    keys is at least the other's: it then covers every profile the other covers, cheaper or first.

    So `basket_costs_compute` on the choosable rows alone chooses the same tiers at the same costs as
    on all rows; only the covering-tier counts need every row.
    """
    keys = basket_cover_keys(compact)
    order = np.lexsort(
        (
            compact["tier_id"].to_numpy(dtype=np.int64),
            compact["price_cents"].to_numpy(dtype=np.int64),
            compact["validity_days"].to_numpy(dtype=np.int64),
            compact["operator_code"].cat.codes.to_numpy(),
            compact["province_code"].cat.codes.to_numpy(),
        )
    )
    group = (
        compact["province_code"].cat.codes.to_numpy().astype(np.int64)[order],
        compact["operator_code"].cat.codes.to_numpy().astype(np.int64)[order],
        compact["validity_days"].to_numpy(dtype=np.int64)[order],
    )
    starts = np.flatnonzero(
        np.concatenate(
            (
                [True],
                (group[0][1:] != group[0][:-1]) | (group[1][1:] != group[1][:-1]) | (group[2][1:] != group[2][:-1]),
            )
        )
    )
    ends = np.append(starts[1:], len(order))
    sorted_keys = np.stack([keys[column][order] for column in ("data", "domestic_voice_min", "intl_voice_min")])
    dominated = np.zeros(len(order), dtype=bool)
    for start, end in zip(starts.tolist(), ends.tolist(), strict=True):
        block = sorted_keys[:, start:end]
        size = end - start
        if size < 2:
            continue
        # covers[i, j]: every key of row i is at least row j's; only an earlier row (i < j) dominates.
        # In column blocks, so a large group stays a few megabytes.
        for first in range(1, size, 1024):
            last = min(size, first + 1024)
            covers = np.all(block[:, :last, None] >= block[:, None, first:last], axis=0)
            earlier = np.arange(last)[:, None] < np.arange(first, last)[None, :]
            dominated[start + first : start + last] = np.any(covers & earlier, axis=0)
    choosable = np.empty(len(order), dtype=bool)
    choosable[order] = ~dominated
    return choosable


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
