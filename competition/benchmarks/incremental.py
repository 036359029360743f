"""An edit's patch of the latest run: recompute only what the edited plans can change, in place.

A tier's price moves its bucket's ranks, positions, median and indexes, that bucket's matrix cells
and history points, and the basket costs of its province; nothing else. So a patch reads the
edited plans' tiers, the whole of each bucket they were or are in (ranks and medians are over a
bucket) and the tiers of their provinces (baskets may combine any validity), computes those with
the same analytics as a full run (`analytics.benchmark_table_compute`, `province_comparison_compute`,
`history_points_compute`, `basket_costs_compute`), and writes into the latest run, in one transaction:

- the edited plans' rows deleted and written again (they may have changed bucket, price or names);
- every other row of the affected buckets whose position, rank or index moved, updated (the server
  compares; unchanged rows are not written);
- the affected buckets' summaries, matrix cells and today's history points, and the affected
  provinces' basket costs, replaced;
- the run's counts, `revision + 1` and `updated_at`, so the run says it was patched.

The result equals what a full recompute would store (tests/competition/benchmarks/test_incremental.py
checks it on random edit sequences). A run that cannot be patched (none yet, computed on another
day, with other parameters or methodology, or an edit touching too many tiers) is recomputed whole.
"""

from __future__ import annotations

import hashlib
import logging
import time
from collections.abc import Iterable

import pandas as pd
from django.db import transaction
from django.db.models import Count, Q, Sum
from django.utils import timezone

from competition.benchmarks import analytics, basket_inputs, inputs, run_counts, selectors, services, storage
from competition.benchmarks.history import services as history_services
from competition.benchmarks.history.models import BenchmarkHistoryDay, BenchmarkHistoryPoint
from competition.benchmarks.models import (
    BenchmarkBasketCost,
    BenchmarkBucketSummary,
    BenchmarkMatrixCell,
    BenchmarkRow,
    BenchmarkRun,
)
from competition.benchmarks.signals import benchmark_run_published

logger = logging.getLogger(__name__)

# Past this many edited tiers a patch reads about as much as a full run: recompute instead.
PATCH_MAX_TIERS = 50_000


def benchmark_run_patchable(run: BenchmarkRun) -> bool:
    """Whether edits may be patched into `run`: the latest regular run, of today, with today's method and defaults."""
    return (
        run.status == BenchmarkRun.Status.COMPLETE
        and run.as_of is None
        and run.methodology_version == analytics.METHODOLOGY_VERSION
        and run.parameters == services.benchmark_parameters_default().as_dict()
        and selectors.benchmark_run_as_of(run) == timezone.localdate()
    )


def benchmark_run_patch_latest(*, plan_ids: Iterable[int]) -> BenchmarkRun | None:
    """Patch the edits of `plan_ids` into the latest run (the caller holds the lease); None when it needs a full run."""
    run = selectors.benchmark_run_latest()
    if run is None or not benchmark_run_patchable(run):
        return None
    return benchmark_run_patch(run=run, plan_ids=plan_ids)


