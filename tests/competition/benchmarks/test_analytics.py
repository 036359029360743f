"""The pure analytics module against hand-calculated figures from Table 1 of seed 003 (no database)."""

from __future__ import annotations

from decimal import Decimal
from fractions import Fraction

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from competition.benchmarks import analytics
from plans import pricing

D = Decimal


def tier(tier_id, branch, province, operator, plan, days, price, data, dom=100, intl=0, **extra):
    return {
        "tier_id": tier_id,
        "plan_id": extra.pop("plan_id", hash((branch, plan)) % 10_000),
        "branch_name_zh": branch,
        "province_code": province,
        "operator_code": operator,
        "plan_name_zh": plan,
        "validity_days": days,
        "price_cny": D(price),
        "data_gb": None if data is None else D(data),
        "domestic_voice_min": dom,
        "intl_voice_min": intl,
        **extra,
    }


# Table 1 (入境短期通信套餐资费), rows in print order, plus the article's 上海电信 and 上海移动 text facts.
TABLE_1 = [
    tier(1, "北京移动", "11", "cmcc", "灵动卡", 7, "100", "30", 100, 0),
    tier(2, "北京移动", "11", "cmcc", "灵动卡", 10, "120", "35", 150, 0),
    tier(3, "北京移动", "11", "cmcc", "灵动卡", 15, "150", "50", 200, 0),
    tier(4, "北京移动", "11", "cmcc", "灵动卡", 30, "250", "80", 300, 0),
    tier(5, "上海移动", "31", "cmcc", "熊猫卡", 7, "90", "30", 100, 100),
    tier(6, "上海移动", "31", "cmcc", "熊猫卡", 15, "130", "50", 200, 200),
    tier(7, "上海移动", "31", "cmcc", "熊猫卡", 30, "200", "80", 300, 300),
    tier(8, "江西移动", "36", "cmcc", "畅行卡", 7, "70", "30", 100, 100, confidence="inferred"),
    tier(9, "深圳联通", "44", "cucc", "深圳外籍来宾短期卡", 15, "100", "50", 200, 100),
    tier(10, "深圳联通", "44", "cucc", "深圳外籍来宾短期卡", 30, "170", "80", 300, 100),
    tier(11, "深圳联通", "44", "cucc", "深圳外籍来宾短期卡", 7, "79", "18", 100, 100),
    tier(12, "深圳联通", "44", "cucc", "深圳外籍来宾短期卡", 11, "109", "25", 200, 100),
    tier(13, "浙江联通", "33", "cucc", "浙江旅游卡", 15, "159", "40", 300, 100),
    tier(14, "浙江联通", "33", "cucc", "浙江旅游卡", 30, "259", "80", 400, 100),
    tier(15, "浙江联通", "33", "cucc", "表1第15-17行套餐", 7, "50", "30", 100, 0, confidence="inferred"),
    tier(16, "浙江联通", "33", "cucc", "表1第15-17行套餐", 15, "80", "40", 200, 0, confidence="inferred"),
    tier(17, "浙江联通", "33", "cucc", "表1第15-17行套餐", 30, "150", "50", 300, 0, confidence="inferred"),
    tier(18, "上海电信", "31", "ctcc", "短期卡", 7, "85", None, None, None),
    tier(19, "上海电信", "31", "ctcc", "短期卡", 15, "125", None, None, None),
    tier(20, "上海电信", "31", "ctcc", "短期卡", 30, "195", None, None, None),
    tier(21, "上海移动", "31", "cmcc", "首日免费卡", 1, "0", "3", 0, 0, is_promotional=True),
]


@pytest.fixture
def table_1() -> pd.DataFrame:
    return analytics.tiers_frame(TABLE_1)


def row(rows: pd.DataFrame, tier_id: int) -> pd.Series:
    return rows.loc[rows["tier_id"] == tier_id].iloc[0]


def summary(summaries: pd.DataFrame, bucket: str) -> pd.Series:
    return summaries.loc[summaries["bucket"] == bucket].iloc[0]


def test_it_computes_per_gb_of_real_tiers_in_cents(table_1):
    rows = analytics.unit_prices(table_1)
    per_gb = dict(zip(rows["tier_id"], rows["price_per_gb_cents"], strict=True))
    assert per_gb[1] == 333  # 北京移动 灵动卡 100 / 30 = 3.333…
    assert per_gb[5] == 300  # 上海移动 熊猫卡 90 / 30
    assert per_gb[8] == 233  # 江西移动 畅行卡 70 / 30 = 2.333…
    assert per_gb[11] == 439  # 深圳联通 79 / 18 = 4.3888…
    assert per_gb[15] == 167  # 浙江联通 rows 15-17, 50 / 30 = 1.666…
    assert per_gb[10] == 213  # 170 / 80 = 2.125 rounds half-up
    assert per_gb[13] == 398  # 159 / 40 = 3.975 rounds half-up
    assert per_gb[14] == 324  # 259 / 80 = 3.2375


