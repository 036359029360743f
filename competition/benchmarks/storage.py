"""Where a run's results go: the row table (COPY on PostgreSQL, a portable insert elsewhere), summaries, cells, costs.

Called by `services.benchmark_run_compute` inside the transaction that publishes the run.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd
from django.db import connection

from competition.benchmarks import analytics
from competition.benchmarks.models import (
    BenchmarkBasketCost,
    BenchmarkBucketSummary,
    BenchmarkMatrixCell,
    BenchmarkRow,
    BenchmarkRun,
)

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


def benchmark_result_store(*, run: BenchmarkRun, result: analytics.BenchmarkResult) -> None:
    """Write a run's rows (COPY on PostgreSQL, one executemany elsewhere) and its summaries, cells and baskets."""
    frame = row_frame(run.pk, result.rows)
    if connection.vendor == "postgresql":
        copy_rows(frame)
    else:
        insert_rows(frame)
    BenchmarkBucketSummary.objects.bulk_create(
        BenchmarkBucketSummary(
            run=run,
            bucket=summary["bucket"],
            tier_count=summary["tier_count"],
            sample_count=summary["sample_count"],
            median_per_gb_cny=analytics.minor_to_decimal(summary["median_per_gb_cents"]),
            min_per_gb_cny=analytics.minor_to_decimal(summary["min_per_gb_cents"]),
            max_per_gb_cny=analytics.minor_to_decimal(summary["max_per_gb_cents"]),
            sample_count_with_from=summary["sample_count_with_from"],
            median_per_gb_with_from_cny=analytics.minor_to_decimal(summary["median_per_gb_cents_with_from"]),
            min_per_gb_with_from_cny=analytics.minor_to_decimal(summary["min_per_gb_cents_with_from"]),
            max_per_gb_with_from_cny=analytics.minor_to_decimal(summary["max_per_gb_cents_with_from"]),
        )
        for summary in result.summaries.to_dict("records")
    )
    BenchmarkMatrixCell.objects.bulk_create(
        BenchmarkMatrixCell(
            run=run,
            bucket=cell["bucket"],
            metric=cell["metric"],
            province_code=cell["province_code"],
            operator_code=cell["operator_code"],
            value_cny=analytics.minor_to_decimal(cell["value_cents"]),
            sample_count=cell["sample_count"],
            **_chosen_tier(cell),
        )
        for cell in result.matrix.to_dict("records")
    )
    BenchmarkBasketCost.objects.bulk_create(
        BenchmarkBasketCost(
            run=run,
            profile=cost["profile"],
            province_code=cost["province_code"],
            operator_code=cost["operator_code"],
            cost_cny=analytics.minor_to_decimal(cost["cost_cents"]),
            repeats=cost["repeats"],
            candidate_count=cost["candidate_count"],
            **_chosen_tier(cost),
        )
        for cost in result.baskets.to_dict("records")
    )


def _chosen_tier(record: dict[str, Any]) -> dict[str, Any]:
    """The columns a matrix cell and a basket cost keep of the tier they chose (analytics.CHOSEN_TIER_COLUMNS)."""
    return {
        "tier_id": record["tier_id"],
        "plan_id": record["plan_id"],
        "branch_name_zh": record["branch_name_zh"],
        "plan_name_zh": record["plan_name_zh"],
        "validity_days": record["validity_days"],
        "price_cny": analytics.minor_to_decimal(record["price_cents"]),
    }


