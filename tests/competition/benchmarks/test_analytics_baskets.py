"""The compact basket input (analytics.basket_input_compact) costs every profile as the full input does."""

from __future__ import annotations

from decimal import Decimal

import pandas as pd
from hypothesis import given, settings
from hypothesis import strategies as st

from competition.benchmarks import analytics


def _tier(tier_id, province, operator, days, cents, data_mgb, dom=None, intl=None, **extra):
    return {
        "tier_id": tier_id,
        "plan_id": 100 + tier_id,
        "branch_name_zh": f"{province}{operator}",
        "plan_name_zh": f"套餐{tier_id}",
        "province_code": province,
        "operator_code": operator,
        "validity_days": days,
        "price_cents": cents,
        "data_mgb": data_mgb,
        "domestic_voice_min": dom,
        "intl_voice_min": intl,
        **extra,
    }


def _profile(days, data_gb, domestic_min=0, intl_min=0):
    return analytics.BasketProfile(
        slug="custom", name="custom", days=days, data_gb=Decimal(data_gb), domestic_min=domestic_min, intl_min=intl_min
    )


def _records(frame: pd.DataFrame) -> list[dict]:
    return [
        {key: (str(value) if key in {"branch_name_zh", "plan_name_zh"} else value) for key, value in record.items()}
        for record in frame.to_dict("records")
    ]


def test_tiers_of_equal_cover_keep_the_cheapest_then_lowest_id_and_count_all():
    frame = analytics.tiers_frame(
        [
            _tier(1, "11", "cmcc", 7, 5000, 10_000, 100, 0),
            _tier(2, "11", "cmcc", 7, 4000, 10_000, 100, 0),
            _tier(3, "11", "cmcc", 7, 4000, 10_000, 100, 0),
            _tier(4, "11", "cmcc", 7, 3000, 10_000, 100, 0, is_promotional=True),
            _tier(5, "11", "cmcc", 7, 1000, 10_000, 100, 0, is_from_price=True),
            _tier(6, "11", "cmcc", 7, 9000, 20_000, 100, 0),
            _tier(7, "11", "cmcc", 30, 4000, 10_000, 100, 0),
        ]
    )

    compact = analytics.basket_input_compact(frame)

    assert list(zip(compact["tier_id"], compact["tier_count"], strict=True)) == [(2, 3), (6, 1), (7, 1)]
    assert list(compact.columns) == analytics.BASKET_INPUT_COLUMNS


def test_unlimited_data_is_one_cover_whatever_its_stated_volume_and_unknown_data_another():
    frame = analytics.tiers_frame(
        [
            _tier(1, "31", "cucc", 7, 9000, 1_000, data_unlimited=True),
            _tier(2, "31", "cucc", 7, 8000, 5_000, data_unlimited=True),
            _tier(3, "31", "cucc", 7, 500, None),
            _tier(4, "31", "cucc", 7, 400, None),
        ]
    )

    compact = analytics.basket_input_compact(frame)

    assert list(zip(compact["tier_id"], compact["tier_count"], strict=True)) == [(2, 2), (4, 2)]


def test_a_compact_input_costs_a_profile_with_the_covering_count_of_every_tier():
    frame = analytics.tiers_frame(
        [_tier(tier_id, "44", "ctcc", 7, 1000 + tier_id, 3_000) for tier_id in range(1, 6)]
        + [_tier(9, "44", "ctcc", 7, 900, 1_000)]
    )
    profile = _profile(14, "5")

    costs = analytics.basket_costs_compute(analytics.basket_input_compact(frame), profiles=[profile])

    assert costs[["tier_id", "repeats", "cost_cents", "candidate_count"]].to_dict("records") == [
        {"tier_id": 1, "repeats": 2, "cost_cents": 2002, "candidate_count": 5}
    ]


markets = st.lists(
    st.tuples(
        st.sampled_from(["11", "31", "44"]),
        st.sampled_from(["cmcc", "cucc"]),
        st.sampled_from([1, 3, 7, 10, 30]),
        st.integers(0, 6).map(lambda step: step * 500),  # few prices: many ties
        st.one_of(st.none(), st.integers(0, 6).map(lambda step: step * 1_000)),
        st.sampled_from([False, False, False, True]),  # unlimited data
        st.one_of(st.none(), st.sampled_from([0, 50, 100, 300])),
        st.one_of(st.none(), st.sampled_from([0, 30, 100])),
        st.integers(0, 9),  # 0: promotional, 1: a "from" price
    ),
    max_size=40,
)
profiles = st.builds(
    _profile,
    days=st.integers(1, 40),
    data_gb=st.sampled_from(["0", "0.5", "1", "2", "3.5", "6", "12", "40"]),
    domestic_min=st.sampled_from([0, 0, 50, 120, 600]),
    intl_min=st.sampled_from([0, 0, 30, 200]),
)