def test_it_matches_the_decimal_helpers_it_vectorises(table_1):
    rows = analytics.unit_prices(table_1)
    for record in TABLE_1:
        got = row(rows, record["tier_id"])
        expected = pricing.price_per_gb(price_cny=record["price_cny"], data_gb=record["data_gb"])
        if expected.value is None:
            assert got["price_per_gb_cents"] is pd.NA
        else:
            assert analytics.minor_to_decimal(got["price_per_gb_cents"]) == pricing.round_cny(expected.value)
        per_day = pricing.price_per_day(price_cny=record["price_cny"], validity_days=record["validity_days"])
        assert analytics.minor_to_decimal(got["price_per_day_cents"]) == pricing.round_cny(per_day)
        per_30 = pricing.price_per_30_days(price_cny=record["price_cny"], validity_days=record["validity_days"])
        assert analytics.minor_to_decimal(got["price_per_30_days_cents"]) == pricing.round_cny(per_30)


def test_it_puts_tiers_in_the_pricing_modules_buckets(table_1):
    rows = analytics.unit_prices(table_1)
    for record in TABLE_1:
        assert row(rows, record["tier_id"])["bucket"] == pricing.validity_bucket(record["validity_days"])


def test_it_ranks_the_7_day_bucket_cheapest_first(table_1):
    rows, _ = analytics.benchmark_table_compute(table_1)
    bucket = rows.loc[rows["bucket"] == "1-7"]
    ranked = bucket.dropna(subset=["rank"])
    assert list(ranked["tier_id"]) == [15, 8, 5, 1, 11]
    assert list(ranked["rank"]) == [1, 2, 3, 4, 5]


def test_it_takes_the_median_of_the_7_day_bucket(table_1):
    _, summaries = analytics.benchmark_table_compute(table_1)
    seven = summary(summaries, "1-7")
    # 1.67, 2.33, 3.00, 3.33, 4.39: the middle one is 上海移动's 3.00.
    assert seven["median_per_gb_cents"] == 300
    assert seven["min_per_gb_cents"] == 167
    assert seven["max_per_gb_cents"] == 439
    assert seven["sample_count"] == 5
    assert seven["tier_count"] == 7  # plus 上海电信 (data unknown) and the promotional first-day card


def test_it_indexes_each_tier_against_the_median(table_1):
    rows, _ = analytics.benchmark_table_compute(table_1)
    assert row(rows, 5)["index_hundredths"] == 10000  # the median tier itself: 100.00
    assert row(rows, 1)["index_hundredths"] == 11111  # 100 * (10/3) / 3 = 111.11
    assert row(rows, 15)["index_hundredths"] == 5556  # 100 * (5/3) / 3 = 55.56
    assert row(rows, 11)["index_hundredths"] == 14630  # 100 * (79/18) / 3 = 146.296…


def test_it_lets_ties_share_a_rank(table_1):
    rows, summaries = analytics.benchmark_table_compute(table_1)
    # 15-29: 深圳联通 100/50 and 浙江联通 rows 80/40 are both exactly 2.00 per GB.
    assert row(rows, 9)["rank"] == 1
    assert row(rows, 16)["rank"] == 1
    assert row(rows, 6)["rank"] == 3  # 上海移动 130/50 = 2.60: two tiers are cheaper
    assert row(rows, 3)["rank"] == 4
    assert row(rows, 13)["rank"] == 5
    # 2.00, 2.00, 2.60, 3.00, 3.975: median 2.60
    assert summary(summaries, "15-29")["median_per_gb_cents"] == 260


def test_it_averages_the_two_middle_tiers_of_an_even_bucket():
    frame = analytics.tiers_frame(
        [tier(1, "a", "11", "cmcc", "p", 7, "100", "30"), tier(2, "b", "31", "cmcc", "q", 7, "90", "30")]
    )
    rows, summaries = analytics.benchmark_table_compute(frame)
    # (10/3 + 3) / 2 = 19/6 = 3.1666…
    assert summary(summaries, "1-7")["median_per_gb_cents"] == 317
    # 100 * 3 / (19/6) = 94.7368…
    assert row(rows, 2)["index_hundredths"] == 9474


