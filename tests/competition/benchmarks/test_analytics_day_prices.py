"""A bucket's per-day sample by price and validity (analytics.day_prices), on Table 1 of seed 003 and three
tiers that share Jiangxi Mobile's 70 CNY / 7 days (no database)."""

from __future__ import annotations

import pandas as pd
import pytest

from competition.benchmarks import analytics
from tests.competition.benchmarks.test_analytics import TABLE_1, tier

# A second 70 / 7 days tier (dearer per GB), a "from" price and a promotion at the same price.
SHARED = [
    tier(22, "广东电信", "44", "ctcc", "七日卡", 7, "70", "10"),
    tier(23, "广东电信", "44", "ctcc", "七日卡（低至）", 7, "70", "30", is_from_price=True),
    tier(24, "广东移动", "44", "cmcc", "七日特惠卡", 7, "70", "30", is_promotional=True),
]


def _day_prices(*, include_promotional: bool = False) -> pd.DataFrame:
    tiers = analytics.tiers_frame(TABLE_1 + SHARED)
    rows, _summaries = analytics.benchmark_table_compute(tiers, include_promotional=include_promotional)
    return analytics.day_prices_compute(rows, include_promotional=include_promotional)


def _bucket(pairs: pd.DataFrame, bucket: str) -> list[tuple]:
    here = pairs.loc[pairs["bucket"] == bucket]
    return [
        (price, days, per_day, count, None if rank is pd.NA else int(rank), tier_id)
        for price, days, per_day, count, rank, tier_id in zip(
            here["price_cents"],
            here["validity_days"],
            here["price_per_day_cents"],
            here["tier_count"],
            here["best_rank"],
            here["tier_id"],
            strict=True,
        )
    ]


def test_a_pair_of_price_and_validity_stands_for_its_tiers_counted_with_its_best_rank_and_first_tier():
    # (price cents, days, per-day cents, tiers, best per-GB rank, first tier): 50 / 7 = 7.142… -> 714.
    assert _bucket(_day_prices(), "1-7") == [
        (5000, 7, 714, 1, 1, 15),
        (7000, 7, 1000, 2, 2, 8),  # 江西移动 (rank 2) and 广东电信 (70 / 10 GB, rank 6)
        (7900, 7, 1129, 1, 5, 11),
        (8500, 7, 1214, 1, None, 18),  # 上海电信: no data volume, so no per-GB rank, but a price per day
        (9000, 7, 1286, 1, 3, 5),
        (10000, 7, 1429, 1, 4, 1),
    ]


def test_from_prices_and_promotions_are_left_out_unless_promotions_are_included():
    pairs = _bucket(_day_prices(include_promotional=True), "1-7")
    # The free first day (0 / 1 day) and the 70 CNY promotion count now; the "from" price never does.
    assert pairs[0] == (0, 1, 0, 1, 1, 21)
    assert (7000, 7, 1000, 3, 3, 8) in pairs


def test_the_pairs_carry_the_first_tiers_plan():
    pairs = _day_prices()
    first = pairs.loc[pairs["tier_id"] == 15].iloc[0]
    assert first["plan_id"] == next(row["plan_id"] for row in TABLE_1 if row["tier_id"] == 15)


@pytest.mark.parametrize("include_promotional", [False, True])
def test_no_tier_that_counts_means_no_pairs(include_promotional):
    tiers = analytics.tiers_frame([tier(1, "上海电信", "31", "ctcc", "低至卡", 7, "85", "10", is_from_price=True)])
    rows, _summaries = analytics.benchmark_table_compute(tiers, include_promotional=include_promotional)
    pairs = analytics.day_prices_compute(rows, include_promotional=include_promotional)
    assert pairs.empty
    assert list(pairs.columns) == list(analytics.DAY_PRICE_COLUMNS)
