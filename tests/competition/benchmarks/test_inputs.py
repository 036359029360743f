"""The input frame from the selector's COPY CSV: the contract's dtypes, in tier order."""

from __future__ import annotations

import pandas as pd

from competition.benchmarks import analytics, inputs

# Two tiers as PostgreSQL's COPY ... WITH CSV writes them: NULL is an empty field, "" a quoted one.
PAYLOAD = b'2,20,200,cu,31,b,p,"",7,1000,,t,30,,f,f,confirmed\n1,10,100,cm,11,a,q,,1,500,1000,f,,5,t,t,reported\n'


def test_it_reads_the_copy_csv_in_tier_order_with_the_contracts_dtypes():
    frame = inputs.frame_from_csv(PAYLOAD)
    assert frame["tier_id"].tolist() == [1, 2]
    assert frame["data_mgb"].tolist() == [1000, pd.NA]
    assert frame["domestic_voice_min"].tolist() == [pd.NA, 30]
    assert frame["data_unlimited"].tolist() == [False, True]
    assert frame["is_from_price"].tolist() == [True, False]
    assert frame["plan_name_en"].tolist() == ["", ""]  # NULL and "" alike
    assert {column: str(dtype) for column, dtype in frame.dtypes.items()} == analytics.INPUT_DTYPES


def test_it_is_what_normalise_input_makes_of_the_same_rows():
    frame = inputs.frame_from_csv(PAYLOAD)
    pd.testing.assert_frame_equal(analytics.normalise_input(frame), frame)
    assert analytics.normalise_input(frame.astype(object)).equals(frame)


def test_an_empty_copy_is_an_empty_frame():
    assert list(inputs.frame_from_csv(b"").columns) == list(analytics.INPUT_COLUMNS)
