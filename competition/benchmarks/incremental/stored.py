"""What a patch reads of the run it patches: the edited plans' stored rows and a bucket's rows, narrowly."""

from __future__ import annotations

import io
from typing import TYPE_CHECKING, Any, cast

import numpy as np
import pandas as pd
from django.db import connection
from django.db.models import BigIntegerField, BooleanField, ExpressionWrapper, F, Q, QuerySet
from django.db.models.functions import Cast, Round

from competition.benchmarks.analytics import patching
from competition.benchmarks.models import BenchmarkRow

if TYPE_CHECKING:
    from django.db.backends.postgresql.operations import DatabaseOperations as PostgresOperations

# The input columns of a stored row (as the analytics' input contract names them), for telling
# whether an edited plan's tiers in a bucket changed at all.
PLAN_ROW_COLUMNS: tuple[str, ...] = (
    "tier_id",
    "plan_id",
    "branch_id",
    "operator_code",
    "province_code",
    "branch_name_zh",
    "plan_name_zh",
    "plan_name_en",
    "validity_days",
    "price_cents",
    "data_mgb",
    "data_unlimited",
    "is_promotional",
    "is_from_price",
    "confidence",
)


def _minor(field: str, factor: int) -> Cast:
    return Cast(Round(F(field) * factor), output_field=BigIntegerField())


def _as_input(queryset: QuerySet[BenchmarkRow]) -> QuerySet[BenchmarkRow]:
    return queryset.annotate(
        price_cents=_minor("price_cny", 100),
        data_mgb=_minor("data_gb", 1000),
        is_from_price=ExpressionWrapper(Q(price_qualifier="from"), output_field=BooleanField()),
    )


def plan_rows(*, run_id: int, plan_ids: list[int]) -> list[dict[str, Any]]:
    """The run's rows of these plans: id, bucket and the input columns (`PLAN_ROW_COLUMNS`), by the run-plan index."""
    columns = ["id", "bucket", *PLAN_ROW_COLUMNS]
    return list(_as_input(BenchmarkRow.objects.filter(run_id=run_id, plan_id__in=plan_ids)).values(*columns))


# A bucket's stored decimals and how many places each has (STORED_COLUMNS names them in minor units).
_DECIMALS: dict[str, tuple[str, int]] = {
    "index_hundredths": ("per_gb_index", 2),
    "index_with_from_hundredths": ("per_gb_index_with_from", 2),
    "price_cents": ("price_cny", 2),
    "data_mgb": ("data_gb", 3),
}


def bucket_rows(*, run_id: int, bucket: str) -> pd.DataFrame:
    """A bucket's stored rows in `analytics.patching.STORED_COLUMNS` (minor units), on PostgreSQL by one COPY.

    The decimals leave the server as they are stored (converting 300k of them there cost more than
    the scan) and become minor units here: every stored decimal (at most 14 digits, 2 or 3 places)
    is within 2**53 units, so the nearest double times 10**places rounds to the exact integer.
    """
    columns = list(patching.STORED_COLUMNS)
    dtypes = patching.STORED_DTYPES
    # The stored field of each column: a decimal's own field, or the column (is_from_price is annotated).
    fields = [_DECIMALS[column][0] if column in _DECIMALS else column for column in columns]
    queryset = (
        BenchmarkRow.objects.filter(run_id=run_id, bucket=bucket)
        .annotate(is_from_price=ExpressionWrapper(Q(price_qualifier="from"), output_field=BooleanField()))
        .values_list(*fields)
        .order_by()
    )
    if connection.vendor != "postgresql":
        frame = pd.DataFrame.from_records(list(queryset), columns=columns)
        for column, (_field, places) in _DECIMALS.items():
            frame[column] = [None if value is None else int(value.scaleb(places)) for value in frame[column]]
        return frame.astype(dtypes)
    sql, params = queryset.query.sql_with_params()
    statement = cast("PostgresOperations", connection.ops).compose_sql(sql, params)
    buffer = io.BytesIO()
    with connection.cursor() as cursor, cursor.cursor.copy(f"COPY ({statement}) TO STDOUT WITH CSV") as copy:
        for block in copy:
            buffer.write(block)
    if not buffer.tell():
        return pd.DataFrame({column: pd.Series(dtype=dtype) for column, dtype in dtypes.items()})
    buffer.seek(0)
    frame = pd.read_csv(
        buffer,
        names=columns,
        header=None,
        dtype={
            column: ("float64" if column in _DECIMALS else "str" if dtype == "bool" else dtype)
            for column, dtype in dtypes.items()
        },
        keep_default_na=False,
        na_values={column: [""] for column, dtype in dtypes.items() if dtype == "Int64"},
    )
    for column, dtype in dtypes.items():
        if dtype == "bool":
            frame[column] = frame[column] == "t"
    for column, (_field, places) in _DECIMALS.items():
        values = frame[column].to_numpy(dtype=np.float64)
        missing = np.isnan(values)
        units = np.rint(np.where(missing, 0, values) * 10**places).astype(np.int64)
        frame[column] = pd.array(units, dtype="Int64") if dtypes[column] == "Int64" else units
        if missing.any():
            frame.loc[missing, column] = pd.NA
    return frame


# Past this many runs of alike shifts, one UPDATE's CASE gets long: the rows go through storage.rows_rerank.
SHIFT_RUNS_MAX = 64


def rows_shift(*, run_id: int, bucket: str, runs: list[tuple[int, int, int, int, int]]) -> int:
    """Shift the positions and ranks of a bucket's stored rows by runs of stored positions, in one UPDATE.

    `runs` are `analytics.patching.shift_runs`: (first, last, position, rank, rank-with-from shift).
    Ranks of unranked rows stay empty (NULL + n). Returns how many rows were written.
    """
    if not runs:
        return 0

    def shifted(index: int) -> str:
        cases = " ".join(
            f"WHEN r.position BETWEEN {int(run[0])} AND {int(run[1])} THEN {int(run[index])}" for run in runs
        )
        return f"CASE {cases} ELSE 0 END"

    where = " OR ".join(f"r.position BETWEEN {int(first)} AND {int(last)}" for first, last, *_ in runs)
    table = connection.ops.quote_name(BenchmarkRow._meta.db_table)
    with connection.cursor() as cursor:
        cursor.execute(
            f"UPDATE {table} r SET position = r.position + {shifted(2)}, rank = r.rank + {shifted(3)},"
            f" rank_with_from = r.rank_with_from + {shifted(4)}"
            f" WHERE r.run_id = %s AND r.bucket = %s AND ({where})",
            [run_id, bucket],
        )
        return int(cursor.rowcount)
