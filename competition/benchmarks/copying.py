"""The row table's columns and the COPY that writes a run's rows into it on PostgreSQL.

`storage.rows_insert` calls `copy_rows` with `storage.row_frame` rows (money in integer minor units):
into the row table (a patch's rows, routed to the run's partition) or, for a full run, into the run's
new partition (`competition.benchmarks.partitions`) before it has an index.
"""

from __future__ import annotations

import contextlib
import io
import queue
import threading
from collections.abc import Iterator, Sequence
from typing import Any

import numpy as np
import pandas as pd
from django.db import connection, models

from competition.benchmarks.models import BenchmarkRow

ROW_COLUMNS: tuple[str, ...] = (
    "run_id",
    "bucket",
    "position",
    "tier_id",
    "plan_id",
    "branch_id",
    "operator_code",
    "province_code",
    "branch_name_zh",
    "plan_name_zh",
    "plan_name_en",
    "validity_days",
    "price_cny",
    "data_gb",
    "data_unlimited",
    "price_per_gb_cny",
    "per_gb_undefined_reason",
    "price_per_day_cny",
    "price_per_30_days_cny",
    "rank",
    "per_gb_index",
    "rank_with_from",
    "per_gb_index_with_from",
    "is_promotional",
    "price_qualifier",
    "confidence",
)


# Columns held in integer minor units (in row_frame), and how many decimal places each has in the database.
MINOR_PLACES: dict[str, int] = {
    "price_cny": 2,
    "data_gb": 3,
    "price_per_gb_cny": 2,
    "price_per_day_cny": 2,
    "price_per_30_days_cny": 2,
    "per_gb_index": 2,
    "per_gb_index_with_from": 2,
}


_BOOL_COLUMNS = ("data_unlimited", "is_promotional")
NULLABLE_COLUMNS: tuple[str, ...] = (
    "data_gb",
    "price_per_gb_cny",
    "rank",
    "per_gb_index",
    "rank_with_from",
    "per_gb_index_with_from",
)
_TEXT_COLUMNS = (
    "bucket",
    "operator_code",
    "province_code",
    "branch_name_zh",
    "plan_name_zh",
    "plan_name_en",
    "per_gb_undefined_reason",
    "price_qualifier",
    "confidence",
)


def _text_series(pl: Any, name: str, series: pd.Series) -> Any:
    """A text column for polars; a categorical by its codes (no Python string per row)."""
    if isinstance(series.dtype, pd.CategoricalDtype):
        categories = pl.Series([str(value) for value in series.cat.categories], dtype=pl.String)
        codes = series.cat.codes.to_numpy()
        return categories.gather(np.where(codes < 0, 0, codes)).alias(name)
    return pl.Series(name, series.to_numpy(dtype=object), dtype=pl.String)


# Rows per CSV chunk: the server parses one chunk while the next is built.
CHUNK_ROWS = 100_000


def copy_rows(frame: pd.DataFrame, *, table: str | None = None) -> None:
    """Store the rows on PostgreSQL with one COPY ... FROM STDIN (CSV) straight into the row table.

    `table` (quoted): a table created in this transaction instead, the run's new partition. COPY FREEZE
    writes its rows frozen, so the first readers do not rewrite every page to set hint bits.

    Polars writes the CSV (in Rust): minor units become Polars decimals (exact integer arithmetic,
    never a float) written as decimal text, so the server only parses. The CSV is built in chunks
    by a second thread while this one sends the previous chunk, so building it overlaps the server's
    COPY instead of coming before it. No staging table, no INSERT ... SELECT: at a million rows those
    cost more than the computation.
    """
    if frame.empty:
        return
    options = "FORMAT csv, FREEZE" if table else "FORMAT csv"
    table = table or connection.ops.quote_name(BenchmarkRow._meta.db_table)
    columns = ", ".join(connection.ops.quote_name(column) for column in ROW_COLUMNS)
    chunks: queue.Queue[bytes | Exception | None] = queue.Queue(maxsize=2)

    def build() -> None:
        try:
            for chunk in rows_csv_chunks(frame):
                chunks.put(chunk)
            chunks.put(None)
        except Exception as error:  # noqa: BLE001  (handed to the sending thread, which raises it)
            chunks.put(error)

    builder = threading.Thread(target=build, name="benchmark-rows-csv", daemon=True)
    builder.start()
    try:
        with (
            connection.cursor() as cursor,
            cursor.cursor.copy(f"COPY {table} ({columns}) FROM STDIN ({options})") as copy,
        ):
            while (chunk := chunks.get()) is not None:
                if isinstance(chunk, Exception):
                    raise chunk
                copy.write(chunk)
    finally:
        # On an error in COPY the builder may wait on a full queue: drain it so the thread ends.
        while builder.is_alive():
            with contextlib.suppress(queue.Empty):
                chunks.get(timeout=0.1)
        builder.join()


def records_insert(model: type[models.Model], columns: Sequence[str], records: Sequence[Sequence[Any]]) -> None:
    """Insert a few thousand rows of `model` given as value tuples in `columns` order (field attnames): one COPY
    on PostgreSQL, one bulk insert elsewhere. (A run's 6,864 per-day prices at a million tiers took 0.3 s of
    its publishing transaction as model instances in a bulk insert.)"""
    if not records:
        return
    if connection.vendor == "postgresql":
        quote = connection.ops.quote_name
        table, names = quote(model._meta.db_table), ", ".join(quote(column) for column in columns)
        with connection.cursor() as cursor, cursor.cursor.copy(f"COPY {table} ({names}) FROM STDIN") as copy:
            for record in records:
                copy.write_row(record)
        return
    model._default_manager.bulk_create(
        [model(**dict(zip(columns, record, strict=True))) for record in records], batch_size=2000
    )


def rows_csv(frame: pd.DataFrame) -> bytes:
    """`row_frame` rows as headerless CSV in ROW_COLUMNS order (all chunks of `rows_csv_chunks`)."""
    return b"".join(rows_csv_chunks(frame))


def rows_csv_chunks(frame: pd.DataFrame, *, chunk_rows: int | None = None) -> Iterator[bytes]:
    """`row_frame` rows as headerless CSV in ROW_COLUMNS order, `chunk_rows` rows at a time.

    Decimals as exact text, "" for an empty text, an empty field for NULL.
    """
    import polars as pl

    data: dict[str, Any] = {}
    for column in ROW_COLUMNS:
        series = frame[column]
        if column in _TEXT_COLUMNS:
            data[column] = _text_series(pl, column, series)
        elif column in _BOOL_COLUMNS:
            data[column] = pl.Series(column, series.to_numpy(dtype=bool))
        else:
            values = series.astype("Int64")
            data[column] = pl.Series(column, values.to_numpy(dtype=np.int64, na_value=0), dtype=pl.Int64).scatter(
                np.flatnonzero(values.isna().to_numpy()), None
            )
    expressions = []
    for column in ROW_COLUMNS:
        places = MINOR_PLACES.get(column)
        if places:
            # Integer minor units as a decimal with `places` places, divided by 10**places: the quotient has
            # exactly `places` places, so the division is exact (integer arithmetic in Polars, never a float).
            expressions.append((pl.col(column).cast(pl.Decimal(38, places)) / 10**places).alias(column))
        else:
            expressions.append(pl.col(column))
    table = pl.DataFrame(data)
    chunk_rows = chunk_rows or CHUNK_ROWS
    for offset in range(0, table.height, chunk_rows):
        buffer = io.BytesIO()
        table.slice(offset, chunk_rows).select(expressions).write_csv(buffer, include_header=False)
        yield buffer.getvalue()
