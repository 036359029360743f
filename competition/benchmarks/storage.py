"""Where a run's results go: the row table (COPY on PostgreSQL, a portable insert elsewhere), summaries, cells, costs.

The row table's columns and the COPY that writes them are `competition.benchmarks.copying`.

Called by `services.benchmark_run_compute` inside the transaction that publishes the run.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd
from django.db import connection, transaction

from competition.benchmarks import analytics, partitions
from competition.benchmarks.copying import MINOR_PLACES as _MINOR_PLACES
from competition.benchmarks.copying import NULLABLE_COLUMNS as _NULLABLE_COLUMNS
from competition.benchmarks.copying import ROW_COLUMNS, copy_rows, records_insert
from competition.benchmarks.models import (
    BenchmarkBasketCost,
    BenchmarkBucketSummary,
    BenchmarkDayPrice,
    BenchmarkMatrixCell,
    BenchmarkRow,
    BenchmarkRun,
)


def benchmark_result_store(
    *, run: BenchmarkRun, result: analytics.BenchmarkResult, rows_prepared: bool = False
) -> None:
    """Write a new run's rows and its summaries, cells and baskets (in the transaction that publishes it).

    `rows_prepared`: `run_rows_prepare` already stored and indexed the rows apart; here they are attached.
    """
    if rows_prepared:
        partitions.run_partition_attach(run.pk)
    else:
        run_rows_store(run_id=run.pk, rows=result.rows)
    summaries_store(run=run, summaries=result.summaries)
    day_prices_store(run=run, day_prices=result.day_prices)
    matrix_store(run=run, matrix=result.matrix)
    baskets_store(run=run, baskets=result.baskets)


def run_rows_prepare(*, run_id: int, rows: pd.DataFrame) -> bool:
    """Store and index a new run's rows before the transaction that publishes it, where that can be; returns
    whether it did (then `benchmark_result_store(rows_prepared=True)` attaches them).

    PostgreSQL, outside any transaction: the rows are COPYed into the run's own table in a transaction
    of their own and committed unattached, which no reader sees, so its indexes can be built on
    several connections at once (`partitions.run_partition_index`). The caller drops it on a failure
    (`partitions.run_rows_drop`, as `services.benchmark_run_compute` does for any failure of the run). Inside
    a transaction (a caller's, a test's) other connections could not see the table: False, and
    `run_rows_store` does it all in that transaction.
    """
    if not partitions.rows_partitioned() or connection.in_atomic_block:
        return False
    partitions.run_partitions_unattached_drop()
    with transaction.atomic():
        _run_table_fill(run_id=run_id, rows=rows)
    partitions.run_partition_index(run_id, parallel=True)
    return True


def run_rows_store(*, run_id: int, rows: pd.DataFrame) -> None:
    """A new run's `benchmark_table_compute` rows, all of them, in the caller's transaction: on PostgreSQL COPYed
    into the run's own table, indexed and attached as its partition (`partitions`); one executemany elsewhere."""
    if not partitions.rows_partitioned():
        rows_insert(run_id=run_id, rows=rows)
        return
    _run_table_fill(run_id=run_id, rows=rows)
    partitions.run_partition_index(run_id)
    partitions.run_partition_attach(run_id)


def _run_table_fill(*, run_id: int, rows: pd.DataFrame) -> None:
    """The run's new table (`partitions.run_partition_create`) with its rows COPYed in, in the current transaction."""
    table = partitions.run_partition_create(run_id)
    if len(rows):
        copy_rows(row_frame(run_id, rows), table=table)


def rows_insert(*, run_id: int, rows: pd.DataFrame) -> None:
    """Add `benchmark_table_compute` rows to a stored run (COPY on PostgreSQL, one executemany elsewhere)."""
    if not len(rows):
        return
    frame = row_frame(run_id, rows)
    if connection.vendor == "postgresql":
        copy_rows(frame)
    else:
        insert_rows(frame)


