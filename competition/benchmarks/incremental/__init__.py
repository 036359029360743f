"""An edit's patch of the latest run: recompute only what the edited plans can change, in place.

A tier's price moves its bucket's ranks, positions, median and indexes, that bucket's history points,
the matrix cells of its province x operator pair in that bucket and the basket costs of its pair;
nothing else. A patch reads the edited plans' tiers and their stored rows, and per bucket whose
tiers of those plans changed (a bucket where they are stored as they are is left alone):

- the bucket's stored rows, narrowly (tier, plan, position, ranks, indexes, price, data, validity,
  flags, province, operator: one COPY, no join through plans and branches): the stored rows stand
  for the tiers they were computed from (analytics.patching), so `analytics.benchmark_table_compute`
  over them and the plans' new tiers gives the bucket exactly as a full run over its tiers would;
- every tier of the pairs the plans were or are in (a few thousand), for their matrix cells and
  basket costs (`province_comparison_compute`, `basket_costs_compute`: a cell and a cost depend on
  their pair's tiers only).

It writes, in one transaction: the plans' rows deleted and inserted again; the rows between an
edited tier's old and new place, whose positions and ranks shift alike, with one UPDATE of position
ranges (`analytics.patching.shift_runs`); the rows whose index moved (only when the median did)
through `storage.rows_rerank`; the bucket's summary and today's history points; the pairs' cells
and costs; the run's counts, `revision + 1` and `updated_at`.

The result equals what a full recompute would store (tests/competition/benchmarks/test_incremental.py
checks it on random edit sequences). A run that cannot be patched (none yet, computed on another
day, with other parameters or methodology, or an edit touching too many tiers) is recomputed whole.
"""

from __future__ import annotations

import hashlib
import logging
import time
from collections import Counter
from collections.abc import Iterable
from typing import Any

import pandas as pd
from django.db import transaction
from django.db.models import Q, Sum
from django.utils import timezone

