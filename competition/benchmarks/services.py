"""What a benchmark run does: read the current tiers, compute, store the result atomically, prune old runs.

When a run happens and who runs it (the lease, the pending flag, the Celery task) is
`competition.benchmarks.scheduling`; it calls `benchmark_run_compute` under the lease.
"""

from __future__ import annotations

import datetime
import logging
import time
from concurrent.futures import ThreadPoolExecutor

import pandas as pd
from django.conf import settings
from django.db import transaction
from django.utils import timezone

from competition.benchmarks import analytics, inputs, partitions, run_counts, storage
from competition.benchmarks.history import services as history_services
from competition.benchmarks.models import (
    BenchmarkRun,
)
from competition.benchmarks.signals import benchmark_run_published

logger = logging.getLogger(__name__)

# How many complete runs to keep; older ones (and failures older than them) are deleted.
KEEP_RUNS = int(getattr(settings, "BENCHMARK_KEEP_RUNS", 3))
# How many as-of runs (past days someone looked at) to keep as a cache; the least recently computed go first.
KEEP_AS_OF_RUNS = int(getattr(settings, "BENCHMARK_KEEP_AS_OF_RUNS", 5))


# --------------------------------------------------------------------------- compute and store


def benchmark_parameters_default() -> analytics.BenchmarkParameters:
    """What every regular run, as-of run and history day is computed with (settings.BENCHMARK_INCLUDE_PROMOTIONAL)."""
    return analytics.BenchmarkParameters(
        include_promotional=bool(getattr(settings, "BENCHMARK_INCLUDE_PROMOTIONAL", False))
    )


def benchmark_run_compute(
    *,
    trigger: str = "manual",
    requested_by_id: int | None = None,
    parameters: analytics.BenchmarkParameters | None = None,
    as_of: datetime.date | None = None,
) -> BenchmarkRun:
    """One run (the caller holds the lease: `scheduling.benchmarks_recompute`): read, compute, store, publish, prune.

    The run row is created before the work (status running) so the admin can show its stage; its results
    are written in one transaction that ends by flipping it to complete. Any error rolls the
    results back, marks the run failed with the error, and re-raises: the previous complete run
    stays the one readers see. The number of queries does not depend on the number of tiers.

    A regular run (no `as_of`) reads the tiers in effect today and records today in the benchmark
    history from its own result, in the transaction that publishes it. With `as_of` it reads the tiers
    in effect on that day and is stored as that day's as-of run (competition.benchmarks.as_of), never
    the latest run, and leaves the history alone.
    """
    parameters = parameters or benchmark_parameters_default()
    day = as_of or timezone.localdate()
    started = time.monotonic()
    run = BenchmarkRun.objects.create(
        trigger=trigger,
        requested_by_id=requested_by_id,
        stage=BenchmarkRun.Stage.READING,
        progress=5,
        methodology_version=analytics.METHODOLOGY_VERSION,
        parameters=parameters.as_dict(),
        as_of=as_of,
    )
    try:
        tiers = inputs.benchmark_input_frame(on=day)
        _progress(run, BenchmarkRun.Stage.COMPUTING, 30)
        rows, summaries = analytics.benchmark_table_compute(tiers, include_promotional=parameters.include_promotional)
        _progress(run, BenchmarkRun.Stage.STORING, 60)
        # The rest of the analytics (matrix, baskets, history points, fingerprint: pandas, one core) and the
        # run's counts run on a second thread while this one stores the rows (the server's work: COPY and
        # index builds).
        with ThreadPoolExecutor(max_workers=1, thread_name_prefix="benchmark-compute") as computing:
            completing = computing.submit(_complete, tiers, rows=rows, summaries=summaries, parameters=parameters)
            rows_prepared = storage.run_rows_prepare(run_id=run.pk, rows=rows)
            result, operator_row_counts, pair_row_counts = completing.result()
        del tiers, rows, summaries
        with transaction.atomic():
            storage.benchmark_result_store(run=run, result=result, rows_prepared=rows_prepared)
            run.status = BenchmarkRun.Status.COMPLETE
            run.stage = BenchmarkRun.Stage.DONE
            run.progress = 100
            run.computed_at = timezone.now()
            run.input_fingerprint = result.fingerprint
            run.input_tier_count = len(result.rows)
            run.row_count = len(result.rows)
            run.ranked_count = int(result.rows["ranked"].sum()) if len(result.rows) else 0
            run.matrix_cell_count = len(result.matrix)
            run.basket_cost_count = len(result.baskets)
            run.operator_row_counts = operator_row_counts
            run.pair_row_counts = pair_row_counts
            run.duration_ms = int((time.monotonic() - started) * 1000)
            run.save()
            # The history is one series: a run asked for other parameters (--include-promotional) stays out of it.
            if as_of is None and parameters == benchmark_parameters_default():
                history_services.benchmark_history_record_run(run=run, day=day, result=result)
    except Exception as error:
        logger.exception("benchmark run %s failed", run.pk)
        partitions.run_rows_drop([run.pk])  # rows prepared apart (committed, never attached)
        BenchmarkRun.objects.filter(pk=run.pk).update(
            status=BenchmarkRun.Status.FAILED,
            error=f"{error.__class__.__name__}: {error}"[:4000],
            duration_ms=int((time.monotonic() - started) * 1000),
        )
        raise
    if as_of is None:
        # Before pruning: a listener compares this run with the one before it, which pruning may delete.
        # A past day's run (as_of) publishes nothing: it is an answer about then, not a change now.
        run_id = run.pk
        transaction.on_commit(lambda: benchmark_run_published.send(sender=BenchmarkRun, run_id=run_id))
        benchmark_runs_prune(keep=KEEP_RUNS)
    else:
        benchmark_as_of_runs_prune(keep=KEEP_AS_OF_RUNS)
    return run