def benchmark_run_patch(*, run: BenchmarkRun, plan_ids: Iterable[int]) -> BenchmarkRun | None:
    """Recompute in `run` what the tiers of `plan_ids` can change; returns the run, or None when too many changed.

    The number of queries depends on how many buckets the edit touches (at most four), not on the
    number of tiers.
    """
    started = time.monotonic()
    plans = sorted(set(plan_ids))
    day = timezone.localdate()
    parameters = services.benchmark_parameters_default()
    edited = inputs.benchmark_input_frame(on=day, where=Q(plan_id__in=plans))
    if len(edited) > PATCH_MAX_TIERS:
        return None
    stored = list(
        BenchmarkRow.objects.filter(run=run, plan_id__in=plans)
        .values_list("bucket", "province_code", "operator_code")
        .annotate(rows=Count("id"))
        .order_by()
    )
    before = {(bucket, province) for bucket, province, _, _ in stored}
    removed: dict[str, int] = {}
    for _, _, operator, count in stored:
        removed[operator] = removed.get(operator, 0) + count
    buckets = {bucket for bucket, _ in before} | set(analytics.validity_buckets(edited["validity_days"]).astype(str))
    provinces = {province for _, province in before} | set(edited["province_code"].astype(str))
    with transaction.atomic():
        run = BenchmarkRun.objects.select_for_update().get(pk=run.pk)
        storage.rows_delete(run_id=run.pk, plan_ids=plans)
        history_day = BenchmarkHistoryDay.objects.filter(day=day, run=run).first()
        for bucket in sorted(buckets):
            _bucket_patch(run=run, bucket=bucket, plans=plans, parameters=parameters, history_day=history_day)
        _baskets_patch(run=run, provinces=sorted(provinces), parameters=parameters)
        run.revision += 1
        run.updated_at = timezone.now()
        run.row_count = run.input_tier_count = BenchmarkRow.objects.filter(run=run).count()
        run.ranked_count = (
            BenchmarkBucketSummary.objects.filter(run=run).aggregate(total=Sum("sample_count"))["total"] or 0
        )
        run.matrix_cell_count = BenchmarkMatrixCell.objects.filter(run=run).count()
        run.basket_cost_count = BenchmarkBasketCost.objects.filter(run=run).count()
        run.input_fingerprint = _chained_fingerprint(run, edited)
        run.operator_row_counts = run_counts.operator_row_counts(
            rows=edited, counts=run.operator_row_counts, removed=removed
        )
        run.save(
            update_fields=[
                "revision",
                "updated_at",
                "row_count",
                "input_tier_count",
                "ranked_count",
                "matrix_cell_count",
                "basket_cost_count",
                "input_fingerprint",
                "operator_row_counts",
            ]
        )
        if history_day is not None:
            BenchmarkHistoryDay.objects.filter(pk=history_day.pk).update(
                input_fingerprint=run.input_fingerprint, input_tier_count=run.row_count, computed_at=run.updated_at
            )
        run_id = run.pk
        transaction.on_commit(lambda: benchmark_run_published.send(sender=BenchmarkRun, run_id=run_id))
    logger.info(
        "benchmark run %s patched to revision %s (%d plans, buckets %s) in %.0f ms",
        run.pk,
        run.revision,
        len(plans),
        ", ".join(sorted(buckets)) or "none",
        (time.monotonic() - started) * 1000,
    )
    return run


def _bucket_patch(
    *,
    run: BenchmarkRun,
    bucket: str,
    plans: list[int],
    parameters: analytics.BenchmarkParameters,
    history_day: BenchmarkHistoryDay | None,
) -> None:
    """Recompute one bucket from its tiers and write what changed: rows, summary, matrix cells, history points."""
    tiers = inputs.benchmark_input_frame(on=timezone.localdate(), where=inputs.bucket_where(bucket))
    rows, summaries = analytics.benchmark_table_compute(tiers, include_promotional=parameters.include_promotional)
    del tiers
    edited = rows["plan_id"].isin(plans).to_numpy()
    storage.rows_insert(run_id=run.pk, rows=rows.loc[edited])
    storage.rows_rerank(run_id=run.pk, bucket=bucket, rows=rows.loc[~edited])
    BenchmarkBucketSummary.objects.filter(run=run, bucket=bucket).delete()
    storage.summaries_store(run=run, summaries=summaries.loc[summaries["bucket"] == bucket])
    BenchmarkMatrixCell.objects.filter(run=run, bucket=bucket).delete()
    storage.matrix_store(
        run=run, matrix=analytics.province_comparison_compute(rows, include_promotional=parameters.include_promotional)
    )
    if history_day is not None:
        points = analytics.history_points_compute(rows, include_promotional=parameters.include_promotional)
        BenchmarkHistoryPoint.objects.filter(day=history_day, bucket=bucket).delete()
        history_services.benchmark_history_points_store(day=history_day, points=points)


def _baskets_patch(*, run: BenchmarkRun, provinces: list[str], parameters: analytics.BenchmarkParameters) -> None:
    """Recompute the basket costs of the edited provinces from every tier there (any validity may cover a stay)."""
    if not provinces:
        return
    tiers = inputs.benchmark_input_frame(on=timezone.localdate(), where=Q(plan__branch__province__code__in=provinces))
    costs = analytics.basket_costs_compute(
        tiers, profiles=parameters.baskets, include_promotional=parameters.include_promotional
    )
    BenchmarkBasketCost.objects.filter(run=run, province_code__in=provinces).delete()
    storage.baskets_store(run=run, baskets=costs)
    basket_inputs.basket_input_patch(run=run, provinces=provinces, tiers=tiers)


def _chained_fingerprint(run: BenchmarkRun, edited: pd.DataFrame) -> str:
    """A patched run's fingerprint: the run's previous one, the revision and the edited plans' new input.

    The fingerprint of the whole input would need the whole input read; this one still changes with
    every patch and is reproducible from the run's history of patches.
    """
    digest = hashlib.sha256(f"{run.input_fingerprint}|{run.revision}|".encode())
    digest.update(analytics.input_fingerprint(edited).encode())
    return digest.hexdigest()
