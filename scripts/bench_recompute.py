#!/usr/bin/env python
"""A full benchmark recompute against its floor, on an existing database (`make bench` passes its 1M clone).

Each in a fresh process on `--database`:

  recompute  the public entry point, `competition.benchmarks.scheduling.benchmarks_recompute` (what
             `manage.py recompute_benchmarks`, the nightly task and a methodology change call): wall
             clock, the process's peak RSS, and where the time went (STAGES: each stage's function
             wrapped in a timer where the product looks it up);
  floor      the least any engine could do with the same rows: (1) the selector's query
             (`benchmark_input_queryset`) COPYed out of PostgreSQL as CSV; (2) the fastest of three
             engines (scripts/bench_recompute_engines.py) loading that CSV and computing the
             benchmarks (pandas: the project's own `analytics.benchmarks_compute`; Polars and
             DuckDB: the same per-GB rows, ranks, medians, indices, matrix cells and baskets);
             (3) COPY of the result rows into an unlogged table.

Targets (issue 14): recompute within 1.5x of the floor; peak RSS under 1.5 GB. Section `recompute`
of docs/benchmarks.md.

    python scripts/bench_recompute.py --database bench_run [--repeat 2]
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
import time
from pathlib import Path
from typing import TYPE_CHECKING, Any, cast

import bench_recompute_engines as engines_module
import benchlib
from benchlib import Target

if TYPE_CHECKING:
    from django.db.backends.postgresql.operations import DatabaseOperations as PostgresOperations

TARGET_RATIO = 1.5
TARGET_RSS_MB = 1536
FLOOR_TABLE = "bench_floor_rows"
# The result row columns the floor writes (the read model's, without the "from prices" variants).
FLOOR_COLUMNS = (
    "run_id, bucket, position, tier_id, plan_id, branch_id, operator_code, province_code, branch_name_zh, "
    "plan_name_zh, plan_name_en, validity_days, price_cny, data_gb, data_unlimited, price_per_gb_cny, "
    "per_gb_undefined_reason, price_per_day_cny, price_per_30_days_cny, rank, per_gb_index, is_promotional, confidence"
)


# --------------------------------------------------------------------------- the measuring children


def _input_queryset() -> Any:
    from competition.benchmarks import inputs

    return inputs.benchmark_input_queryset()


def measure_floor() -> dict[str, Any]:
    from django.db import connection

    workdir = Path(tempfile.mkdtemp(prefix="bench-floor-"))
    source = workdir / "tiers.csv"
    sql, params = _input_queryset().query.sql_with_params()
    # connection.ops is typed as the base class; compose_sql is PostgreSQL's own.
    statement = cast("PostgresOperations", connection.ops).compose_sql(sql, params)
    began = time.perf_counter()
    with (
        source.open("wb") as handle,
        connection.cursor() as cursor,
        cursor.cursor.copy(f"COPY ({statement}) TO STDOUT WITH CSV") as copy,
    ):
        for block in copy:
            handle.write(block)
    copy_out = time.perf_counter() - began
    engines: dict[str, dict[str, float]] = {}
    duck = None
    for name, engine in engines_module.ENGINES.items():
        load, compute, result = engine(source)
        engines[name] = {"load": load, "compute": compute, "total": load + compute}
        print(f"    {name}: load {load:.2f} s, compute {compute:.2f} s", file=sys.stderr, flush=True)
        duck = result if name == "duckdb" else duck
        del result
    # The result rows, serialised by DuckDB beforehand (an engine could write them straight to the wire).
    rows_csv = workdir / "rows.csv"
    assert duck is not None
    duck.execute(f"COPY ({engines_module.DUCKDB_ROWS}) TO '{rows_csv}' (FORMAT csv, HEADER false)")
    counted = duck.execute("SELECT count(*) FROM r").fetchone()
    with connection.cursor() as cursor:
        cursor.execute(f"DROP TABLE IF EXISTS {FLOOR_TABLE}")
        cursor.execute(
            f"CREATE UNLOGGED TABLE {FLOOR_TABLE} AS SELECT {FLOOR_COLUMNS} FROM competition_benchmarkrow WITH NO DATA"
        )
        began = time.perf_counter()
        with rows_csv.open("rb") as handle, cursor.cursor.copy(f"COPY {FLOOR_TABLE} FROM STDIN WITH CSV") as copy:
            while block := handle.read(1 << 22):
                copy.write(block)
        copy_in = time.perf_counter() - began
        cursor.execute(f"DROP TABLE {FLOOR_TABLE}")
    fastest = min(engines, key=lambda name: engines[name]["total"])
    return {
        "copy_out": copy_out,
        "engines": engines,
        "fastest": fastest,
        "copy_in": copy_in,
        "rows": counted[0] if counted else 0,
        "input_mb": source.stat().st_size / 1e6,
        "total": copy_out + engines[fastest]["total"] + copy_in,
    }


# The product's stages, timed where the code looks them up: (label, module, function). A stage's time
# includes the stages below it in this list that it calls (the report subtracts them).
STAGES: tuple[tuple[str, str, str], ...] = (
    ("run", "competition.benchmarks.services", "benchmark_run_compute"),
    ("read (COPY out + frame)", "competition.benchmarks.inputs", "benchmark_input_frame"),
    ("compute: benchmark table", "competition.benchmarks.analytics", "benchmark_table_compute"),
    ("compute: the rest", "competition.benchmarks.analytics", "benchmarks_complete"),
    ("rows prepared", "competition.benchmarks.storage", "run_rows_prepare"),
    ("rows COPY", "competition.benchmarks.storage", "copy_rows"),
    ("store", "competition.benchmarks.storage", "benchmark_result_store"),
    ("attach", "competition.benchmarks.partitions", "run_partition_attach"),
    ("history day", "competition.benchmarks.history.services", "benchmark_history_record_run"),
    ("prune", "competition.benchmarks.services", "benchmark_runs_prune"),
)


def _stages_timed() -> dict[str, float]:
    """Wrap each STAGES function in a timer (the bench's own process only); returns the seconds per label."""
    import functools
    import importlib

    spent = dict.fromkeys((label for label, _module, _name in STAGES), 0.0)
    for label, module_name, name in STAGES:
        module = importlib.import_module(module_name)
        original = getattr(module, name)

        @functools.wraps(original)
        def timed(*args: Any, _original: Any = original, _label: str = label, **kwargs: Any) -> Any:
            began = time.perf_counter()
            try:
                return _original(*args, **kwargs)
            finally:
                spent[_label] += time.perf_counter() - began

        setattr(module, name, timed)
    return spent


def measure_recompute() -> dict[str, Any]:
    from competition.analyser import sensitivity
    from competition.benchmarks import basket_inputs, scheduling
    from competition.benchmarks.signals import benchmark_run_published

    # The stored rank sensitivity is a follow-up task on a worker, not part of the recompute; eager here
    # it would be timed with it. It runs after the timing, so the pages measured next read the new run's.
    benchmark_run_published.disconnect(dispatch_uid="competition_analyser_sensitivity")
    # So is the history fill (scheduling.benchmarks_history_fill_task): asked for here, timed after.
    fills_requested = []
    scheduling._history_fill_request = lambda *, run_id: fills_requested.append(run_id)
    spent = _stages_timed()
    began = time.perf_counter()
    run = scheduling.benchmarks_recompute(trigger="bench", wait_seconds=600)
    total = time.perf_counter() - began
    assert run is not None  # a forced run always stores one
    assert fills_requested == [run.pk], fills_requested
    began = time.perf_counter()
    scheduling.benchmarks_history_fill()
    history_fill = time.perf_counter() - began
    parts = {
        "read (COPY out + frame)": spent["read (COPY out + frame)"],
        "compute: the benchmark table (rows, ranks, summaries)": spent["compute: benchmark table"],
        "rows: CSV built (Polars, a second thread) while COPY streams it into the run's new table": spent["rows COPY"],
        "rows: the table's indexes, built on two connections": spent["rows prepared"] - spent["rows COPY"],
        "(meanwhile, a second thread: matrix, baskets, history, day prices, fingerprint)": spent["compute: the rest"],
        "ATTACH PARTITION and ANALYZE": spent["attach"],
        "summaries, per-day prices, matrix cells, basket costs": spent["store"] - spent["attach"],
        "history day": spent["history day"],
        "run row, COMMIT": spent["run"]
        - sum(spent[label] for label in ("read (COPY out + frame)", "compute: benchmark table"))
        - spent["rows prepared"]
        - spent["store"]
        - spent["history day"]
        - spent["prune"],
        "prune old runs": spent["prune"],
    }
    parts["lease, pending flag"] = total - spent["run"]
    measured = {
        "total": total,
        "parts": parts,
        "rows": run.row_count,
        "run_id": run.pk,
        "peak_rss_mb": benchlib.peak_rss_mb(),
        "history_fill": history_fill,
    }
    # After the timers and the RSS reading, what workers do after a publish (eager here, so by hand), for
    # the pages measured next: the stored sensitivity and the compact basket input.
    sensitivity.sensitivity_store(run_id=run.pk)
    basket_inputs.basket_input_store(run_id=run.pk)
    return measured


# --------------------------------------------------------------------------- orchestration and report


def render(recompute: dict[str, Any], floor: dict[str, Any], targets: list[Target], repeat: int) -> str:
    engines = floor["engines"]
    lines = [
        "## Full recompute vs the floor (`scripts/bench_recompute.py`)",
        "",
        f"{benchlib.measured()}; {recompute['rows']:,} benchmarked rows; load average "
        f"{benchlib.load_average()} after. Seconds, wall clock, each in a fresh process (best of {repeat}).",
        "",
        *benchlib.TARGET_HEADER,
        *(target.row() for target in targets),
        "",
        "| | seconds |",
        "|---|---:|",
        f"| recompute (`benchmarks_recompute`, as `manage.py recompute_benchmarks`) | {recompute['total']:.2f} |",
        *(f"| - {label} | {seconds:.2f} |" for label, seconds in recompute.get("parts", {}).items()),
        "| then, a task of its own on the benchmarks queue: the history fill (days owed; reads every tier's "
        f"dates) | {recompute.get('history_fill', 0):.2f} |",
        f"| floor = COPY out + fastest engine ({floor['fastest']}) + COPY in | {floor['total']:.2f} |",
        f"| - the selector's COPY out ({floor['input_mb']:,.0f} MB of CSV) | {floor['copy_out']:.2f} |",
        *(
            f"| - {name}: load CSV {figures['load']:.2f} + compute {figures['compute']:.2f} | {figures['total']:.2f} |"
            for name, figures in engines.items()
        ),
        f"| - COPY of the {floor['rows']:,} result rows into an unlogged table | {floor['copy_in']:.2f} |",
        "",
        "pandas is the project's own load (`inputs.frame_from_csv`) and `analytics.benchmarks_compute` (rows,",
        "summaries, matrix, baskets, history, fingerprint); Polars and DuckDB compute the same per-GB rows, ranks,",
        "medians, indices, matrix cells (three metrics) and baskets (four profiles) in their own expressions",
        "(scripts/bench_recompute_engines.py). The recompute's parts are its stages timed in the same process",
        "(`STAGES`); the line in parentheses runs on a second thread beside the rows' storage, so the parts add up",
        "to more than the total. Peak RSS is the recomputing process's `ru_maxrss` (Django and pandas loaded:",
        "about 100 MB of it is fixed).",
    ]
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--database", required=True, help="An existing database with tiers (not modified but runs).")
    # Two by default: the first recompute on a fresh clone reads pages no process has read yet, and the
    # floor, measured after it, finds them cached; the second round measures both warm.
    parser.add_argument("--repeat", type=int, default=2, help="Rounds of each, one after the other (best kept).")
    parser.add_argument("--quick", action="store_true", help="One round of each.")
    args = parser.parse_args()
    env = benchlib.child_env(benchlib.bench_database_name(args.database))
    recomputes, floors = [], []
    rounds = 1 if args.quick else args.repeat
    for number in range(rounds):
        recomputes.append(benchlib.run_json([benchlib.PYTHON, __file__, "measure", "recompute"], env))
        print(f"  recompute {number + 1}: {recomputes[-1]['total']:.2f} s", flush=True)
        floors.append(benchlib.run_json([benchlib.PYTHON, __file__, "measure", "floor"], env))
        print(f"  floor {number + 1}: {floors[-1]['total']:.2f} s ({floors[-1]['fastest']} fastest)", flush=True)
    recompute = min(recomputes, key=lambda figures: figures["total"])
    floor = min(floors, key=lambda figures: figures["total"])
    targets = [
        Target("full recompute / floor", recompute["total"] / floor["total"], TARGET_RATIO, "x"),
        Target("full recompute, peak RSS", recompute["peak_rss_mb"], TARGET_RSS_MB, "MB"),
    ]
    benchlib.results_save("recompute", targets, recompute=recompute, floor=floor)
    benchlib.write_section("recompute", render(recompute, floor, targets, rounds))


if __name__ == "__main__":
    if sys.argv[1:2] == ["measure"]:
        benchlib.setup_django()
        measured = {"recompute": measure_recompute, "floor": measure_floor}[sys.argv[2]]()
        print(json.dumps(measured))
    else:
        main()
