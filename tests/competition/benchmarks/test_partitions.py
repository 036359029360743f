"""The row table's partitions on PostgreSQL: a run's rows in a table of their own, attached whole, dropped whole."""

from __future__ import annotations

import pytest
from django.db import connection

from competition.benchmarks import partitions, scheduling, services
from competition.models import BenchmarkRow, BenchmarkRun

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.skipif(connection.vendor != "postgresql", reason="the row table is partitioned on PostgreSQL only"),
]


def _partitions() -> dict[str, str]:
    """Each partition of the row table and its bound."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT c.relname, pg_get_expr(c.relpartbound, c.oid) FROM pg_inherits i"
            " JOIN pg_class c ON c.oid = i.inhrelid WHERE i.inhparent = 'competition_benchmarkrow'::regclass"
        )
        return dict(cursor.fetchall())


def _indexes_attached(table: str) -> set[str]:
    """The parent indexes that an index of `table` is attached to."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT parent.relname FROM pg_index i JOIN pg_inherits h ON h.inhrelid = i.indexrelid"
            " JOIN pg_class parent ON parent.oid = h.inhparent WHERE i.indrelid = %s::regclass",
            [table],
        )
        return {name for (name,) in cursor.fetchall()}


def test_a_full_run_stores_its_rows_in_a_partition_of_its_own(seed):
    run = scheduling.benchmarks_recompute(trigger="test")
    name = partitions.partition_name(run.pk)
    assert _partitions()[name] == f"FOR VALUES IN ('{run.pk}')"
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT count(*) FROM {name}")
        assert cursor.fetchone() == (21,)
    assert BenchmarkRow.objects.filter(run=run).count() == 21


def test_a_runs_partition_has_each_index_of_the_row_table(seed):
    run = scheduling.benchmarks_recompute(trigger="test")
    expected = {index.name for index in BenchmarkRow._meta.indexes} | {"competition_benchmarkrow_pkey"}
    assert _indexes_attached(partitions.partition_name(run.pk)) == expected


def test_an_attached_partition_has_statistics_of_the_columns_readers_filter_on_only(seed):
    run = scheduling.benchmarks_recompute(trigger="test")
    with connection.cursor() as cursor:
        cursor.execute("SELECT attname FROM pg_stats WHERE tablename = %s", [partitions.partition_name(run.pk)])
        analysed = {name for (name,) in cursor.fetchall()}
    assert analysed == set(partitions.ANALYZED_COLUMNS)


def test_rows_written_one_by_one_for_a_run_without_a_partition_go_to_the_default_one():
    run = BenchmarkRun.objects.create(methodology_version="test")
    BenchmarkRow.objects.create(
        run=run, bucket="1-7", position=1, tier_id=1, plan_id=1, branch_id=1, operator_code="cmcc",
        province_code="31", branch_name_zh="上海移动", plan_name_zh="测试", validity_days=7,
        price_cny="10.00", price_per_day_cny="1.43", price_per_30_days_cny="42.86", confidence="high",
    )  # fmt: skip
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT run_id FROM {partitions.DEFAULT_PARTITION}")
        assert cursor.fetchall() == [(run.pk,)]


def test_pruning_a_run_drops_its_partition(seed, settings):
    first = scheduling.benchmarks_recompute(trigger="test")
    second = scheduling.benchmarks_recompute(trigger="test")
    assert services.benchmark_runs_prune(keep=1) == 1
    names = _partitions()
    assert partitions.partition_name(first.pk) not in names
    assert partitions.partition_name(second.pk) in names
    assert not BenchmarkRow.objects.filter(run_id=first.pk).exists()


def test_a_table_left_under_a_new_runs_name_is_replaced(seed):
    with connection.cursor() as cursor:
        cursor.execute("SELECT last_value + is_called::int FROM competition_benchmarkrun_id_seq")
        (next_id,) = cursor.fetchone()
        cursor.execute(f"CREATE TABLE {partitions.partition_name(next_id)} (left_over int)")
    run = scheduling.benchmarks_recompute(trigger="test")
    assert run.pk == next_id
    assert BenchmarkRow.objects.filter(run=run).count() == 21


def _table_exists(name: str) -> bool:
    with connection.cursor() as cursor:
        cursor.execute("SELECT to_regclass(%s) IS NOT NULL", [name])
        return bool(cursor.fetchone()[0])


@pytest.mark.django_db(transaction=True)
def test_a_run_outside_a_transaction_indexes_its_rows_apart_then_attaches_them(seed, monkeypatch):
    built = []
    index = partitions.run_partition_index
    monkeypatch.setattr(
        partitions, "run_partition_index", lambda run_id, **kwargs: built.append(kwargs) or index(run_id, **kwargs)
    )
    run = services.benchmark_run_compute(trigger="test")
    assert built == [{"parallel": True}]  # on connections of their own: the table was committed unattached
    assert _partitions()[partitions.partition_name(run.pk)] == f"FOR VALUES IN ('{run.pk}')"
    expected = {index.name for index in BenchmarkRow._meta.indexes} | {"competition_benchmarkrow_pkey"}
    assert _indexes_attached(partitions.partition_name(run.pk)) == expected
    assert BenchmarkRow.objects.filter(run=run).count() == 21


@pytest.mark.django_db(transaction=True)
def test_a_publish_that_fails_drops_the_rows_prepared_for_it(seed, monkeypatch):
    from competition.benchmarks import storage

    def broken(**kwargs):
        raise RuntimeError("summaries refused")

    monkeypatch.setattr(storage, "summaries_store", broken)
    with pytest.raises(RuntimeError, match="summaries refused"):
        services.benchmark_run_compute(trigger="test")
    run = BenchmarkRun.objects.get()
    assert run.status == BenchmarkRun.Status.FAILED
    assert not _table_exists(partitions.partition_name(run.pk))
    assert not BenchmarkRow.objects.exists()


@pytest.mark.django_db(transaction=True)
def test_tables_a_dead_run_left_unattached_are_dropped_but_a_running_runs_are_kept():
    dead = BenchmarkRun.objects.create(methodology_version="test", status=BenchmarkRun.Status.FAILED)
    running = BenchmarkRun.objects.create(methodology_version="test", status=BenchmarkRun.Status.RUNNING)
    for run in (dead, running):
        partitions.run_partition_create(run.pk)
    assert partitions.run_partitions_unattached_drop() == [dead.pk]
    assert not _table_exists(partitions.partition_name(dead.pk))
    assert _table_exists(partitions.partition_name(running.pk))
    partitions.run_rows_drop([running.pk])