def row_frame(run_id: int, rows: pd.DataFrame) -> pd.DataFrame:
    """The analytics' rows in BenchmarkRow's columns; money in integer minor units, renamed to the field names."""
    return pd.DataFrame(
        {
            "run_id": np.full(len(rows), run_id, dtype=np.int64),
            "bucket": rows["bucket"].astype(str),
            "position": rows["position"],
            "tier_id": rows["tier_id"],
            "plan_id": rows["plan_id"],
            "branch_id": rows["branch_id"],
            "operator_code": rows["operator_code"],
            "province_code": rows["province_code"],
            "branch_name_zh": rows["branch_name_zh"],
            "plan_name_zh": rows["plan_name_zh"],
            "plan_name_en": rows["plan_name_en"],
            "validity_days": rows["validity_days"],
            "price_cny": rows["price_cents"],
            "data_gb": rows["data_mgb"],
            "data_unlimited": rows["data_unlimited"],
            "price_per_gb_cny": rows["price_per_gb_cents"],
            "per_gb_undefined_reason": rows["per_gb_undefined"]
            .astype(object)
            .where(rows["per_gb_undefined"].notna(), ""),
            "price_per_day_cny": rows["price_per_day_cents"],
            "price_per_30_days_cny": rows["price_per_30_days_cents"],
            "rank": rows["rank"],
            "per_gb_index": rows["index_hundredths"],
            "rank_with_from": rows["rank_with_from"],
            "per_gb_index_with_from": rows["index_with_from_hundredths"],
            "is_promotional": rows["is_promotional"],
            "price_qualifier": np.where(rows["is_from_price"].to_numpy(dtype=bool), "from", "exact"),
            "confidence": rows["confidence"],
        },
        columns=list(ROW_COLUMNS),
    )


# Columns held in integer minor units, and how many decimal places each has in the database.
_MINOR_PLACES = {
    "price_cny": 2,
    "data_gb": 3,
    "price_per_gb_cny": 2,
    "price_per_day_cny": 2,
    "price_per_30_days_cny": 2,
    "per_gb_index": 2,
    "per_gb_index_with_from": 2,
}


# The staging table's columns (a row's but run_id, which the INSERT supplies), all bigint so a row
# has a fixed binary width; -1 stands for NULL (none of these can be negative). Text travels as an
# index into a text[] parameter.
_STAGE_COLUMNS: tuple[str, ...] = tuple(column for column in ROW_COLUMNS if column != "run_id")
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
_BOOL_COLUMNS = ("data_unlimited", "is_promotional")
_NULLABLE_COLUMNS = ("data_gb", "price_per_gb_cny", "rank", "per_gb_index", "rank_with_from", "per_gb_index_with_from")
_JOINED_TEXT_COLUMNS = ("branch_name_zh", "plan_name_zh", "plan_name_en")


