"""An edit's patch of one bucket, from the bucket's stored rows: the input it stands for, and what moved.

A patch (competition.benchmarks.incremental) recomputes a bucket with `benchmark_table_compute`
over the tiers the run already stored there (every column a position, rank, index, matrix cell or
history point depends on is stored with the row) plus the edited plans' new tiers. Reading those
stored columns costs a fraction of reading the tiers through their plans, branches and provinces.
Names, branch ids, voice minutes and confidence are not among what ranks and points depend on, so
the stored rows stand in for them with neutral values: never store a row computed from them.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from competition.benchmarks.analytics.contract import INPUT_COLUMNS, INPUT_DTYPES

# The stored row's columns a bucket's ranks, positions, indexes, summaries and history points depend on,
# in integer minor units (cents, milli-GB, index hundredths), with `position`, ranks and indexes as stored.
STORED_DTYPES: dict[str, str] = {
    "tier_id": "int64",
    "plan_id": "int64",
    "position": "int64",
    "rank": "Int64",
    "rank_with_from": "Int64",
    "index_hundredths": "Int64",
    "index_with_from_hundredths": "Int64",
    "price_cents": "int64",
    "data_mgb": "Int64",
    "data_unlimited": "bool",
    "validity_days": "int64",
    "is_promotional": "bool",
    "is_from_price": "bool",
    "operator_code": "category",
    "province_code": "category",
}
STORED_COLUMNS: tuple[str, ...] = tuple(STORED_DTYPES)
RANK_COLUMNS: tuple[str, ...] = ("position", "rank", "rank_with_from", "index_hundredths", "index_with_from_hundredths")

# Columns of the input that nothing of a bucket's table, summary or history depends on.
_NEUTRAL: dict[str, object] = {
    "branch_id": 0,
    "branch_name_zh": "",
    "plan_name_zh": "",
    "plan_name_en": "",
    "domestic_voice_min": pd.NA,
    "intl_voice_min": pd.NA,
    "confidence": "",
}


def stored_rows_input(stored: pd.DataFrame) -> pd.DataFrame:
    """The input frame (`INPUT_DTYPES`) that a bucket's stored rows (`STORED_COLUMNS`) were computed from,
    with neutral values where ranks and points do not look."""
    count = len(stored)
    columns: dict[str, object] = {}
    for column, dtype in INPUT_DTYPES.items():
        if column in stored.columns:
            series = stored[column]
            columns[column] = series if dtype == "category" else series.astype(dtype)
        elif dtype == "category":
            columns[column] = pd.Categorical.from_codes(np.zeros(count, dtype=np.int8), categories=[_NEUTRAL[column]])
        else:
            columns[column] = pd.array(np.full(count, _NEUTRAL[column]), dtype=dtype)
    return pd.DataFrame(columns, index=stored.index).reset_index(drop=True)


def inputs_concat(first: pd.DataFrame, second: pd.DataFrame) -> pd.DataFrame:
    """Two input frames as one, categoricals united (pd.concat would turn differing categories into objects)."""
    columns = {}
    for column, dtype in INPUT_DTYPES.items():
        a, b = first[column], second[column]
        if dtype == "category":
            columns[column] = pd.api.types.union_categoricals([_categorical(a), _categorical(b)], ignore_order=True)
        else:
            columns[column] = pd.concat([a, b], ignore_index=True).astype(dtype)
    return pd.DataFrame(columns, columns=list(INPUT_COLUMNS))


def rank_changes(stored: pd.DataFrame, rows: pd.DataFrame) -> np.ndarray:
    """Which of `rows` (`benchmark_table_compute` rows of tiers stored in `stored`) now differ from what is
    stored in position, rank or index (both kinds); aligned with `rows`."""
    order = pd.Index(stored["tier_id"].to_numpy()).get_indexer(rows["tier_id"].to_numpy())
    if (order < 0).any():
        raise ValueError("rows name tiers the stored rows do not hold")
    changed = np.zeros(len(rows), dtype=bool)
    for column in RANK_COLUMNS:
        old = stored[column].astype("Int64").to_numpy(dtype=np.int64, na_value=-1)[order]
        new = rows[column].astype("Int64").to_numpy(dtype=np.int64, na_value=-1)
        changed |= old != new
    return changed


def _categorical(series: pd.Series) -> pd.Categorical:
    """A text column as a categorical of plain Python strings (what union_categoricals needs on both sides)."""
    if not isinstance(series.dtype, pd.CategoricalDtype):
        series = series.fillna("").astype(str).astype("category")
    categories = series.cat.categories
    if categories.dtype != object:
        categories = pd.Index([str(value) for value in categories], dtype=object)
    return pd.Categorical.from_codes(series.cat.codes.to_numpy(), categories=categories)


def shift_runs(stored: pd.DataFrame, rows: pd.DataFrame) -> tuple[list[tuple[int, int, int, int, int]], np.ndarray]:
    """How the stored rows of a bucket move, as runs of consecutive stored positions that all shift alike.

    `rows` are `benchmark_table_compute` rows of every tier in `stored` (the bucket's kept rows).
    Returns `(first, last, position shift, rank shift, rank-with-from shift)` for each run of stored
    positions first..last whose shifts are not all zero (an unranked row takes its neighbours' rank
    shift: its rank stays empty whatever is added), and a mask over `stored` of the rows whose indexes
    changed, which a shift does not express. An edit that moves one tier makes one or two runs.
    """
    order = pd.Index(rows["tier_id"].to_numpy()).get_indexer(stored["tier_id"].to_numpy())
    if (order < 0).any():
        raise ValueError("the stored rows name tiers `rows` does not hold")
    by_position = np.argsort(stored["position"].to_numpy(), kind="stable")
    position = stored["position"].to_numpy(dtype=np.int64)[by_position]
    new = {
        column: rows[column].astype("Int64").iloc[order[by_position]].reset_index(drop=True) for column in RANK_COLUMNS
    }
    old = {column: stored[column].astype("Int64").iloc[by_position].reset_index(drop=True) for column in RANK_COLUMNS}
    shifts = [new["position"].to_numpy(dtype=np.int64) - position]
    moves = shifts[0] != 0
    for column in ("rank", "rank_with_from"):
        shift = (new[column] - old[column]).astype("Float64")
        moves |= shift.fillna(0).to_numpy() != 0
        shifts.append(shift.ffill().bfill().fillna(0).to_numpy(dtype=np.int64))
    indexes = np.zeros(len(position), dtype=bool)
    for column in ("index_hundredths", "index_with_from_hundredths"):
        indexes |= new[column].to_numpy(dtype=np.int64, na_value=-1) != old[column].to_numpy(
            dtype=np.int64, na_value=-1
        )
    runs: list[tuple[int, int, int, int, int]] = []
    if len(position):
        stacked = np.stack(shifts, axis=1)
        boundary = np.ones(len(position), dtype=bool)
        boundary[1:] = (stacked[1:] != stacked[:-1]).any(axis=1)
        starts = np.flatnonzero(boundary)
        ends = np.append(starts[1:], len(position)) - 1
        # A run is written when one of its rows moves (one of only unranked rows that keep their place is not).
        moving = np.add.reduceat(moves.astype(np.int64), starts) > 0
        for start, end, needed in zip(starts.tolist(), ends.tolist(), moving.tolist(), strict=True):
            if needed:
                moved, ranked, ranked_with_from = (int(value) for value in stacked[start])
                runs.append((int(position[start]), int(position[end]), moved, ranked, ranked_with_from))
    changed_index = np.zeros(len(stored), dtype=bool)
    changed_index[by_position] = indexes
    return runs, changed_index


def _ints(series: pd.Series) -> pd.Series:
    return series.astype("Int64")


def _missing_as(series: pd.Series, value: int) -> np.ndarray:
    return series.to_numpy(dtype=np.int64, na_value=value)