def _market(draw) -> pd.DataFrame:
    return analytics.tiers_frame(
        [
            _tier(
                number,
                province,
                operator,
                days,
                cents,
                data,
                dom,
                intl,
                data_unlimited=unlimited,
                is_promotional=kind == 0,
                is_from_price=kind == 1,
            )
            for number, (province, operator, days, cents, data, unlimited, dom, intl, kind) in enumerate(draw, start=1)
        ]
    )


@settings(max_examples=200, deadline=None)
@given(markets, st.lists(profiles, min_size=1, max_size=4), st.booleans())
def test_the_compact_input_costs_any_profile_exactly_as_every_tier(draw, drawn_profiles, include_promotional):
    frame = _market(draw)
    slugged = [
        analytics.BasketProfile(**{**profile.__dict__, "slug": f"p{number}"})
        for number, profile in enumerate(drawn_profiles)
    ]

    full = analytics.basket_costs_compute(frame, profiles=slugged, include_promotional=include_promotional)
    compact = analytics.basket_input_compact(frame, include_promotional=include_promotional)
    small = analytics.basket_costs_compute(compact, profiles=slugged, include_promotional=include_promotional)

    assert _records(small) == _records(full)
    assert len(compact) <= len(frame)


@settings(max_examples=60, deadline=None)
@given(markets)
def test_compacting_a_compact_input_changes_nothing(draw):
    compact = analytics.basket_input_compact(_market(draw))

    again = analytics.basket_input_compact(compact)

    assert _records(again) == _records(compact)


def test_a_tier_another_covers_more_cheaply_or_first_cannot_be_chosen():
    frame = analytics.tiers_frame(
        [
            _tier(1, "11", "cmcc", 7, 3000, 10_000, 100, 0),
            _tier(2, "11", "cmcc", 7, 3000, 5_000, 100, 0),  # same price, less data, later id
            _tier(3, "11", "cmcc", 7, 2000, 5_000, 100, 0),  # cheaper: stays
            _tier(4, "11", "cmcc", 7, 4000, 10_000, 200, 0),  # more minutes: stays
            _tier(5, "11", "cmcc", 7, 5000, 10_000, 200, 0),  # dearer, no more of anything
            _tier(6, "11", "cmcc", 7, 9000, 1_000, data_unlimited=True),  # unlimited: stays
            _tier(7, "11", "cmcc", 30, 9000, 1_000, 100, 0),  # another validity: stays
        ]
    )
    compact = analytics.basket_input_compact(frame)

    choosable = analytics.basket_input_choosable(compact)

    assert list(compact.loc[choosable, "tier_id"]) == [1, 3, 4, 6, 7]


@settings(max_examples=200, deadline=None)
@given(markets, st.lists(profiles, min_size=1, max_size=4), st.booleans())
def test_the_choosable_rows_choose_the_same_tiers_at_the_same_costs(draw, drawn_profiles, include_promotional):
    frame = _market(draw)
    slugged = [
        analytics.BasketProfile(**{**profile.__dict__, "slug": f"p{number}"})
        for number, profile in enumerate(drawn_profiles)
    ]
    compact = analytics.basket_input_compact(frame, include_promotional=include_promotional)
    choosable = compact.loc[analytics.basket_input_choosable(compact)]

    full = analytics.basket_costs_compute(frame, profiles=slugged, include_promotional=include_promotional)
    small = analytics.basket_costs_compute(choosable, profiles=slugged, include_promotional=include_promotional)

    assert _records(small.drop(columns="candidate_count")) == _records(full.drop(columns="candidate_count"))


@settings(max_examples=200, deadline=None)
@given(markets, profiles, st.booleans())
def test_the_cover_classes_count_the_covering_tiers_of_every_pair(draw, profile, include_promotional):
    frame = _market(draw)
    compact = analytics.basket_input_compact(frame, include_promotional=include_promotional)

    counts = analytics.basket_covering_counts(analytics.basket_cover_classes(compact), profile)

    full = analytics.basket_costs_compute(frame, profiles=[profile], include_promotional=include_promotional)
    assert counts == {
        (row["province_code"], row["operator_code"]): row["candidate_count"] for row in full.to_dict("records")
    }