def copy_rows(frame: pd.DataFrame) -> None:
    """Store the rows on PostgreSQL: binary COPY of fixed-width integers into a temporary table, then one
    INSERT ... SELECT that turns minor units into exact numerics and text indexes into text.

    Formatting a million rows as CSV in Python costs more than the whole computation; a packed
    numpy record array is written in one piece and the server does the conversions in C.
    """
    if frame.empty:
        return
    texts: dict[str, list[str]] = {}
    columns: dict[str, np.ndarray] = {}
    for column in _STAGE_COLUMNS:
        series = frame[column]
        if column in _TEXT_COLUMNS:
            categorical = pd.Categorical(series.astype(object).where(series.notna(), ""))
            texts[column] = [str(value) for value in categorical.categories]
            columns[column] = categorical.codes.astype(np.int64) + 1  # PostgreSQL arrays start at 1
        elif column in _BOOL_COLUMNS:
            columns[column] = series.to_numpy(dtype=np.int64)
        else:
            columns[column] = series.astype("Int64").to_numpy(dtype=np.int64, na_value=-1)
    count = len(frame)
    # PGCOPY binary: signature, flags, header extension; per row a field count and (length, value)
    # pairs, big-endian; then a -1 trailer.
    layout = [("fields", ">i2")]
    for name in _STAGE_COLUMNS:
        layout += [(f"{name}__len", ">i4"), (name, ">i8")]
    record = np.dtype(layout)
    packed = np.empty(count, dtype=record)
    packed["fields"] = len(_STAGE_COLUMNS)
    for name in _STAGE_COLUMNS:
        packed[f"{name}__len"] = 8
        packed[name] = columns[name]
    payload = b"PGCOPY\n\xff\r\n\x00" + (0).to_bytes(4, "big") + (0).to_bytes(4, "big") + packed.tobytes() + b"\xff\xff"

    stage = "benchmark_row_stage"
    table = connection.ops.quote_name(BenchmarkRow._meta.db_table)
    target_columns = ", ".join(connection.ops.quote_name(column) for column in ROW_COLUMNS)
    # Small dictionaries (buckets, codes, reasons) go inline as arrays; names, which grow with the data,
    # as temporary tables joined by index: subscripting a huge array constant per row is quadratic.
    # Always the same statements, so the query count does not depend on the number of tiers.
    joined = list(_JOINED_TEXT_COLUMNS)
    params: dict[str, Any] = {"run_id": int(frame["run_id"].iloc[0])}
    params.update({name: texts[name] for name in _TEXT_COLUMNS if name not in joined})

    def value(name: str) -> str:
        quoted = f"s.{connection.ops.quote_name(name)}"
        if name in joined:
            return f"t_{name}.value"
        if name in _TEXT_COLUMNS:
            return f"(%({name})s::text[])[{quoted}]"
        if name in _BOOL_COLUMNS:
            return f"{quoted} = 1"
        places = _MINOR_PLACES.get(name)
        nullable = f"NULLIF({quoted}, -1)" if name in _NULLABLE_COLUMNS else quoted
        if places:
            return f"{nullable}::numeric / {10**places}"
        return nullable

    select = ", ".join(["%(run_id)s", *(value(name) for name in _STAGE_COLUMNS)])
    joins = " ".join(
        f"JOIN benchmark_text_{name} t_{name} ON t_{name}.idx = s.{connection.ops.quote_name(name)}" for name in joined
    )
    stage_columns = ", ".join(f"{connection.ops.quote_name(name)} bigint" for name in _STAGE_COLUMNS)
    with connection.cursor() as cursor:
        # Dropped explicitly as well: inside an outer transaction (tests, nested atomics) ON COMMIT comes late.
        for name in (stage, *(f"benchmark_text_{column}" for column in joined)):
            cursor.execute(f"DROP TABLE IF EXISTS pg_temp.{name}")
        cursor.execute(f"CREATE TEMPORARY TABLE {stage} ({stage_columns}) ON COMMIT DROP")
        with cursor.cursor.copy(f"COPY {stage} FROM STDIN WITH (FORMAT binary)") as copy:
            view = memoryview(payload)
            for start in range(0, len(payload), 1 << 22):
                copy.write(view[start : start + (1 << 22)])
        for name in joined:
            cursor.execute(f"CREATE TEMPORARY TABLE benchmark_text_{name} (idx bigint, value text) ON COMMIT DROP")
            with cursor.cursor.copy(f"COPY benchmark_text_{name} (idx, value) FROM STDIN") as copy:
                for index, text in enumerate(texts[name], start=1):
                    copy.write_row((index, text))
            cursor.execute(f"ANALYZE benchmark_text_{name}")
        cursor.execute(f"INSERT INTO {table} ({target_columns}) SELECT {select} FROM {stage} s {joins}", params)
        for name in (stage, *(f"benchmark_text_{column}" for column in joined)):
            cursor.execute(f"DROP TABLE pg_temp.{name}")


def insert_rows(frame: pd.DataFrame) -> None:
    """One executemany of the rows (the embedded SQLite default), with exact Decimals for the money."""
    if frame.empty:
        return
    columns = list(ROW_COLUMNS)
    converters: dict[str, Any] = {
        column: (lambda value, p=places: analytics.minor_to_decimal(None if pd.isna(value) else int(value), p))
        for column, places in _MINOR_PLACES.items()
    }
    params = [
        tuple(
            converters[column](value) if column in converters else (None if value is pd.NA else _plain(value))
            for column, value in zip(columns, record, strict=True)
        )
        for record in frame.itertuples(index=False, name=None)
    ]
    quoted = ", ".join(connection.ops.quote_name(column) for column in columns)
    placeholders = ", ".join(["%s"] * len(columns))
    table = connection.ops.quote_name(BenchmarkRow._meta.db_table)
    with connection.cursor() as cursor:
        cursor.executemany(f"INSERT INTO {table} ({quoted}) VALUES ({placeholders})", params)


def _plain(value: Any) -> Any:
    """numpy scalars as Python values for the DB driver."""
    return value.item() if isinstance(value, np.generic) else value
