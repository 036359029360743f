"""analytics.patching: a bucket recomputed from its stored rows, and how its rows move (no database)."""

from __future__ import annotations

import pandas as pd

from competition.benchmarks import analytics
from competition.benchmarks.analytics import patching


def _tiers(prices: list[int], *, promotional: tuple[int, ...] = ()) -> pd.DataFrame:
    """One bucket of 1 GB, 7-day tiers at these prices (yuan), tier ids 1..n."""
    return analytics.tiers_frame(
        {
            "tier_id": number,
            "plan_id": 100 + number,
            "province_code": "31",
            "operator_code": "cmcc",
            "validity_days": 7,
            "price_cny": str(price),
            "data_gb": "1",
            "is_promotional": number in promotional,
        }
        for number, price in enumerate(prices, start=1)
    )


def _stored(rows: pd.DataFrame) -> pd.DataFrame:
    """What a run stores of `benchmark_table_compute` rows, in STORED_COLUMNS."""
    return rows.loc[:, list(patching.STORED_COLUMNS)].reset_index(drop=True)


def test_stored_rows_stand_for_their_tiers_in_positions_ranks_and_indexes():
    rows, summaries = analytics.benchmark_table_compute(_tiers([5, 3, 3, 9, 1], promotional=(4,)))
    again, again_summaries = analytics.benchmark_table_compute(patching.stored_rows_input(_stored(rows)))
    columns = ["tier_id", *patching.RANK_COLUMNS]
    assert again[columns].equals(rows[columns])
    assert again_summaries.equals(summaries)


def test_a_tier_moved_to_the_top_shifts_the_rows_it_passed_by_one():
    before, _ = analytics.benchmark_table_compute(_tiers([2, 3, 4, 5, 6, 7]))
    stored = _stored(before)
    # Tier 5 (6 yuan, position 5) drops to 1 yuan: as a new tier 7 of the same plan.
    kept = stored.loc[stored["tier_id"] != 5]
    after, _ = analytics.benchmark_table_compute(
        patching.inputs_concat(patching.stored_rows_input(kept), _tiers([9, 9, 9, 9, 9, 9, 1]).iloc[[6]])
    )
    others = after.loc[after["tier_id"] != 7]
    runs, indexes = patching.shift_runs(kept, others)
    # Positions 1-4 move down one, ranks too; tier 6 at position 6 keeps its place and rank.
    assert runs == [(1, 4, 1, 1, 1)]
    # The median moved from 4.5 to 3.5 yuan per GB: every kept row's index changed.
    assert indexes.tolist() == [True] * 5


def test_unranked_rows_that_keep_their_place_are_not_rewritten():
    before, _ = analytics.benchmark_table_compute(_tiers([0, 3, 4, 5], promotional=(1,)))
    stored = _stored(before)
    kept = stored.loc[stored["tier_id"] != 4]
    new = _tiers([9, 9, 9, 9, 2]).iloc[[4]]
    after, _ = analytics.benchmark_table_compute(patching.inputs_concat(patching.stored_rows_input(kept), new))
    runs, _ = patching.shift_runs(kept, after.loc[after["tier_id"] != 5])
    # The free promotional tier stays first and unranked; tiers 2 and 3 move down one place and rank.
    assert runs == [(2, 3, 1, 1, 1)]
