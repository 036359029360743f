"""The draft analyser's pure arithmetic: rank, index without the draft, neighbours, baskets (no database)."""

from __future__ import annotations

from decimal import Decimal
from fractions import Fraction

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from competition.benchmarks import analytics
from competition.benchmarks.analytics.contract import BasketProfile
from competition.benchmarks.analytics.exact import fraction_median
from competition.benchmarks.analytics.positions import exact_median, order_keys


def market() -> object:
    # Per GB: 1.00, 2.00, 2.00, 4.00 (1-7 days); a promotional 0.50 and a "from" 0.10 that rank nothing.
    return analytics.tiers_frame(
        [
            {"tier_id": 1, "validity_days": 7, "price_cny": "10", "data_gb": "10", "province_code": "11"},
            {"tier_id": 2, "validity_days": 7, "price_cny": "20", "data_gb": "10", "province_code": "11"},
            {"tier_id": 3, "validity_days": 5, "price_cny": "20", "data_gb": "10", "province_code": "31"},
            {"tier_id": 4, "validity_days": 7, "price_cny": "40", "data_gb": "10", "province_code": "31"},
            {"tier_id": 5, "validity_days": 7, "price_cny": "5", "data_gb": "10", "is_promotional": True},
            {"tier_id": 6, "validity_days": 7, "price_cny": "1", "data_gb": "10", "is_from_price": True},
            {"tier_id": 7, "validity_days": 30, "price_cny": "1", "data_gb": "100", "province_code": "31"},
        ]
    )


def draft(**fields: object) -> object:
    return analytics.tiers_frame([{"tier_id": 1, "validity_days": 7, **fields}])


def position(draft_fields: dict, *, province: str | None = None, profiles=()) -> dict:
    (answer,) = analytics.drafts_position_compute(
        market(), draft(**draft_fields), basket_provinces=[province], profiles=profiles
    )
    return answer


def test_a_draft_tied_with_market_tiers_shares_their_rank():
    answer = position({"price_cny": "20", "data_gb": "10"})
    assert answer["rank"] == 2  # one market tier (1.00) strictly cheaper; the two at 2.00 tie with it


def test_the_index_is_against_the_median_of_the_market_without_the_draft():
    answer = position({"price_cny": "30", "data_gb": "10"})  # 3.00 per GB; market median (2.00 + 2.00) / 2
    assert answer["market_median_per_gb_cny"] == Decimal("2.00")
    assert answer["index"] == Decimal("150.00")
    assert answer["market_sample_count"] == 4


def test_the_neighbours_are_the_nearest_strictly_cheaper_and_dearer_market_tiers():
    answer = position({"price_cny": "30", "data_gb": "10"})
    cheaper, dearer = answer["cheaper_neighbour"], answer["dearer_neighbour"]
    # Two tiers share 2.00 per GB: the cheaper price (the 5-day one, 20 CNY, then tier id) stands for them.
    assert (cheaper["tier_id"], cheaper["value_cny"], cheaper["tied_count"]) == (2, Decimal("2.00"), 2)
    assert (dearer["tier_id"], dearer["value_cny"]) == (4, Decimal("4.00"))


def test_the_cheapest_draft_has_no_cheaper_neighbour_and_rank_one():
    answer = position({"price_cny": "1", "data_gb": "10"})
    assert answer["rank"] == 1
    assert answer["cheaper_neighbour"] is None
    assert answer["dearer_neighbour"]["tier_id"] == 1


def test_a_draft_without_data_has_no_per_gb_position_but_a_per_day_one():
    answer = position({"price_cny": "14"})
    assert (answer["price_per_gb_cny"], answer["rank"], answer["index"]) == (None, None, None)
    assert answer["per_gb_undefined_reason"] == "data_unknown"
    per_day = answer["metrics"]["per_day"]
    # Per day the market is every exact, non-promotional price: 1.43, 2.86, 4.00, 5.71 a day.
    assert per_day["value_cny"] == Decimal("2.00")
    assert per_day["rank"] == 2
    assert per_day["market_median_cny"] == Decimal("3.43")


def test_a_basket_is_costed_against_the_cheapest_market_cover_of_the_province():
    profile = BasketProfile("wk", "7 days, 5 GB", 7, Decimal("5"), 0, 0)
    answer = position({"price_cny": "15", "data_gb": "10"}, province="31", profiles=[profile])
    (basket,) = answer["baskets"]
    # In 31 the 30-day tier 7 covers the week for 1 CNY, cheaper than tier 3 (20 CNY).
    assert basket["market_option"]["tier_id"] == 7
    assert (basket["draft_cost_cny"], basket["market_cost_cny"]) == (Decimal("15.00"), Decimal("1.00"))
    assert basket["difference_cny"] == Decimal("14.00")
    assert basket["index"] == Decimal("1500.00")


def test_a_draft_that_does_not_cover_a_basket_has_no_cost_in_it():
    profile = BasketProfile("calls", "7 days, 10 intl min", 7, Decimal("0"), 0, 10)
    answer = position({"price_cny": "15", "data_gb": "10", "intl_voice_min": 0}, profiles=[profile])
    (basket,) = answer["baskets"]
    assert (basket["covers"], basket["draft_cost_cny"], basket["difference_cny"]) == (False, None, None)


def test_drafts_are_measured_alone_not_against_each_other():
    both = analytics.drafts_position_compute(
        market(),
        analytics.tiers_frame(
            [
                {"tier_id": 1, "validity_days": 7, "price_cny": "1", "data_gb": "10"},
                {"tier_id": 2, "validity_days": 7, "price_cny": "30", "data_gb": "10"},
            ]
        ),
        basket_provinces=[None, None],
        profiles=(),
    )
    assert [answer["rank"] for answer in both] == [1, 4]
    assert both[1]["market_sample_count"] == 4


@settings(max_examples=200, deadline=None)
@given(
    st.lists(
        st.tuples(st.integers(0, 10**11), st.integers(1, 10**10)) | st.tuples(st.integers(0, 500), st.integers(1, 7)),
        max_size=30,
    )
)
def test_the_stored_median_is_the_exact_median(pairs):
    nums = np.array([num for num, _ in pairs], dtype=np.int64)
    dens = np.array([den for _, den in pairs], dtype=np.int64)
    assert fraction_median(nums, dens) == exact_median(nums, dens, order_keys(nums, dens))


def test_a_runs_summaries_hold_the_exact_medians_and_per_day_value_counts():
    _, summaries = analytics.benchmark_table_compute(market())
    first = summaries.set_index("bucket").loc["1-7"]
    assert first["median_per_gb_exact"] == Fraction(2)  # (2.00 + 2.00) / 2 of the four ranked tiers
    # Per day: the four exact, non-promotional 1-7 day prices 10/7, 20/7, 20/5, 40/7 (the "from" one is out).
    assert first["day_sample_count"] == 4
    assert first["median_per_day_exact"] == (Fraction(20, 7) + Fraction(4)) / 2
    assert first["day_value_counts"] == [[143, 1], [286, 1], [400, 1], [571, 1]]
