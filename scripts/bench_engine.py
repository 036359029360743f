"""The benchmark engine at scale: full recompute vs its floor, and edit-to-visible with a real worker.

Run against a database that holds the data (e.g. a clone of bench_1m_template), Django configured
by the environment (DATABASE_URL, DJANGO_SETTINGS_MODULE=config.settings.local):

    python scripts/bench_engine.py full       # measure_full_recompute(): read / compute / store split, peak RSS
    python scripts/bench_engine.py floor      # measure_floor(): COPY out + compute + COPY into an unlogged table
    python scripts/bench_engine.py edit 5     # measure_edit_to_visible(5): needs a worker on CELERY_BROKER_URL

Each prints one JSON line. `make bench` (scripts/) calls the three functions.
"""

from __future__ import annotations

import io
import json
import os
import resource
import statistics
import sys
import time
from collections.abc import Callable
from decimal import Decimal
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.local")


def _setup() -> None:
    import django

    django.setup()


def _load() -> list[str]:
    return Path("/proc/loadavg").read_text().split()[:3] if Path("/proc/loadavg").exists() else []


def measure_full_recompute() -> dict[str, Any]:
    """One full recompute as the CLI and the nightly task run it, with its read / compute / store split (seconds)."""
    _setup()
    from competition.benchmarks import analytics, inputs, scheduling, services, storage

    times: dict[str, float] = {}

    def timed(name: str, function: Callable[..., Any]) -> Callable[..., Any]:
        def wrapper(*args: Any, **kwargs: Any) -> Any:
            started = time.monotonic()
            try:
                return function(*args, **kwargs)
            finally:
                times[name] = times.get(name, 0.0) + time.monotonic() - started

        return wrapper

    inputs.benchmark_input_frame = timed("read", inputs.benchmark_input_frame)  # type: ignore[method-assign]
    analytics.benchmarks_compute = timed("compute", analytics.benchmarks_compute)  # type: ignore[method-assign]
    storage.benchmark_result_store = timed("store", storage.benchmark_result_store)  # type: ignore[method-assign]
    services.benchmark_runs_prune = timed("prune", services.benchmark_runs_prune)  # type: ignore[method-assign]
    load_before = _load()
    started = time.monotonic()
    run = scheduling.benchmarks_recompute(trigger="bench")
    total = time.monotonic() - started
    assert run is not None
    return {
        "total_s": round(total, 2),
        **{f"{name}_s": round(value, 2) for name, value in times.items()},
        "rows": run.row_count,
        "peak_rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss // 1024,
        "load_before": load_before,
        "load_after": _load(),
    }


def measure_floor() -> dict[str, Any]:
    """The floor on the same rows: the selector's COPY out, the analytics alone, COPY into an unlogged table.

    The compute part is the project's pandas analytics only (no Polars or DuckDB port of the formulas here).
    """
    _setup()
    from django.db import connection

    from competition.benchmarks import analytics, inputs, storage

    queryset = inputs.benchmark_input_queryset()
    sql, params = queryset.query.sql_with_params()
    statement = connection.ops.compose_sql(sql, params)  # type: ignore[attr-defined]
    started = time.monotonic()
    buffer = io.BytesIO()
    with connection.cursor() as cursor, cursor.cursor.copy(f"COPY ({statement}) TO STDOUT WITH CSV") as copy:
        for block in copy:
            buffer.write(block)
    copy_out = time.monotonic() - started
    frame = inputs.benchmark_input_frame()
    started = time.monotonic()
    result = analytics.benchmarks_compute(frame, parameters=analytics.BenchmarkParameters())
    compute = time.monotonic() - started
    payload = storage.rows_csv(storage.row_frame(0, result.rows))
    columns = ", ".join(storage.ROW_COLUMNS)
    with connection.cursor() as cursor:
        cursor.execute("DROP TABLE IF EXISTS bench_floor_rows")
        cursor.execute("CREATE UNLOGGED TABLE bench_floor_rows (LIKE competition_benchmarkrow INCLUDING DEFAULTS)")
        started = time.monotonic()
        with cursor.cursor.copy(f"COPY bench_floor_rows ({columns}) FROM STDIN (FORMAT csv)") as copy:
            copy.write(payload)
        copy_in = time.monotonic() - started
        cursor.execute("DROP TABLE bench_floor_rows")
    return {
        "copy_out_s": round(copy_out, 2),
        "compute_pandas_s": round(compute, 2),
        "copy_in_unlogged_s": round(copy_in, 2),
        "floor_s": round(copy_out + compute + copy_in, 2),
        "rows": len(result.rows),
        "load": _load(),
    }


def measure_edit_to_visible(edits: int = 5, timeout: float = 120.0) -> dict[str, Any]:
    """Correct a benchmarked tier's price through the service (as admin does) and wait until the latest run shows it.

    Needs a Celery worker on the `benchmarks` queue of CELERY_BROKER_URL against the same database
    (`celery -A config worker -Q benchmarks,default`). Seconds from the service call's return (the
    commit) to the row in `selectors.benchmark_row_list`, which `/api/v1/benchmarks/per-gb/` reads.
    """
    _setup()
    from competition.benchmarks import selectors
    from competition.models import BenchmarkRow
    from plans import pricing
    from plans import services as plan_services
    from plans.models import Tier

    run = selectors.benchmark_run_latest()
    assert run is not None, "compute a run first"
    seconds = []
    rows = list(
        BenchmarkRow.objects.filter(run=run, bucket="1-7", rank__isnull=False)
        .order_by("position")
        .values_list("tier_id", flat=True)[1000 : 1000 + 50 * edits : 50]
    )
    for tier_id in rows:
        tier = Tier.objects.get(pk=tier_id)
        price = (tier.price_cny + Decimal("0.01")).quantize(Decimal("0.01"))
        plan_services.tier_correct(tier=tier, changes={"price_cny": price}, actor=None, reason="bench edit-to-visible")
        started = time.monotonic()
        while time.monotonic() - started < timeout:
            shown = (
                selectors.benchmark_row_list(bucket=pricing.validity_bucket(tier.validity_days))
                .filter(tier_id=tier_id)
                .values_list("price_cny", flat=True)
                .first()
            )
            if shown == price:
                break
            time.sleep(0.05)
        seconds.append(round(time.monotonic() - started, 2))
    return {
        "edits": len(seconds),
        "seconds": seconds,
        "median_s": statistics.median(seconds) if seconds else None,
        "load": _load(),
    }


if __name__ == "__main__":
    what = sys.argv[1] if len(sys.argv) > 1 else "full"
    if what == "full":
        print(json.dumps(measure_full_recompute()))
    elif what == "floor":
        print(json.dumps(measure_floor()))
    elif what == "edit":
        print(json.dumps(measure_edit_to_visible(int(sys.argv[2]) if len(sys.argv) > 2 else 5)))
    else:
        raise SystemExit(f"unknown measurement {what!r}; expected full, floor or edit")