def test_it_gives_a_free_tier_a_per_gb_of_zero():
    frame = analytics.tiers_frame(
        [tier(1, "a", "11", "cmcc", "free", 7, "0", "3"), tier(2, "b", "31", "cmcc", "paid", 7, "90", "30")]
    )
    rows, summaries = analytics.benchmark_table_compute(frame)
    assert row(rows, 1)["price_per_gb_cents"] == 0
    assert row(rows, 1)["rank"] == 1
    assert summary(summaries, "1-7")["min_per_gb_cents"] == 0


def test_it_leaves_per_gb_undefined_when_data_is_unknown(table_1):
    rows, _ = analytics.benchmark_table_compute(table_1)
    shanghai_telecom = row(rows, 18)
    assert shanghai_telecom["price_per_gb_cents"] is pd.NA
    assert shanghai_telecom["per_gb_undefined"] == "data_unknown"
    assert shanghai_telecom["rank"] is pd.NA
    assert shanghai_telecom["index_hundredths"] is pd.NA
    assert shanghai_telecom["price_per_day_cents"] == 1214  # 85 / 7 = 12.142…: per-day stays defined
    assert shanghai_telecom["position"] == 7  # shown last in its bucket


def test_it_leaves_per_gb_undefined_for_unlimited_data():
    frame = analytics.tiers_frame(
        [
            tier(1, "a", "11", "cmcc", "unlimited", 7, "150", None, data_unlimited=True),
            tier(2, "b", "31", "cmcc", "paid", 7, "90", "30"),
        ]
    )
    rows, summaries = analytics.benchmark_table_compute(frame)
    assert row(rows, 1)["per_gb_undefined"] == "data_unlimited"
    assert row(rows, 1)["rank"] is pd.NA
    assert summary(summaries, "1-7")["sample_count"] == 1


def test_it_shows_but_does_not_rank_promotional_tiers_by_default(table_1):
    rows, summaries = analytics.benchmark_table_compute(table_1)
    first_day = row(rows, 21)
    assert first_day["price_per_gb_cents"] == 0
    assert first_day["rank"] is pd.NA
    assert first_day["position"] == 1
    assert summary(summaries, "1-7")["median_per_gb_cents"] == 300


def test_it_ranks_promotional_tiers_when_asked(table_1):
    rows, summaries = analytics.benchmark_table_compute(table_1, include_promotional=True)
    assert row(rows, 21)["rank"] == 1
    assert row(rows, 15)["rank"] == 2
    # 0, 1.67, 2.33, 3.00, 3.33, 4.39: median (7/3 + 3) / 2 = 2.666…
    assert summary(summaries, "1-7")["median_per_gb_cents"] == 267


# 吃货卡's "低至5元/月": a floor. Here a 7-day "from 1 CNY" tier with 100 GB (0.01 per GB, the cheapest of all).
FROM_PRICE = tier(22, "上海移动", "31", "cmcc", "低至卡", 7, "1", "100", 0, 0, is_from_price=True)


def test_it_shows_but_never_ranks_a_from_price_nor_counts_it_in_the_median():
    frame = analytics.tiers_frame([*TABLE_1, FROM_PRICE])
    for include_promotional in (False, True):
        rows, summaries = analytics.benchmark_table_compute(frame, include_promotional=include_promotional)
        floor = row(rows, 22)
        assert floor["price_per_gb_cents"] == 1  # shown with its unit price ...
        assert floor["rank"] is pd.NA  # ... but a floor is not a price to rank
        assert row(rows, 15)["rank"] == (2 if include_promotional else 1)
    rows, summaries = analytics.benchmark_table_compute(frame)
    seven = summary(summaries, "1-7")
    # Still 1.67, 2.33, 3.00, 3.33, 4.39: the floor's 0.01 would make the median (2.33 + 3.00) / 2.
    assert (seven["median_per_gb_cents"], seven["min_per_gb_cents"], seven["sample_count"]) == (300, 167, 5)
    assert seven["tier_count"] == 8


def test_a_from_price_is_no_cheapest_cell_and_prices_no_basket():
    frame = analytics.tiers_frame([*TABLE_1, FROM_PRICE])
    result = analytics.benchmarks_compute(frame)
    assert 22 not in set(result.matrix["tier_id"])
    assert 22 not in set(result.baskets["tier_id"])


def test_it_marks_inferred_tiers_and_still_ranks_them(table_1):
    rows, _ = analytics.benchmark_table_compute(table_1)
    jiangxi = row(rows, 8)
    assert jiangxi["confidence"] == "inferred"
    assert jiangxi["rank"] == 2


