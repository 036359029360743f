"""The rows COPY: the CSV it streams, chunk by chunk, and what PostgreSQL stores from it."""

from __future__ import annotations

import csv
import io
import re

import psycopg
import pytest
from django.db import connection, transaction

from competition.benchmarks import analytics, copying, inputs, storage
from competition.models import BenchmarkRow, BenchmarkRun

pytestmark = pytest.mark.django_db


def _rows(seed):
    return storage.row_frame(7, analytics.benchmarks_compute(inputs.benchmark_input_frame()).rows)


def test_chunks_concatenate_to_the_csv_of_all_rows_at_once(seed):
    frame = _rows(seed)
    chunks = list(copying.rows_csv_chunks(frame, chunk_rows=4))
    assert len(chunks) == 6  # 21 rows, 4 a chunk
    assert b"".join(chunks) == b"".join(copying.rows_csv_chunks(frame, chunk_rows=1000))
    assert b"".join(chunks).count(b"\n") == 21


def test_money_is_written_as_exact_decimal_text(seed):
    records = [dict(zip(copying.ROW_COLUMNS, record, strict=True)) for record in csv.reader(io.StringIO(_csv(seed)))]
    assert {"100.00", "90.00", "79.00", "70.00"} <= {record["price_cny"] for record in records}
    assert all(record["data_gb"] == "" or re.fullmatch(r"\d+\.\d{3}", record["data_gb"]) for record in records)
    assert all(re.fullmatch(r"\d+\.\d{2}", record["price_per_day_cny"]) for record in records)


def _csv(seed) -> str:
    return copying.rows_csv(_rows(seed)).decode()


def test_a_copy_in_several_chunks_stores_every_row(seed, monkeypatch):
    monkeypatch.setattr(copying, "CHUNK_ROWS", 5)
    run = BenchmarkRun.objects.create(methodology_version="test")
    result = analytics.benchmarks_compute(inputs.benchmark_input_frame())
    copying.copy_rows(storage.row_frame(run.pk, result.rows))
    stored = set(BenchmarkRow.objects.filter(run=run).values_list("bucket", "position", "tier_id"))
    computed = result.rows[["bucket", "position", "tier_id"]].astype({"bucket": str}).itertuples(index=False)
    assert stored == {tuple(row) for row in computed}
    assert len(stored) == 21


def test_a_failing_copy_raises_and_stores_nothing(seed, monkeypatch):
    frame = _rows(seed)
    frame["validity_days"] = -1  # the row table's check constraint refuses it
    run = BenchmarkRun.objects.create(methodology_version="test")
    frame["run_id"] = run.pk
    monkeypatch.setattr(copying, "CHUNK_ROWS", 5)
    with pytest.raises(psycopg.errors.CheckViolation), transaction.atomic():
        copying.copy_rows(frame)
    assert not BenchmarkRow.objects.filter(run=run).exists()


@pytest.mark.skipif(connection.vendor != "postgresql", reason="planner statistics are PostgreSQL's")
def test_a_full_run_leaves_its_rows_partition_with_statistics_that_count_its_rows(seed):
    from competition.benchmarks import partitions, scheduling

    run = scheduling.benchmarks_recompute(trigger="test")
    with connection.cursor() as cursor:
        cursor.execute("SELECT reltuples FROM pg_class WHERE relname = %s", [partitions.partition_name(run.pk)])
        (estimated,) = cursor.fetchone()
    assert run.row_count == 21
    assert estimated == 21
