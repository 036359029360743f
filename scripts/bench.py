#!/usr/bin/env python
"""`make bench`: how fast the benchmarks recompute, against a DuckDB reference and a naive ORM loop.

In one throwaway PostgreSQL database (default `bench_telecom`, created and dropped here; the
dev database and fixtures/ are never touched), for each size it generates synthetic tiers with
`manage.py generate_synthetic --tiers N` and measures, each in a fresh process:

  (a) recompute: the real service (`competition.benchmarks.scheduling.benchmarks_recompute`): read the
      current tiers, compute with pandas, store the run; with its read/compute/store split and
      the process's peak RSS;
  (b) reference: the same rows COPYed out of PostgreSQL, the same computation in DuckDB SQL
      (per-GB, per-day, per-30-days, buckets, ranks, medians, indices, matrix, baskets), and the
      results COPYed back into the same tables;
  (c) naive: a per-row ORM loop (related objects fetched per tier, one INSERT per row, then one
      UPDATE per row for rank and index), at the smallest size only.

It prints the figures and ratios and writes them, with the machine, to docs/benchmarks.md.

    python scripts/bench.py [--sizes 10000,100000,1000000] [--naive 10000] [--keep] [--output FILE]
"""

from __future__ import annotations

import argparse
import datetime
import json
import os
import platform
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import TYPE_CHECKING, Any, cast

if TYPE_CHECKING:
    from django.db.backends.postgresql.operations import DatabaseOperations as PostgresOperations
    from django.db.models import Field, Model

ROOT = Path(__file__).resolve().parent.parent
PYTHON = sys.executable
ADMIN_URL = os.environ.get("BENCH_ADMIN_DATABASE_URL", "postgresql://postgres@127.0.0.1:5432/postgres")


# --------------------------------------------------------------------------- orchestration


def database_url(name: str) -> str:
    base = ADMIN_URL.rsplit("/", 1)[0]
    return f"{base}/{name}"


def admin_execute(statement: str) -> None:
    import psycopg

    with psycopg.connect(ADMIN_URL, autocommit=True) as connection:
        connection.execute(statement)


def child_env(database: str) -> dict[str, str]:
    env = dict(os.environ)
    env.update(
        {
            "DATABASE_URL": database_url(database),
            "DJANGO_SETTINGS_MODULE": "config.settings.local",
            "CELERY_BROKER_URL": "",
            "LOG_LEVEL": "WARNING",
            "PYTHONPATH": str(ROOT),
        }
    )
    return env


def run(args: list[str], env: dict[str, str]) -> str:
    result = subprocess.run(args, cwd=ROOT, env=env, capture_output=True, text=True, check=False)
    if result.returncode:
        sys.stderr.write(result.stdout + result.stderr)
        raise SystemExit(f"failed: {' '.join(args)}")
    return result.stdout


def measure(kind: str, env: dict[str, str]) -> dict[str, Any]:
    output = run([PYTHON, __file__, "measure", kind], env)
    return json.loads(output.strip().splitlines()[-1])