def test_it_handles_a_single_tier_bucket(table_1):
    _rows, summaries = analytics.benchmark_table_compute(table_1)
    # 8-14 holds 北京移动 10 days 120/35 = 3.428… and 深圳联通 11 days 109/25 = 4.36; take one alone.
    alone = analytics.tiers_frame([TABLE_1[1]])
    alone_rows, alone_summaries = analytics.benchmark_table_compute(alone)
    assert row(alone_rows, 2)["rank"] == 1
    assert row(alone_rows, 2)["index_hundredths"] == 10000
    assert summary(alone_summaries, "8-14")["median_per_gb_cents"] == 343
    assert summary(summaries, "8-14")["sample_count"] == 2


def test_it_reports_an_empty_bucket_with_no_median():
    frame = analytics.tiers_frame([tier(1, "a", "11", "cmcc", "p", 7, "100", "30")])
    _, summaries = analytics.benchmark_table_compute(frame)
    assert list(summaries["bucket"]) == ["1-7", "8-14", "15-29", "30+"]
    empty = summary(summaries, "30+")
    assert empty["sample_count"] == 0
    assert empty["tier_count"] == 0
    assert empty["median_per_gb_cents"] is pd.NA


def test_it_computes_on_an_empty_input():
    result = analytics.benchmarks_compute(analytics.tiers_frame([]))
    assert result.rows.empty
    assert result.matrix.empty
    assert result.baskets.empty
    assert list(result.summaries["sample_count"]) == [0, 0, 0, 0]


def test_it_finds_the_cheapest_tier_per_province_and_operator(table_1):
    rows, _ = analytics.benchmark_table_compute(table_1)
    matrix = analytics.province_comparison_compute(rows)
    cells = matrix.loc[(matrix["bucket"] == "1-7") & (matrix["metric"] == "per_gb")]
    by_cell = {(c.province_code, c.operator_code): (c.value_cents, c.tier_id) for c in cells.itertuples()}
    assert by_cell == {
        ("11", "cmcc"): (333, 1),
        ("36", "cmcc"): (233, 8),
        ("31", "cmcc"): (300, 5),  # the free first-day card is promotional, so 熊猫卡 stays cheapest
        ("44", "cucc"): (439, 11),
        ("33", "cucc"): (167, 15),
    }


def test_it_counts_the_samples_behind_a_matrix_cell(table_1):
    rows, _ = analytics.benchmark_table_compute(table_1)
    matrix = analytics.province_comparison_compute(rows)
    zhejiang = matrix.loc[
        (matrix["bucket"] == "15-29") & (matrix["metric"] == "per_gb") & (matrix["province_code"] == "33")
    ].iloc[0]
    assert zhejiang["tier_id"] == 16  # 80/40 = 2.00 beats 浙江旅游卡 159/40
    assert zhejiang["sample_count"] == 2


def test_it_compares_per_day_including_tiers_without_data(table_1):
    rows, _ = analytics.benchmark_table_compute(table_1)
    matrix = analytics.province_comparison_compute(rows)
    cell = matrix.loc[
        (matrix["bucket"] == "1-7")
        & (matrix["metric"] == "per_day")
        & (matrix["province_code"] == "31")
        & (matrix["operator_code"] == "ctcc")
    ].iloc[0]
    assert cell["value_cents"] == 1214  # 上海电信 85 / 7


def test_it_costs_a_week_with_international_minutes(table_1):
    baskets = analytics.basket_costs_compute(table_1)
    week = baskets.loc[baskets["profile"] == "week-light"]
    costs = {(b.province_code, b.operator_code): b.cost_cents for b in week.itertuples()}
    # 北京移动 and the 浙江联通 rows plan include no international minutes; 上海电信's data is unknown.
    assert costs == {("31", "cmcc"): 9000, ("36", "cmcc"): 7000, ("44", "cucc"): 7900, ("33", "cucc"): 15900}


def test_it_repeats_a_shorter_tier_when_that_is_cheaper():
    frame = analytics.tiers_frame(
        [
            tier(1, "a", "11", "cmcc", "p", 7, "30", "20", 100, 100),
            tier(2, "a", "11", "cmcc", "p", 15, "100", "50", 200, 200),
        ]
    )
    profile = analytics.BasketProfile("fortnight", "15 days", 15, D("30"), 100, 30)
    baskets = analytics.basket_costs_compute(frame, profiles=[profile])
    cheapest = baskets.iloc[0]
    assert cheapest["tier_id"] == 1
    assert cheapest["repeats"] == 3  # 3 x 7 days span 15 days and give 60 GB
    assert cheapest["cost_cents"] == 9000
    assert cheapest["candidate_count"] == 2


