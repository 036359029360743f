"""The row table on PostgreSQL: one partition per run, written whole and dropped whole.

`competition_benchmarkrow` is partitioned by list of `run_id` there (migration 0019). A full run's
rows go into a table of their own (`run_partition_create`): COPY into it with no index to maintain
(and FREEZE, so no reader later rewrites its pages to set hint bits), then its indexes are built in
bulk, one sorted pass each (`run_partition_index`), then the publishing transaction attaches it as the
run's partition (`run_partition_attach`). Run outside any transaction, the table is committed before
it is indexed, unattached and so unseen, and its indexes are built on several connections at once
(`storage.run_rows_prepare`). Maintaining the indexes row by row while copying 884k rows into a table
that held earlier runs cost more than half of a full recompute. Deleting a run drops its partition
(`run_rows_drop`, from a pre_delete receiver): one DROP TABLE instead of a DELETE of its rows; a table
a dead run left unattached is dropped by the next run (`run_partitions_unattached_drop`).

Rows of a run without a partition of its own (written row by row, as a test's factory does) go to the
default partition. Elsewhere (the embedded SQLite default) the table is a plain table and every
function here but `rows_partitioned` does nothing.
"""

from __future__ import annotations

from collections.abc import Iterable
from concurrent.futures import ThreadPoolExecutor

from django.conf import settings
from django.db import connection

from competition.benchmarks.models import BenchmarkRow, BenchmarkRun

# Also written in migration 0019, which made the partitions of the runs stored before it.
PARTITION_PREFIX = "competition_benchmarkrow_run_"
DEFAULT_PARTITION = "competition_benchmarkrow_default"
# The columns whose statistics a run's partition gets when attached: those the pages, the API, the analyser
# and a patch filter, sort or group on.
ANALYZED_COLUMNS: tuple[str, ...] = (
    "id",
    "bucket",
    "position",
    "tier_id",
    "plan_id",
    "province_code",
    "operator_code",
    "price_cny",
    "data_gb",
    "price_per_gb_cny",
    "rank",
    "rank_with_from",
    "is_promotional",
    "price_qualifier",
)


def rows_partitioned() -> bool:
    """Whether the row table is partitioned by run (PostgreSQL)."""
    return connection.vendor == "postgresql"


def partition_name(run_id: int) -> str:
    """The table that holds a run's rows."""
    return f"{PARTITION_PREFIX}{int(run_id)}"


def run_partition_create(run_id: int) -> str:
    """A new, empty, unattached table for a run's rows, shaped as the row table; returns its quoted name.

    A table left by an earlier run of the same id (ids restart when a test database is flushed) is
    dropped first. COPY into it with FREEZE in the same transaction.
    """
    quote = connection.ops.quote_name
    parent, table = quote(BenchmarkRow._meta.db_table), quote(partition_name(run_id))
    with connection.cursor() as cursor:
        cursor.execute(f"DROP TABLE IF EXISTS {table}")
        # INCLUDING DEFAULTS: the id comes from the parent's sequence; CONSTRAINTS: ATTACH wants the parent's CHECKs.
        cursor.execute(
            f"CREATE TABLE {table} (LIKE {parent} INCLUDING DEFAULTS INCLUDING CONSTRAINTS,"
            f" CONSTRAINT {quote(partition_name(run_id) + '_run')} CHECK (run_id = {int(run_id)}))"
        )
    return table


def run_partition_index(run_id: int, *, parallel: bool = False) -> None:
    """Build the indexes of a run's new table: each of the row table's, so ATTACH adopts them instead of building.

    `parallel`: the table is committed (not yet attached, so no reader sees it): the builds share
    BENCHMARK_INDEX_BUILD_CONNECTIONS connections of their own, one build each at a time, the
    largest first. Several single-process builds keep every core busy through a build's whole scan
    and sort; one build with parallel workers leaves them idle in its serial parts (measured at 884k
    rows on two cores: 3.2 s against 4.9 s). Otherwise they run here, in the caller's transaction.
    """
    statements = _index_statements(run_id)
    if not parallel:
        with connection.cursor() as cursor:
            # Sorting in memory, and a parallel build where the server allows one, need more than the default 64MB.
            cursor.execute("SET LOCAL maintenance_work_mem = %s", [settings.BENCHMARK_INDEX_BUILD_MEMORY])
            for statement in statements:
                cursor.execute(statement)
        return
    with ThreadPoolExecutor(max_workers=settings.BENCHMARK_INDEX_BUILD_CONNECTIONS) as builders:
        for built in [builders.submit(_index_build, statement) for statement in statements]:
            built.result()


