"""The honest-sample rules (analytics/samples.py): what a low sample is and who may be called cheapest."""

from __future__ import annotations

from decimal import Decimal

import pandas as pd

from competition.benchmarks import analytics
from tests.competition.benchmarks.test_analytics import TABLE_1, row

D = Decimal


def test_a_figure_from_two_tiers_is_a_low_sample() -> None:
    assert analytics.is_low_sample(2) is True


def test_a_figure_from_three_tiers_is_not_a_low_sample() -> None:
    assert analytics.is_low_sample(3) is False


def test_a_figure_from_no_tier_is_a_low_sample() -> None:
    assert analytics.is_low_sample(0) is True
    assert analytics.is_low_sample(None) is True


def test_an_operator_alone_with_data_is_not_called_cheapest() -> None:
    # 北京, 1-7 days per GB: only 北京移动 has a figure (3.33); the other operators have none.
    assert analytics.cheapest_operators([("cmcc", D("3.33")), ("cucc", None), ("ctcc", None)]) == set()


def test_the_lowest_of_two_operators_with_data_is_cheapest() -> None:
    # 上海, 30 days per day: 上海移动 熊猫卡 6.67 against 上海电信 6.50.
    assert analytics.cheapest_operators([("cmcc", D("6.67")), ("ctcc", D("6.50"))]) == {"ctcc"}


def test_operators_tied_for_the_lowest_share_cheapest() -> None:
    assert analytics.cheapest_operators([("cmcc", D("3.00")), ("cucc", D("3.00")), ("ctcc", D("4.00"))]) == {
        "cmcc",
        "cucc",
    }


def test_an_unranked_promotional_tier_has_no_index() -> None:
    rows, _ = analytics.benchmark_table_compute(analytics.tiers_frame(TABLE_1))
    free_first_day = row(rows, 21)  # 上海移动's free first-day 3 GB card: per GB 0.00, promotional
    assert free_first_day["price_per_gb_cents"] == 0
    assert free_first_day["rank"] is pd.NA
    assert free_first_day["index_hundredths"] is pd.NA


def test_a_promotional_tier_is_indexed_when_promotions_are_ranked() -> None:
    rows, _ = analytics.benchmark_table_compute(analytics.tiers_frame(TABLE_1), include_promotional=True)
    assert (row(rows, 21)["rank"], row(rows, 21)["index_hundredths"]) == (1, 0)
