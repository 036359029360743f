"""analytics.history_points_compute: a day's points per bucket, metric and scope, without a database."""

from __future__ import annotations

import pandas as pd

from competition.benchmarks import analytics


def market() -> pd.DataFrame:
    return analytics.tiers_frame(
        [
            # 北京 中国移动 3.00 per GB, 北京 中国联通 4.00, 上海 中国移动 5.00; a promotional and a "from" tier
            {"price_cny": "30", "data_gb": "10", "validity_days": 7, "province_code": "11", "operator_code": "cmcc"},
            {"price_cny": "20", "data_gb": "5", "validity_days": 7, "province_code": "11", "operator_code": "cucc"},
            {"price_cny": "50", "data_gb": "10", "validity_days": 7, "province_code": "31", "operator_code": "cmcc"},
            {
                "price_cny": "0",
                "data_gb": "3",
                "validity_days": 1,
                "province_code": "31",
                "operator_code": "cmcc",
                "is_promotional": True,
            },
            {
                "price_cny": "5",
                "data_gb": "10",
                "validity_days": 30,
                "province_code": "31",
                "operator_code": "cmcc",
                "is_from_price": True,
            },
        ]
    )


def points(**scope: str) -> list[tuple]:
    result = analytics.benchmarks_compute(market())
    frame = result.history
    chosen = frame[
        (frame["province_code"] == scope.get("province", "")) & (frame["operator_code"] == scope.get("operator", ""))
    ]
    return [
        tuple(row)
        for row in chosen[
            ["bucket", "metric", "median_cents", "min_cents", "max_cents", "sample_count", "tier_id"]
        ].itertuples(index=False)
    ]


def test_the_market_point_has_the_exact_median_of_the_ranked_tiers() -> None:
    assert points()[0] == ("1-7", "per_gb", 400, 300, 500, 3, 1)


def test_an_even_sample_takes_the_mean_of_the_two_middle_values() -> None:
    # 北京: 3.00 and 4.00 per GB.
    assert points(province="11")[0] == ("1-7", "per_gb", 350, 300, 400, 2, 1)


def test_per_day_and_per_30_days_leave_out_promotional_and_from_prices() -> None:
    per_day = [p for p in points() if p[1] != "per_gb"]
    # 30/7 = 4.29, 20/7 = 2.86, 50/7 = 7.14 per day; the free day and the "from 5" month are left out.
    assert per_day == [("1-7", "per_day", 429, 286, 714, 3, 2), ("1-7", "per_30_days", 12857, 8571, 21429, 3, 2)]


def test_a_market_point_equals_the_bucket_summary() -> None:
    result = analytics.benchmarks_compute(market())
    summary = result.summaries.set_index("bucket").loc["1-7"]

    assert points()[0][2:6] == (
        summary["median_per_gb_cents"],
        summary["min_per_gb_cents"],
        summary["max_per_gb_cents"],
        summary["sample_count"],
    )


def test_cell_points_equal_the_matrix_cells() -> None:
    result = analytics.benchmarks_compute(market())
    history = result.history
    cells = history[(history["province_code"] != "") & (history["operator_code"] != "")]

    matrix = {
        (r.bucket, r.metric, r.province_code, r.operator_code, r.value_cents, r.sample_count, r.tier_id)
        for r in result.matrix.itertuples()
    }
    assert {
        (r.bucket, r.metric, r.province_code, r.operator_code, r.min_cents, r.sample_count, r.tier_id)
        for r in cells.itertuples()
    } == matrix


def test_an_empty_market_has_no_points() -> None:
    assert analytics.benchmarks_compute(analytics.tiers_frame([])).history.empty