def _complete(
    tiers: pd.DataFrame, *, rows: pd.DataFrame, summaries: pd.DataFrame, parameters: analytics.BenchmarkParameters
) -> tuple[analytics.BenchmarkResult, dict[str, int], dict[str, list[int]]]:
    """`analytics.benchmarks_complete` and the run's row counts (`run_counts`) of its rows."""
    result = analytics.benchmarks_complete(tiers, rows=rows, summaries=summaries, parameters=parameters)
    return result, run_counts.operator_row_counts(rows=rows), run_counts.pair_row_counts(rows=rows)


def _progress(run: BenchmarkRun, stage: str, progress: int) -> None:
    run.stage, run.progress = stage, progress
    BenchmarkRun.objects.filter(pk=run.pk).update(stage=stage, progress=progress)


def benchmark_runs_prune(*, keep: int = KEEP_RUNS) -> int:
    """Delete all but the newest `keep` complete runs, and failed runs older than the oldest kept; returns the count."""
    regular = BenchmarkRun.objects.filter(as_of__isnull=True)
    kept = list(
        regular.filter(status=BenchmarkRun.Status.COMPLETE)
        .order_by("-computed_at", "-id")
        .values_list("id", "started_at")[:keep]
    )
    if len(kept) < keep:
        return 0
    oldest_started = kept[-1][1]
    stale = regular.exclude(status=BenchmarkRun.Status.RUNNING).filter(started_at__lt=oldest_started)
    stale = stale.exclude(id__in=[run_id for run_id, _ in kept])
    _total, per_model = stale.delete()
    return per_model.get(BenchmarkRun._meta.label, 0)


def benchmark_as_of_runs_prune(*, keep: int = KEEP_AS_OF_RUNS) -> int:
    """Keep the newest `keep` as-of runs (and none that failed); returns how many runs were deleted."""
    as_of_runs = BenchmarkRun.objects.filter(as_of__isnull=False).exclude(status=BenchmarkRun.Status.RUNNING)
    kept = list(
        as_of_runs.filter(status=BenchmarkRun.Status.COMPLETE)
        .order_by("-computed_at", "-id")
        .values_list("id", flat=True)[:keep]
    )
    _total, per_model = as_of_runs.exclude(id__in=kept).delete()
    return per_model.get(BenchmarkRun._meta.label, 0)


def benchmark_as_of_runs_drop() -> int:
    """Delete every stored as-of run: a tier change may rewrite any past day, so the cache starts over."""
    _total, per_model = (
        BenchmarkRun.objects.filter(as_of__isnull=False).exclude(status=BenchmarkRun.Status.RUNNING).delete()
    )
    return per_model.get(BenchmarkRun._meta.label, 0)