def rows_delete(*, run_id: int, plan_ids: list[int]) -> int:
    """Delete a run's rows of these plans (one DELETE, no per-row signals: rows have none); returns the count."""
    rows = BenchmarkRow.objects.filter(run_id=run_id, plan_id__in=plan_ids)
    return int(rows._raw_delete(rows.db))


_RANK_COLUMNS: tuple[str, ...] = ("position", "rank", "per_gb_index", "rank_with_from", "per_gb_index_with_from")


def rows_rerank(*, run_id: int, bucket: str, rows: pd.DataFrame) -> int:
    """Write the positions, ranks and indexes of a bucket's stored rows that differ from `rows`; returns how many.

    `rows` are `benchmark_table_compute` rows already stored in the run (by tier id). On PostgreSQL
    they go by binary COPY into a temporary table and one UPDATE writes only the rows that differ;
    elsewhere the stored values are read and the differing rows updated in bulk.
    """
    frame = row_frame(run_id, rows).loc[:, ["tier_id", *_RANK_COLUMNS]]
    if frame.empty:
        return 0
    if connection.vendor != "postgresql":
        return _rerank_portable(run_id=run_id, bucket=bucket, frame=frame)
    stage = "benchmark_rank_stage"
    columns = ["tier_id", *_RANK_COLUMNS]
    payload = _pgcopy_int64(
        {name: frame[name].astype("Int64").to_numpy(dtype=np.int64, na_value=-1) for name in columns}
    )
    table = connection.ops.quote_name(BenchmarkRow._meta.db_table)

    def staged(name: str) -> str:
        value = f"NULLIF(s.{name}, -1)" if name in _NULLABLE_COLUMNS else f"s.{name}"
        places = _MINOR_PLACES.get(name)
        return f"{value}::numeric / {10**places}" if places else value

    targets = ", ".join(f"{name} = {staged(name)}" for name in _RANK_COLUMNS)
    stored_values = ", ".join(f"r.{name}" for name in _RANK_COLUMNS)
    staged_values = ", ".join(staged(name) for name in _RANK_COLUMNS)
    with connection.cursor() as cursor:
        cursor.execute(f"DROP TABLE IF EXISTS pg_temp.{stage}")
        cursor.execute(f"CREATE TEMPORARY TABLE {stage} ({', '.join(f'{c} bigint' for c in columns)}) ON COMMIT DROP")
        with cursor.cursor.copy(f"COPY {stage} FROM STDIN WITH (FORMAT binary)") as copy:
            copy.write(payload)
        cursor.execute(f"ANALYZE {stage}")
        cursor.execute(
            f"UPDATE {table} r SET {targets} FROM {stage} s"
            f" WHERE r.run_id = %s AND r.bucket = %s AND r.tier_id = s.tier_id"
            f" AND ({stored_values}) IS DISTINCT FROM ({staged_values})",
            [run_id, bucket],
        )
        updated = cursor.rowcount
        cursor.execute(f"DROP TABLE pg_temp.{stage}")
    return int(updated)


def _rerank_portable(*, run_id: int, bucket: str, frame: pd.DataFrame) -> int:
    wanted = {
        int(record[0]): tuple(
            None
            if pd.isna(value)
            else analytics.minor_to_decimal(int(value), _MINOR_PLACES[name])
            if name in _MINOR_PLACES
            else int(value)
            for name, value in zip(_RANK_COLUMNS, record[1:], strict=True)
        )
        for record in frame.itertuples(index=False, name=None)
    }
    changed = []
    for row in BenchmarkRow.objects.filter(run_id=run_id, bucket=bucket).only("id", "tier_id", *_RANK_COLUMNS):
        values = wanted.get(row.tier_id)
        if values is not None and values != tuple(getattr(row, name) for name in _RANK_COLUMNS):
            for name, value in zip(_RANK_COLUMNS, values, strict=True):
                setattr(row, name, value)
            changed.append(row)
    BenchmarkRow.objects.bulk_update(changed, list(_RANK_COLUMNS), batch_size=500)
    return len(changed)