from competition.benchmarks import analytics, basket_inputs, inputs, run_counts, selectors, services, storage
from competition.benchmarks.analytics import patching
from competition.benchmarks.history import services as history_services
from competition.benchmarks.history.models import BenchmarkHistoryDay, BenchmarkHistoryPoint
from competition.benchmarks.incremental import stored
from competition.benchmarks.models import (
    BenchmarkBasketCost,
    BenchmarkBucketSummary,
    BenchmarkDayPrice,
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

    The number of queries depends on how many buckets and province x operator pairs the edit
    touches, not on the number of tiers.
    """
    started = time.monotonic()
    plans = sorted(set(plan_ids))
    day = timezone.localdate()
    parameters = services.benchmark_parameters_default()
    edited = inputs.benchmark_input_frame(on=day, where=Q(plan_id__in=plans))
    if len(edited) > PATCH_MAX_TIERS:
        return None
    edited_buckets = analytics.validity_buckets(edited["validity_days"]).astype(str).to_numpy()
    with transaction.atomic():
        run = BenchmarkRun.objects.select_for_update().get(pk=run.pk)
        before = stored.plan_rows(run_id=run.pk, plan_ids=plans)
        pairs = {(row["province_code"], row["operator_code"]) for row in before} | set(
            zip(edited["province_code"].astype(str), edited["operator_code"].astype(str), strict=True)
        )
        buckets = sorted({row["bucket"] for row in before} | set(edited_buckets))
        history_day = BenchmarkHistoryDay.objects.filter(day=day, run=run).first()
        # Every tier of the pairs the plans were or are in (a few thousand): their baskets and matrix cells.
        pair_tiers = inputs.benchmark_input_frame(on=day, where=_pairs_where(sorted(pairs)))
        pair_buckets = analytics.validity_buckets(pair_tiers["validity_days"]).astype(str).to_numpy()
        changed = []
        for bucket in buckets:
            old = [row for row in before if row["bucket"] == bucket]
            new = edited.loc[edited_buckets == bucket]
            if _same_tiers(old, new):
                continue  # the plans' tiers here are stored as they are: nothing in this bucket moves
            _bucket_patch(
                run=run,
                bucket=bucket,
                plans=plans,
                old=old,
                new=new,
                pairs=sorted(pairs),
                pair_tiers=pair_tiers.loc[pair_buckets == bucket],
                parameters=parameters,
                history_day=history_day,
            )
            changed.append(bucket)
            run.row_count += len(new) - len(old)
        _baskets_patch(run=run, pairs=sorted(pairs), tiers=pair_tiers, parameters=parameters)
        if basket_inputs.basket_input_ready(run):
            # The compact basket input is kept per province, so its refresh reads the provinces' every tier.
            provinces = sorted({province for province, _ in pairs})
            basket_inputs.basket_input_patch(
                run=run,
                provinces=provinces,
                tiers=inputs.benchmark_input_frame(on=day, where=Q(plan__branch__province__code__in=provinces)),
            )
        run.revision += 1
        run.updated_at = timezone.now()
        run.input_tier_count = run.row_count
        run.ranked_count = (
            BenchmarkBucketSummary.objects.filter(run=run).aggregate(total=Sum("sample_count"))["total"] or 0
        )
        run.matrix_cell_count = BenchmarkMatrixCell.objects.filter(run=run).count()
        run.basket_cost_count = BenchmarkBasketCost.objects.filter(run=run).count()
        run.input_fingerprint = _chained_fingerprint(run, edited)
        run.operator_row_counts = run_counts.operator_row_counts(
            rows=edited, counts=run.operator_row_counts, removed=Counter(str(row["operator_code"]) for row in before)
        )
        run.pair_row_counts = run_counts.pair_row_counts(
            rows=edited, buckets=edited_buckets, counts=run.pair_row_counts, removed=before
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
                "pair_row_counts",
            ]
        )
        if history_day is not None:
            BenchmarkHistoryDay.objects.filter(pk=history_day.pk).update(
                input_fingerprint=run.input_fingerprint, input_tier_count=run.row_count, computed_at=run.updated_at
            )
        run_id, revision, patched = run.pk, run.revision, sorted(changed)
        transaction.on_commit(
            lambda: benchmark_run_published.send(sender=BenchmarkRun, run_id=run_id, revision=revision, buckets=patched)
        )
    logger.info(
        "benchmark run %s patched to revision %s (%d plans, buckets %s) in %.0f ms",
        run.pk,
        run.revision,
        len(plans),
        ", ".join(changed) or "none",
        (time.monotonic() - started) * 1000,
    )
    return run


def _same_tiers(old: list[dict[str, Any]], new: pd.DataFrame) -> bool:
    """Whether a bucket's stored rows of the edited plans are exactly their new tiers (same input values)."""
    if len(old) != len(new):
        return False
    stored_tiers = {tuple(row[column] for column in stored.PLAN_ROW_COLUMNS) for row in old}
    new_tiers = {
        tuple(_plain(value) for value in record)
        for record in new.loc[:, list(stored.PLAN_ROW_COLUMNS)].itertuples(index=False, name=None)
    }
    return stored_tiers == new_tiers


def _plain(value: Any) -> Any:
    """A frame's value as the database gives it back (None for a missing one, Python ints and bools)."""
    if value is None or value is pd.NA:
        return None
    if hasattr(value, "item"):
        return value.item()
    return value


def _bucket_patch(
    *,
    run: BenchmarkRun,
    bucket: str,
    plans: list[int],
    old: list[dict[str, Any]],
    new: pd.DataFrame,
    pairs: list[tuple[str, str]],
    pair_tiers: pd.DataFrame,
    parameters: analytics.BenchmarkParameters,
    history_day: BenchmarkHistoryDay | None,
) -> None:
    """Recompute one bucket from its stored rows and the plans' new tiers; write what changed.

    The stored rows stand for the tiers they were computed from (analytics.patching), so the bucket
    is not read again through its tiers, plans and branches. Written: the plans' rows (deleted and
    inserted), the other rows whose position, rank or index moved, the summary and per-day prices,
    today's history points, and the matrix cells of the province x operator pairs the plans were or are in.
    """
    include_promotional = parameters.include_promotional
    rows_stored = stored.bucket_rows(run_id=run.pk, bucket=bucket)
    kept = rows_stored.loc[~rows_stored["plan_id"].isin(plans).to_numpy()]
    tiers = patching.inputs_concat(patching.stored_rows_input(kept), new)
    rows, summaries = analytics.benchmark_table_compute(tiers, include_promotional=include_promotional)
    del tiers
    edited = rows["plan_id"].isin(plans).to_numpy()
    if old:
        _rows_delete(run_id=run.pk, ids=[row["id"] for row in old])
    others = rows.loc[~edited]
    # The rows between an edited tier's old and new place move by one: a few ranges of positions, one
    # UPDATE. Indexes move only when the median does; those rows are written with their new values.
    runs, indexes = patching.shift_runs(kept, others)
    if len(runs) <= stored.SHIFT_RUNS_MAX:
        shifted = stored.rows_shift(run_id=run.pk, bucket=bucket, runs=runs)
        moved = others.loc[others["tier_id"].isin(kept["tier_id"].to_numpy()[indexes]).to_numpy()]
    else:
        shifted, moved = 0, others.loc[patching.rank_changes(kept, others)]
    reranked = storage.rows_rerank(run_id=run.pk, bucket=bucket, rows=moved)
    # After the shift, which goes by stored positions: the new rows already have their final ones.
    storage.rows_insert(run_id=run.pk, rows=rows.loc[edited])
    logger.info("bucket %s: %d rows shifted in %d runs, %d re-indexed", bucket, shifted, len(runs), reranked)
    BenchmarkBucketSummary.objects.filter(run=run, bucket=bucket).delete()
    storage.summaries_store(run=run, summaries=summaries.loc[summaries["bucket"] == bucket])
    BenchmarkDayPrice.objects.filter(run=run, bucket=bucket).delete()
    day_prices = analytics.day_prices_compute(rows, include_promotional=include_promotional)
    storage.day_prices_store(run=run, day_prices=day_prices)
    if history_day is not None:
        points = analytics.history_points_compute(rows, include_promotional=include_promotional)
        BenchmarkHistoryPoint.objects.filter(day=history_day, bucket=bucket).delete()
        history_services.benchmark_history_points_store(day=history_day, points=points)
    del rows, others
    # The cells of every pair the plans were or are in (`pair_tiers` holds all their tiers of the bucket).
    # A cell names its tier's branch and plan: computed from the pairs' tiers themselves (a few thousand).
    pair_rows, _ = analytics.benchmark_table_compute(pair_tiers, include_promotional=include_promotional)
    matrix = analytics.province_comparison_compute(pair_rows, include_promotional=include_promotional)
    BenchmarkMatrixCell.objects.filter(_pairs_where(pairs, stored_rows=True), run=run, bucket=bucket).delete()
    storage.matrix_store(run=run, matrix=matrix.loc[matrix["bucket"] == bucket])


def _pairs_where(pairs: list[tuple[str, str]], *, stored_rows: bool = False) -> Q:
    """Tiers (or, with `stored_rows`, a run's cells and costs) of these province x operator pairs."""
    province, operator = (
        ("province_code", "operator_code")
        if stored_rows
        else ("plan__branch__province__code", "plan__branch__operator__code")
    )
    where = Q(pk__in=[])
    for province_code, operator_code in pairs:
        where |= Q(**{province: province_code, operator: operator_code})
    return where


def _rows_delete(*, run_id: int, ids: list[int]) -> None:
    # By run too: the row table is partitioned by run, and its key is (run, id).
    rows = BenchmarkRow.objects.filter(run_id=run_id, pk__in=ids)
    rows._raw_delete(rows.db)


def _baskets_patch(
    *,
    run: BenchmarkRun,
    pairs: list[tuple[str, str]],
    tiers: pd.DataFrame,
    parameters: analytics.BenchmarkParameters,
) -> None:
    """Recompute the basket costs of the edited pairs from every tier of each (`tiers`: any validity may cover
    a stay). A cost is per province and operator, so it depends on that pair's tiers only."""
    if not pairs:
        return
    costs = analytics.basket_costs_compute(
        tiers, profiles=parameters.baskets, include_promotional=parameters.include_promotional
    )
    BenchmarkBasketCost.objects.filter(_pairs_where(pairs, stored_rows=True), run=run).delete()
    storage.baskets_store(run=run, baskets=costs)


def _chained_fingerprint(run: BenchmarkRun, edited: pd.DataFrame) -> str:
    """A patched run's fingerprint: the run's previous one, the revision and the edited plans' new input.

    The fingerprint of the whole input would need the whole input read; this one still changes with
    every patch and is reproducible from the run's history of patches.
    """
    digest = hashlib.sha256(f"{run.input_fingerprint}|{run.revision}|".encode())
    digest.update(analytics.input_fingerprint(edited).encode())
    return digest.hexdigest()