def test_it_fingerprints_equal_inputs_equally_and_changes_with_a_price(table_1):
    shuffled = analytics.tiers_frame(list(reversed(TABLE_1)))
    assert analytics.input_fingerprint(table_1) == analytics.input_fingerprint(shuffled)
    changed = [dict(record) for record in TABLE_1]
    changed[0]["price_cny"] = D("99")
    assert analytics.input_fingerprint(table_1) != analytics.input_fingerprint(analytics.tiers_frame(changed))


def test_it_refuses_prices_with_more_than_two_decimal_places():
    with pytest.raises(ValueError, match="price_cny"):
        analytics.tiers_frame([tier(1, "a", "11", "cmcc", "p", 7, "1.005", "1")])


def test_it_orders_fractions_that_share_a_float_exactly():
    # 2**53 + 1 and 2**53 are different, but as floats the two ratios are equal.
    numerators = np.array([2**53 + 1, 2**53, 6], dtype=np.int64)
    denominators = np.array([2**53, 2**53, 3], dtype=np.int64)
    key = analytics.exact_order_key(numerators, denominators)
    assert key[1] < key[0]  # 1 < 1 + 2**-53
    assert key[2] > key[0]


tiers_strategy = st.lists(
    st.tuples(
        st.integers(min_value=1, max_value=7),  # one bucket
        st.integers(min_value=0, max_value=50_000),  # price in cents
        st.integers(min_value=1, max_value=100_000),  # data in milli-GB
    ),
    min_size=1,
    max_size=40,
)


def _frame(draw: list[tuple[int, int, int]]) -> pd.DataFrame:
    return analytics.tiers_frame(
        [
            {"tier_id": n, "validity_days": days, "price_cents": price, "data_mgb": data}
            for n, (days, price, data) in enumerate(draw, start=1)
        ]
    )


@settings(max_examples=60, deadline=None)
@given(tiers_strategy)
def test_ranks_are_consistent_with_exact_per_gb_order(draw):
    rows, _ = analytics.benchmark_table_compute(_frame(draw))
    values = {r.tier_id: Fraction(r.price_cents * 10, int(r.data_mgb)) for r in rows.itertuples(index=False)}
    ranks = dict(zip(rows["tier_id"], rows["rank"], strict=True))
    for a in values:
        cheaper = sum(1 for b in values if values[b] < values[a])
        assert ranks[a] == cheaper + 1
    # Ranks are a permutation of 1..n when no two tiers tie.
    if len(set(values.values())) == len(values):
        assert sorted(ranks.values()) == list(range(1, len(values) + 1))


@settings(max_examples=60, deadline=None)
@given(tiers_strategy.filter(lambda draw: len(draw) % 2 == 1))
def test_the_median_tier_has_an_index_of_100(draw):
    rows, summaries = analytics.benchmark_table_compute(_frame(draw))
    values = sorted(Fraction(p * 10, d) for _, p, d in draw)
    median = values[len(values) // 2]
    if median == 0:
        return  # an index against a zero median is undefined
    at_median = [
        r.index_hundredths
        for r in rows.itertuples(index=False)
        if Fraction(r.price_cents * 10, int(r.data_mgb)) == median
    ]
    assert at_median and all(value == 10000 for value in at_median)
    assert summary(summaries, "1-7")["median_per_gb_cents"] == analytics.fraction_round_half_up(median)


def test_a_categorical_input_normalises_as_its_text_would():
    from competition.benchmarks.analytics.frames import text_category

    series = pd.Series(pd.Categorical(["b", "a", "", "b"], categories=["z", "b", "a", ""]))
    normalised = text_category(series)
    assert normalised.tolist() == ["b", "a", "", "b"]
    assert normalised.cat.categories.tolist() == ["", "a", "b"]  # only those that occur, sorted
    pd.testing.assert_series_equal(normalised, series.astype(str).astype("category"))


def test_candidates_already_in_exact_order_are_not_sorted_again():
    from competition.benchmarks.analytics.metrics import candidate_order

    bucket, key = np.array([0, 0, 0, 1]), np.array([0, 1, 1, 0])
    price, tier = np.array([5, 3, 4, 9]), np.array([9, 2, 1, 3])
    assert candidate_order(bucket, key, price, tier).tolist() == [0, 1, 2, 3]
    # Same key and price: the lower tier id first.
    assert candidate_order(bucket, key, np.array([5, 3, 3, 9]), tier).tolist() == [0, 2, 1, 3]