def _index_build(statement: str) -> None:
    """One index build on this thread's own connection (autocommit), closed after."""
    try:
        with connection.cursor() as cursor:
            cursor.execute("SET maintenance_work_mem = %s", [settings.BENCHMARK_INDEX_BUILD_MEMORY])
            cursor.execute("SET max_parallel_maintenance_workers = 0")
            cursor.execute(statement)
    finally:
        connection.close()


def _index_statements(run_id: int) -> list[str]:
    """The row table's indexes as statements on a run's table, the widest first (the longest builds)."""
    quote = connection.ops.quote_name
    parent_name, name = BenchmarkRow._meta.db_table, partition_name(run_id)
    table = quote(name)
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT c.relname, i.indisprimary, i.indnatts, pg_get_indexdef(i.indexrelid) FROM pg_index i"
            " JOIN pg_class c ON c.oid = i.indexrelid WHERE i.indrelid = %s::regclass"
            " ORDER BY i.indnatts DESC, c.relname",
            [parent_name],
        )
        indexes = cursor.fetchall()
    statements = []
    for index_name, is_primary, _columns, definition in indexes:
        # "CREATE [UNIQUE] INDEX name ON ONLY public.parent USING btree (...) ...": the same on the run's table.
        _head, method_and_columns = definition.split(" USING ", 1)
        if is_primary:
            keys = method_and_columns.split("(", 1)[1].rsplit(")", 1)[0]
            statements.append(f"ALTER TABLE {table} ADD CONSTRAINT {quote(name + '_pkey')} PRIMARY KEY ({keys})")
            continue
        unique = "UNIQUE " if definition.startswith("CREATE UNIQUE ") else ""
        statements.append(
            f"CREATE {unique}INDEX {quote(_index_name(name, index_name))} ON {table} USING {method_and_columns}"
        )
    return statements


def run_partition_attach(run_id: int) -> None:
    """Attach a run's indexed table as its partition and ANALYZE it (in the transaction that publishes the run).

    Its CHECK on the run id spares ATTACH the scan that would prove the bound; its indexes match the
    parent's, so ATTACH builds none.
    """
    quote = connection.ops.quote_name
    table = quote(partition_name(run_id))
    with connection.cursor() as cursor:
        cursor.execute(
            f"ALTER TABLE {quote(BenchmarkRow._meta.db_table)} ATTACH PARTITION {table} FOR VALUES IN ({int(run_id)})"
        )
        # The new partition's own statistics, which plans pruned to it use (the parent's take every partition):
        # of the columns that readers filter, sort and join on (all of them cost twice as long).
        columns = ", ".join(quote(column) for column in ANALYZED_COLUMNS)
        cursor.execute(f"ANALYZE {table} ({columns})")


def run_partitions_unattached() -> set[int]:
    """The runs whose rows' table exists but was never attached (being prepared, or left by a failure)."""
    if not rows_partitioned():
        return set()
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT c.relname FROM pg_class c WHERE c.relkind = 'r' AND c.relname LIKE %s"
            " AND NOT EXISTS (SELECT 1 FROM pg_inherits i WHERE i.inhrelid = c.oid)",
            [PARTITION_PREFIX.replace("_", r"\_") + "%"],
        )
        return {int(name.removeprefix(PARTITION_PREFIX)) for (name,) in cursor.fetchall()}


def run_partitions_unattached_drop() -> list[int]:
    """Drop the run tables never attached whose run is not running (a run that failed or whose process died
    between preparing its rows and publishing them); returns their run ids. Called under the recompute lease."""
    found = run_partitions_unattached()
    running = set(
        BenchmarkRun.objects.filter(pk__in=found, status=BenchmarkRun.Status.RUNNING).values_list("pk", flat=True)
    )
    left = sorted(found - running)
    run_rows_drop(left)
    return left


def _index_name(table: str, parent_index: str) -> str:
    """A partition's index: the parent index's name and the run, within PostgreSQL's 63 bytes."""
    suffix = table.removeprefix(PARTITION_PREFIX)
    return f"{parent_index[: 62 - len(suffix)]}_{suffix}"


def run_rows_drop(run_ids: Iterable[int]) -> None:
    """Drop the partitions of these runs (their rows), where they have one."""
    if not rows_partitioned():
        return
    with connection.cursor() as cursor:
        for run_id in run_ids:
            cursor.execute(f"DROP TABLE IF EXISTS {connection.ops.quote_name(partition_name(run_id))}")
