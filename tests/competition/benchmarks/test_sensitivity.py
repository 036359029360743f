"""Rank sensitivity's pure arithmetic: ranks per metric, nulls where unrankable, the spread and the order."""

from __future__ import annotations

from decimal import Decimal

from competition.benchmarks import analytics
from competition.benchmarks.analytics.contract import BasketProfile

WEEK_DATA = BasketProfile("week", "7 days, 20 GB", 7, Decimal("20"), 0, 0)


def ranks_by_tier() -> dict[int, dict]:
    tiers = analytics.tiers_frame(
        [
            # Cheap per GB, dear per day.
            {"tier_id": 1, "validity_days": 7, "price_cny": "70", "data_gb": "70"},
            # Dear per GB, cheap per day, too little data for the basket.
            {"tier_id": 2, "validity_days": 7, "price_cny": "14", "data_gb": "2"},
            # Data unknown: no per-GB rank, no basket rank.
            {"tier_id": 3, "validity_days": 7, "price_cny": "35"},
            # Promotional: ranked by nothing.
            {"tier_id": 4, "validity_days": 7, "price_cny": "1", "data_gb": "50", "is_promotional": True},
        ]
    )
    frame, names = analytics.rank_sensitivity_compute(tiers, profiles=[WEEK_DATA])
    assert names == ["per_gb", "per_day", "per_30_days", "week"]
    return {
        int(row["tier_id"]): {
            **{name: (None if row[name] is None or row[name] != row[name] else int(row[name])) for name in names},
            "spread": row["rank_spread"],
            "position": position,
        }
        for position, row in enumerate(frame.astype(object).where(frame.notna(), None).to_dict("records"))
    }


def test_it_ranks_each_tier_under_every_metric():
    ranks = ranks_by_tier()
    assert {name: ranks[1][name] for name in ("per_gb", "per_day", "per_30_days", "week")} == {
        "per_gb": 1,
        "per_day": 3,
        "per_30_days": 3,
        "week": 1,
    }
    assert (ranks[2]["per_gb"], ranks[2]["per_day"], ranks[2]["week"]) == (2, 1, None)


def test_a_tier_without_data_is_unranked_per_gb_and_in_baskets_that_need_data():
    ranks = ranks_by_tier()
    assert (ranks[3]["per_gb"], ranks[3]["per_day"], ranks[3]["week"]) == (None, 2, None)


def test_a_promotional_tier_is_ranked_by_nothing_and_has_no_spread():
    ranks = ranks_by_tier()
    assert [ranks[4][name] for name in ("per_gb", "per_day", "per_30_days", "week")] == [None] * 4
    assert ranks[4]["spread"] is None


def test_it_sorts_by_the_largest_spread_first():
    ranks = ranks_by_tier()
    assert (ranks[1]["spread"], ranks[2]["spread"], ranks[3]["spread"]) == (2, 1, 0)
    assert [ranks[tier]["position"] for tier in (1, 2, 3, 4)] == [0, 1, 2, 3]