def summaries_store(*, run: BenchmarkRun, summaries: pd.DataFrame) -> None:
    """A run's bucket summaries from `benchmark_table_compute`'s summary frame."""
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
            median_per_gb_exact=_fraction_text(summary["median_per_gb_exact"]),
            day_sample_count=summary["day_sample_count"],
            median_per_day_exact=_fraction_text(summary["median_per_day_exact"]),
            day_value_counts=summary["day_value_counts"],
        )
        for summary in summaries.to_dict("records")
    )


def day_prices_store(*, run: BenchmarkRun, day_prices: pd.DataFrame) -> None:
    """A run's per-day prices from `analytics.day_prices_compute` (a few thousand rows, `copying.records_insert`)."""
    columns = {
        "run_id": [run.pk] * len(day_prices),
        "bucket": day_prices["bucket"].astype(str).tolist(),
        "price_per_day_cny": [analytics.minor_to_decimal(cents) for cents in day_prices["price_per_day_cents"]],
        "price_cny": [analytics.minor_to_decimal(cents) for cents in day_prices["price_cents"]],
        "validity_days": day_prices["validity_days"].tolist(),
        "tier_count": day_prices["tier_count"].tolist(),
        "best_rank": day_prices["best_rank"].astype(object).where(day_prices["best_rank"].notna(), None).tolist(),
        "tier_id": day_prices["tier_id"].tolist(),
        "plan_id": day_prices["plan_id"].tolist(),
    }
    records_insert(BenchmarkDayPrice, list(columns), list(zip(*columns.values(), strict=True)))


def _fraction_text(value: Any) -> str:
    """An exact median as "numerator/denominator" (Fraction's own text), "" for none."""
    return "" if value is None or value is pd.NA else f"{value.numerator}/{value.denominator}"


def matrix_store(*, run: BenchmarkRun, matrix: pd.DataFrame) -> None:
    """A run's matrix cells from `province_comparison_compute`."""
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
        for cell in matrix.to_dict("records")
    )


def baskets_store(*, run: BenchmarkRun, baskets: pd.DataFrame) -> None:
    """A run's basket costs from `basket_costs_compute`."""
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
        for cost in baskets.to_dict("records")
    )


def _pgcopy_int64(columns: dict[str, np.ndarray]) -> bytes:
    """PGCOPY binary of int64 columns: signature, flags, header extension; per row a field count and
    (length, value) pairs, big-endian; then a -1 trailer."""
    count = len(next(iter(columns.values())))
    layout = [("fields", ">i2")]
    for name in columns:
        layout += [(f"{name}__len", ">i4"), (name, ">i8")]
    packed = np.empty(count, dtype=np.dtype(layout))
    packed["fields"] = len(columns)
    for name, values in columns.items():
        packed[f"{name}__len"] = 8
        packed[name] = values
    return b"PGCOPY\n\xff\r\n\x00" + (0).to_bytes(4, "big") + (0).to_bytes(4, "big") + packed.tobytes() + b"\xff\xff"


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
            "bucket": rows["bucket"],
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
            "per_gb_undefined_reason": _blank_for_missing(rows["per_gb_undefined"]),
            "price_per_day_cny": rows["price_per_day_cents"],
            "price_per_30_days_cny": rows["price_per_30_days_cents"],
            "rank": rows["rank"],
            "per_gb_index": rows["index_hundredths"],
            "rank_with_from": rows["rank_with_from"],
            "per_gb_index_with_from": rows["index_with_from_hundredths"],
            "is_promotional": rows["is_promotional"],
            "price_qualifier": pd.Categorical.from_codes(
                rows["is_from_price"].to_numpy(dtype=bool).astype(np.int8), categories=["exact", "from"]
            ),
            "confidence": rows["confidence"],
        },
        columns=list(ROW_COLUMNS),
    )


def _blank_for_missing(series: pd.Series) -> pd.Series:
    """A categorical with "" where it is missing (text columns are NOT NULL)."""
    categorical = series.astype("category")
    if "" not in categorical.cat.categories:
        categorical = categorical.cat.add_categories([""])
    return categorical.fillna("")


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
