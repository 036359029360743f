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
            columns[column] = pd.api.types.union_categoricals(
                [_categorical(a), _categorical(b)], ignore_order=True
            )
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