def machine() -> dict[str, str]:
    cpu = "unknown"
    with open("/proc/cpuinfo", encoding="utf-8") as handle:
        for line in handle:
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    memory = "unknown"
    with open("/proc/meminfo", encoding="utf-8") as handle:
        for line in handle:
            if line.startswith("MemTotal"):
                memory = f"{int(line.split()[1]) / 1024 / 1024:.1f} GiB"
                break
    import duckdb
    import numpy
    import pandas
    import psycopg

    with psycopg.connect(ADMIN_URL) as connection:
        version = connection.execute("SHOW server_version").fetchone()
    assert version is not None  # SHOW always answers one row
    postgres = version[0]
    return {
        "cpu": cpu,
        "cores": str(os.cpu_count()),
        "memory": memory,
        "os": f"{platform.system()} {platform.release()}",
        "python": platform.python_version(),
        "postgresql": postgres,
        "pandas": pandas.__version__,
        "numpy": numpy.__version__,
        "duckdb": duckdb.__version__,
        "load": " / ".join(f"{value:.1f}" for value in os.getloadavg()),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sizes", default="10000,100000,1000000", help="Comma-separated tier counts.")
    parser.add_argument("--naive", type=int, default=10000, help="Tier count for the naive ORM loop (0 skips it).")
    parser.add_argument("--database", default="bench_telecom", help="Throwaway database to create and drop.")
    parser.add_argument("--repeat", type=int, default=2, help="Runs per measurement below 1M tiers (best kept).")
    parser.add_argument("--keep", action="store_true", help="Keep the database afterwards.")
    parser.add_argument("--output", default=str(ROOT / "docs" / "benchmarks.md"), help="Markdown report to write.")
    args = parser.parse_args()
    if "bench" not in args.database:
        raise SystemExit("the benchmark database's name must contain 'bench'")
    sizes = [int(size) for size in args.sizes.split(",") if size]
    env = child_env(args.database)
    started = datetime.datetime.now(datetime.UTC)
    info = machine()
    print(f"machine: {info}", flush=True)
    admin_execute(f'DROP DATABASE IF EXISTS "{args.database}"')
    admin_execute(f'CREATE DATABASE "{args.database}"')
    results: list[dict[str, Any]] = []
    naive: dict[str, Any] | None = None
    try:
        run([PYTHON, "manage.py", "migrate", "--noinput", "-v0"], env)
        for size in sorted(sizes):
            generated = time.perf_counter()
            run([PYTHON, "manage.py", "generate_synthetic", "--tiers", str(size), "--replace"], env)
            print(f"{size:>9} tiers generated in {time.perf_counter() - generated:.1f} s", flush=True)
            repeat = 1 if size >= 1_000_000 else args.repeat
            recompute = min((measure("recompute", env) for _ in range(repeat)), key=lambda r: r["total"])
            reference = min((measure("duckdb", env) for _ in range(repeat)), key=lambda r: r["total"])
            result = {"tiers": size, "recompute": recompute, "duckdb": reference}
            print(
                f"{size:>9} tiers: recompute {recompute['total']:.2f} s ({recompute['rows']} rows, "
                f"peak RSS {recompute['peak_rss_mb']:.0f} MB), DuckDB reference {reference['total']:.2f} s, "
                f"ratio {recompute['total'] / reference['total']:.2f}x",
                flush=True,
            )
            if args.naive and size == args.naive:
                naive = measure("naive", env)
                result["naive"] = naive
                print(f"{size:>9} tiers: naive ORM loop {naive['total']:.1f} s ({naive['rows']} rows)", flush=True)
            results.append(result)
    finally:
        if not args.keep:
            admin_execute(f'DROP DATABASE IF EXISTS "{args.database}"')
    info["load_after"] = " / ".join(f"{value:.1f}" for value in os.getloadavg())
    report = render(results, naive, info, started)
    Path(args.output).write_text(report, encoding="utf-8")
    print(report.split("## Results", 1)[1].split("## How", 1)[0])
    print(f"written to {args.output}")


# --------------------------------------------------------------------------- report


def render(results: list[dict[str, Any]], naive: dict[str, Any] | None, info: dict[str, str], started: Any) -> str:
    lines = [
        "# Benchmark recompute performance",
        "",
        "Written by `make bench` (`scripts/bench.py`); rerun it to refresh these figures.",
        f"Measured {started:%Y-%m-%d %H:%M} UTC.",
        "",
        "## Machine",
        "",
        f"- CPU: {info['cpu']}, {info['cores']} cores",
        f"- Memory: {info['memory']}",
        f"- OS: {info['os']}; Python {info['python']}; PostgreSQL {info['postgresql']} (local, default settings)",
        f"- pandas {info['pandas']}, numpy {info['numpy']}, DuckDB {info['duckdb']}",
        f"- Load average (1/5/15 min) before: {info['load']}, after: {info['load_after']}. The machine is shared;",
        "  other work running at the same time slows every column alike, so compare ratios more than seconds.",
        "",
        "## Results",
        "",
        "Times in seconds, wall clock, each in a fresh process; read / compute / store split in brackets.",
        "",
        "| tiers generated | benchmarked rows | (a) recompute | (b) DuckDB reference | (a) / (b) | peak RSS of (a) |",
        "|---:|---:|---|---|---:|---:|",
    ]
    for result in results:
        a, b = result["recompute"], result["duckdb"]
        lines.append(
            f"| {result['tiers']:,} | {a['rows']:,} | {a['total']:.2f} ({a['read']:.2f} / {a['compute']:.2f} / "
            f"{a['store']:.2f}) | {b['total']:.2f} ({b['read']:.2f} / {b['compute']:.2f} / {b['store']:.2f}) | "
            f"{a['total'] / b['total']:.2f}x | {a['peak_rss_mb']:.0f} MB |"
        )
    lines.append("")
    if naive:
        per_row_naive = naive["total"] / naive["rows"]
        lines += [
            f"(c) naive per-row ORM loop at {naive['rows']:,} rows: {naive['total']:.1f} s "
            f"= {per_row_naive * 1e6:,.0f} µs per row ({naive['queries']:,} queries).",
            "",
            "| tiers | (a) µs per row | (c) µs per row | (c) / (a) per row |",
            "|---:|---:|---:|---:|",
        ]
        for result in results:
            a = result["recompute"]
            per_row = a["total"] / max(a["rows"], 1)
            lines.append(
                f"| {result['tiers']:,} | {per_row * 1e6:,.1f} | {per_row_naive * 1e6:,.0f} "
                f"| {per_row_naive / per_row:,.0f}x |"
            )
        lines.append("")
    largest = results[-1] if results else None
    if largest:
        a, b = largest["recompute"], largest["duckdb"]
        lines += [
            "Targets (issue 4):",
            "",
            f"- (a) within 2x of (b) at the largest size ({largest['tiers']:,}): "
            f"{a['total'] / b['total']:.2f}x, {'met' if a['total'] <= 2 * b['total'] else 'NOT met'}.",
        ]
        if naive:
            per_row = a["total"] / max(a["rows"], 1)
            lines.append(
                f"- (a) at least 50x faster than (c) per row: {naive['total'] / naive['rows'] / per_row:,.0f}x, "
                f"{'met' if naive['total'] / naive['rows'] >= 50 * per_row else 'NOT met'}."
            )
        lines.append(
            f"- peak RSS of (a) under 2 GB: {a['peak_rss_mb']:.0f} MB, "
            f"{'met' if a['peak_rss_mb'] < 2048 else 'NOT met'}."
        )
        lines.append("")
    lines += [
        "## How it is measured",
        "",
        "- Data: `manage.py generate_synthetic --tiers N` into the throwaway database `bench_telecom` (created",
        "  and dropped by the script): all 31 provinces x 4 operators, 1-8 validities per plan (7 and 30 days",
        "  most common), data growing with validity, log-normal per-GB prices around 3 CNY, 3% unknown data,",
        "  1% unlimited, 1% promotional, 10% inferred, 5% superseded tiers, 4% perk packs, 2% withdrawn plans.",
        "  Benchmarked rows are the tiers the selector keeps (current tiers of visitor data plans on sale).",
        "- (a) calls `competition.benchmarks.scheduling.benchmarks_recompute` as the Celery task and the CLI do",
        "  (lease, read, compute, store, publish). Read: the selector's `.values()` query streamed with COPY into",
        "  pandas. Compute: `competition.benchmarks.analytics` (integer cents and milli-GB, exact ranks and medians).",
        "  Store: rows by binary COPY into a staging table and one INSERT ... SELECT, then summaries,",
        "  matrix cells and basket costs, in one transaction.",
        "- (b) runs the same query with COPY TO a CSV file, loads it into an in-memory DuckDB, computes the",
        "  same columns in SQL (window functions for ranks and positions, `median`, `QUALIFY` for matrix",
        "  cells and baskets), writes CSV and COPYs it into the same tables in one transaction.",
        "- (c) iterates over the tiers with the ORM, fetching plan, branch, operator and province per tier,",
        "  computes with `plans.pricing`, saves one row at a time, then ranks and indexes each row with one",
        "  UPDATE each, inside one transaction.",
        "- Peak RSS is the measuring process's `ru_maxrss` (Django and pandas loaded, so about 100 MB is fixed).",
        "",
    ]
    return "\n".join(lines)


# --------------------------------------------------------------------------- measurements (child processes)


def _setup_django() -> None:
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()


def _truncate_results() -> None:
    from django.db import connection

    from competition.models import BenchmarkRun

    # A reverse relation's related_model is always a class; the stubs also allow "self".
    tables = [
        cast("type[Model]", related.related_model)._meta.db_table for related in BenchmarkRun._meta.related_objects
    ]
    with connection.cursor() as cursor:
        cursor.execute(f"TRUNCATE {', '.join([*tables, BenchmarkRun._meta.db_table])}")
        cursor.execute("CHECKPOINT")


def _peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def measure_recompute() -> dict[str, Any]:
    from competition.benchmarks import analytics, inputs, scheduling, storage

    _truncate_results()
    phases: dict[str, float] = {"read": 0.0, "compute": 0.0, "store": 0.0}

    def timed(name: str, function: Any) -> Any:
        def wrapper(*args: Any, **kwargs: Any) -> Any:
            began = time.perf_counter()
            try:
                return function(*args, **kwargs)
            finally:
                phases[name] += time.perf_counter() - began

        return wrapper

    inputs.benchmark_input_frame = timed("read", inputs.benchmark_input_frame)
    analytics.benchmarks_compute = timed("compute", analytics.benchmarks_compute)
    storage.benchmark_result_store = timed("store", storage.benchmark_result_store)
    began = time.perf_counter()
    run = scheduling.benchmarks_recompute(trigger="bench")
    total = time.perf_counter() - began
    assert run is not None  # nothing else holds the lease in the throwaway database
    return {"total": total, **phases, "rows": run.row_count, "peak_rss_mb": _peak_rss_mb()}


DUCKDB_COMPUTE = """
CREATE TABLE p AS
WITH b AS (
    SELECT *,
        CASE WHEN validity_days <= 7 THEN '1-7' WHEN validity_days <= 14 THEN '8-14'
             WHEN validity_days <= 29 THEN '15-29' ELSE '30+' END AS bucket,
        CASE WHEN data_unlimited THEN 'data_unlimited' WHEN data_mgb IS NULL THEN 'data_unknown'
             WHEN data_mgb = 0 THEN 'data_zero' ELSE '' END AS reason
    FROM t
)
SELECT *,
    reason = '' AS defined,
    reason = '' AND NOT is_promotional AS ranked,
    CASE WHEN reason = '' THEN (2000 * price_cents + data_mgb) // (2 * data_mgb) END AS per_gb_cents,
    CASE WHEN reason = '' THEN price_cents * 10.0 / data_mgb END AS per_gb,
    (2 * price_cents + validity_days) // (2 * validity_days) AS per_day_cents,
    (60 * price_cents + validity_days) // (2 * validity_days) AS per_30_cents,
    price_cents * 1.0 / validity_days AS per_day
FROM b;

CREATE TABLE m AS
SELECT bucket, median(per_gb) AS med, min(per_gb_cents) AS lo, max(per_gb_cents) AS hi, count(*) AS n
FROM p WHERE ranked GROUP BY bucket;

CREATE TABLE r AS
SELECT p.*,
    CASE WHEN ranked THEN rank() OVER (PARTITION BY bucket, ranked ORDER BY per_gb) END AS rnk,
    row_number() OVER (PARTITION BY bucket ORDER BY defined DESC, per_gb, price_cents, tier_id) AS position,
    CASE WHEN defined AND m.med > 0 THEN round(100 * p.per_gb / m.med, 2) END AS idx
FROM p LEFT JOIN m USING (bucket);

CREATE TABLE cells AS
SELECT bucket, metric, province_code, operator_code, value_cents, n, tier_id, plan_id, branch_name_zh,
       plan_name_zh, validity_days, price_cents
FROM (
    SELECT *, 'per_gb' AS metric, per_gb_cents AS value_cents, count(*) OVER w AS n
    FROM p WHERE ranked
    WINDOW w AS (PARTITION BY bucket, province_code, operator_code)
    QUALIFY row_number() OVER (PARTITION BY bucket, province_code, operator_code
                               ORDER BY per_gb, price_cents, tier_id) = 1
    UNION ALL
    SELECT *, 'per_day', per_day_cents, count(*) OVER w
    FROM p WHERE NOT is_promotional
    WINDOW w AS (PARTITION BY bucket, province_code, operator_code)
    QUALIFY row_number() OVER (PARTITION BY bucket, province_code, operator_code
                               ORDER BY per_day, price_cents, tier_id) = 1
    UNION ALL
    SELECT *, 'per_30_days', per_30_cents, count(*) OVER w
    FROM p WHERE NOT is_promotional
    WINDOW w AS (PARTITION BY bucket, province_code, operator_code)
    QUALIFY row_number() OVER (PARTITION BY bucket, province_code, operator_code
                               ORDER BY per_day, price_cents, tier_id) = 1
);

CREATE TABLE baskets AS
WITH profile(slug, days, need_mgb, dom, intl) AS (
    VALUES ('week-light', 7, 5000, 30, 10), ('week-data', 7, 20000, 30, 0),
           ('fortnight', 15, 30000, 100, 30), ('month', 30, 50000, 200, 60)
), candidates AS (
    SELECT t.*, profile.*, (days + validity_days - 1) // validity_days AS repeats
    FROM t CROSS JOIN profile WHERE NOT is_promotional
), covering AS (
    SELECT *, repeats * price_cents AS cost_cents FROM candidates
    WHERE (need_mgb = 0 OR data_unlimited OR (data_mgb IS NOT NULL AND repeats * data_mgb >= need_mgb))
      AND (dom = 0 OR (domestic_voice_min IS NOT NULL AND repeats * domestic_voice_min >= dom))
      AND (intl = 0 OR (intl_voice_min IS NOT NULL AND repeats * intl_voice_min >= intl))
)
SELECT slug, province_code, operator_code, cost_cents, repeats, count(*) OVER w AS n, tier_id, plan_id,
       branch_name_zh, plan_name_zh, validity_days, price_cents
FROM covering
WINDOW w AS (PARTITION BY slug, province_code, operator_code)
QUALIFY row_number() OVER (PARTITION BY slug, province_code, operator_code ORDER BY cost_cents, tier_id) = 1;
"""


def _money(column: str, places: int = 2) -> str:
    unit = 10**places
    return (
        f"CASE WHEN {column} IS NULL THEN NULL ELSE printf('%d.%0{places}d', {column} // {unit}, {column} % {unit}) END"
    )


def measure_duckdb() -> dict[str, Any]:
    import duckdb
    from django.db import connection, transaction
    from django.utils import timezone

    from competition.benchmarks import analytics, inputs
    from competition.benchmarks.storage import ROW_COLUMNS
    from competition.models import (
        BenchmarkBasketCost,
        BenchmarkBucketSummary,
        BenchmarkMatrixCell,
        BenchmarkRow,
        BenchmarkRun,
    )

    _truncate_results()
    workdir = Path(tempfile.mkdtemp(prefix="bench-duckdb-"))
    began = time.perf_counter()
    # Read: the selector's own query, COPYed out as CSV.
    source = workdir / "tiers.csv"
    sql, params = inputs.benchmark_input_queryset().query.sql_with_params()
    # connection.ops is typed as the base class; compose_sql is PostgreSQL's own.
    statement = cast("PostgresOperations", connection.ops).compose_sql(sql, params)
    with (
        source.open("wb") as handle,
        connection.cursor() as cursor,
        cursor.cursor.copy(f"COPY ({statement}) TO STDOUT WITH CSV") as copy,
    ):
        while data := copy.read():
            handle.write(data)
    duck = duckdb.connect()
    types = {
        "Int64": "BIGINT",
        "int64": "BIGINT",
        "bool": "BOOLEAN",
        "category": "VARCHAR",
    }
    columns = ", ".join(f"'{name}': '{types[dtype]}'" for name, dtype in analytics.INPUT_DTYPES.items())
    duck.execute(f"CREATE TABLE t AS SELECT * FROM read_csv('{source}', header=false, columns={{{columns}}})")
    read = time.perf_counter() - began

    began = time.perf_counter()
    duck.execute(DUCKDB_COMPUTE)
    compute = time.perf_counter() - began

    began = time.perf_counter()
    with transaction.atomic():
        run = BenchmarkRun.objects.create(
            trigger="bench-duckdb", methodology_version="duckdb", status=BenchmarkRun.Status.RUNNING
        )
        outputs = {
            BenchmarkRow: (
                "SELECT {run}, bucket, position, tier_id, plan_id, branch_id, operator_code, province_code, "
                "branch_name_zh, plan_name_zh, coalesce(plan_name_en, ''), validity_days, "
                f"{_money('price_cents')}, {_money('data_mgb', 3)}, data_unlimited, {_money('per_gb_cents')}, reason, "
                f"{_money('per_day_cents')}, {_money('per_30_cents')}, rnk, printf('%.2f', idx), is_promotional, "
                "confidence FROM r",
                list(ROW_COLUMNS),
            ),
            BenchmarkBucketSummary: (
                "SELECT {run}, bucket, (SELECT count(*) FROM p WHERE p.bucket = m.bucket), n, "
                "printf('%.2f', med), " + _money("lo") + ", " + _money("hi") + " FROM m",
                [
                    "run_id",
                    "bucket",
                    "tier_count",
                    "sample_count",
                    "median_per_gb_cny",
                    "min_per_gb_cny",
                    "max_per_gb_cny",
                ],
            ),
            BenchmarkMatrixCell: (
                "SELECT {run}, bucket, metric, province_code, operator_code, "
                + _money("value_cents")
                + ", n, tier_id, plan_id, branch_name_zh, plan_name_zh, validity_days, "
                + _money("price_cents")
                + " FROM cells",
                [
                    "run_id",
                    "bucket",
                    "metric",
                    "province_code",
                    "operator_code",
                    "value_cny",
                    "sample_count",
                    "tier_id",
                    "plan_id",
                    "branch_name_zh",
                    "plan_name_zh",
                    "validity_days",
                    "price_cny",
                ],
            ),
            BenchmarkBasketCost: (
                "SELECT {run}, slug, province_code, operator_code, "
                + _money("cost_cents")
                + ", repeats, n, tier_id, plan_id, branch_name_zh, plan_name_zh, validity_days, "
                + _money("price_cents")
                + " FROM baskets",
                [
                    "run_id",
                    "profile",
                    "province_code",
                    "operator_code",
                    "cost_cny",
                    "repeats",
                    "candidate_count",
                    "tier_id",
                    "plan_id",
                    "branch_name_zh",
                    "plan_name_zh",
                    "validity_days",
                    "price_cny",
                ],
            ),
        }
        rows = 0
        for model, (query, target) in outputs.items():
            path = workdir / f"{model._meta.db_table}.csv"
            duck.execute(f"COPY ({query.format(run=run.pk)}) TO '{path}' (FORMAT csv, HEADER false)")
            not_null = [
                column
                for column in target
                if column != "run_id"
                # Every target column is a concrete field (get_field may also answer a GenericForeignKey).
                and cast("Field[Any, Any]", model._meta.get_field(column)).get_internal_type()
                in {"CharField", "SlugField"}
            ]
            quoted = ", ".join(connection.ops.quote_name(column) for column in target)
            options = f"FORMAT csv, FORCE_NOT_NULL ({', '.join(not_null)})" if not_null else "FORMAT csv"
            statement = f"COPY {model._meta.db_table} ({quoted}) FROM STDIN WITH ({options})"
            with path.open("rb") as handle, connection.cursor() as cursor, cursor.cursor.copy(statement) as copy:
                while block := handle.read(1 << 22):
                    copy.write(block)
            if model is BenchmarkRow:
                counted = duck.execute("SELECT count(*) FROM r").fetchone()
                assert counted is not None  # count(*) always answers one row
                rows = counted[0]
        BenchmarkRun.objects.filter(pk=run.pk).update(
            status=BenchmarkRun.Status.COMPLETE, computed_at=timezone.now(), row_count=rows
        )
    store = time.perf_counter() - began
    return {"total": read + compute + store, "read": read, "compute": compute, "store": store, "rows": rows}


def measure_naive() -> dict[str, Any]:
    from django.db import connection, transaction

    from competition.benchmarks.inputs import BENCHMARK_SEGMENTS
    from competition.models import BenchmarkRow, BenchmarkRun
    from plans import pricing
    from plans.models import Tier

    _truncate_results()
    queries = [0]

    def count(execute: Any, sql: str, params: Any, many: bool, context: Any) -> Any:
        queries[0] += 1
        return execute(sql, params, many, context)

    began = time.perf_counter()
    with connection.execute_wrapper(count), transaction.atomic():
        run = BenchmarkRun.objects.create(trigger="bench-naive", methodology_version="naive")
        tiers = Tier.objects.current().filter(plan__segment__in=BENCHMARK_SEGMENTS)
        saved: list[BenchmarkRow] = []
        for tier in tiers:
            plan = tier.plan
            branch = plan.branch
            per_gb = pricing.price_per_gb(
                price_cny=tier.price_cny, data_gb=tier.data_gb, data_unlimited=tier.data_unlimited
            )
            row = BenchmarkRow.objects.create(
                run=run,
                bucket=pricing.validity_bucket(tier.validity_days),
                position=0,
                tier_id=tier.pk,
                plan_id=plan.pk,
                branch_id=branch.pk,
                operator_code=branch.operator.code,
                province_code=branch.province.code,
                branch_name_zh=branch.name_zh,
                plan_name_zh=plan.name_zh,
                plan_name_en=plan.name_en,
                validity_days=tier.validity_days,
                price_cny=tier.price_cny,
                data_gb=tier.data_gb,
                data_unlimited=tier.data_unlimited,
                price_per_gb_cny=None if per_gb.value is None else pricing.round_cny(per_gb.value),
                per_gb_undefined_reason=per_gb.undefined_reason or "",
                price_per_day_cny=pricing.round_cny(
                    pricing.price_per_day(price_cny=tier.price_cny, validity_days=tier.validity_days)
                ),
                price_per_30_days_cny=pricing.round_cny(
                    pricing.price_per_30_days(price_cny=tier.price_cny, validity_days=tier.validity_days)
                ),
                is_promotional=tier.is_promotional,
                confidence=tier.confidence,
            )
            row.exact_per_gb = per_gb.value  # type: ignore[attr-defined]
            saved.append(row)
        for label in pricing.BUCKET_LABELS:
            bucket = sorted(
                (row for row in saved if row.bucket == label and row.exact_per_gb is not None),  # type: ignore[attr-defined]
                key=lambda row: row.exact_per_gb,  # type: ignore[attr-defined]
            )
            ranked = [row.exact_per_gb for row in bucket if not row.is_promotional]  # type: ignore[attr-defined]
            if not ranked:
                continue
            middle = len(ranked) // 2
            median = ranked[middle] if len(ranked) % 2 else (ranked[middle - 1] + ranked[middle]) / 2
            for position, row in enumerate(bucket, start=1):
                value = row.exact_per_gb  # type: ignore[attr-defined]
                row.position = position
                row.rank = None if row.is_promotional else 1 + sum(1 for other in ranked if other < value)
                row.per_gb_index = pricing.round_cny(100 * value / median) if median else None
                row.save(update_fields=["position", "rank", "per_gb_index"])
        BenchmarkRun.objects.filter(pk=run.pk).update(status=BenchmarkRun.Status.COMPLETE, row_count=len(saved))
    total = time.perf_counter() - began
    return {"total": total, "rows": len(saved), "queries": queries[0]}


if __name__ == "__main__":
    if len(sys.argv) >= 3 and sys.argv[1] == "measure":
        _setup_django()
        kind = sys.argv[2]
        measured = {"recompute": measure_recompute, "duckdb": measure_duckdb, "naive": measure_naive}[kind]()
        print(json.dumps(measured))
    else:
        main()
