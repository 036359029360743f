"""Threshold watches: what a benchmark run says against the run before it, and which watches it crosses.

- Cheapest per GB: the lowest per-GB matrix cell of the bucket (in the watch's province, of its
  operator). "Cheapest in a province" needs at least two operators with data (DOMAIN.md); with
  fewer the figure is undefined. A watch fires when the new run is below its threshold and the
  previous run was not (at or above it, or undefined): crossing, not staying below.
- Rank 1: the tier(s) with the best rank of the bucket (within the watch's province/operator when
  it names one). A watch fires when that set differs between the two runs and both have one.

Both read the stored runs: the matrix cells in one query per run, the best-ranked tiers in one
indexed query per distinct slice the watches name, whatever the number of watches or tiers.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from competition.benchmarks.models import BenchmarkMatrixCell, BenchmarkRow, BenchmarkRun
from competition.watching.models import Watch

Slice = tuple[str, str | None, str | None]  # bucket, province code, operator code
Cells = list[tuple[str, str, str, Decimal]]  # a run's per-GB cells: bucket, province, operator, value


@dataclass(frozen=True)
class Crossing:
    watch_id: int
    user_id: int
    condition: str
    payload: dict[str, Any]


def previous_run(run: BenchmarkRun) -> BenchmarkRun | None:
    """The complete run published just before `run` (a past day's as-of run is no publication)."""
    earlier = BenchmarkRun.objects.filter(status=BenchmarkRun.Status.COMPLETE, as_of__isnull=True).exclude(pk=run.pk)
    if run.computed_at is not None:
        earlier = earlier.filter(computed_at__lte=run.computed_at)
    return earlier.order_by("-computed_at", "-id").first()


def cheapest_per_gb(cells: list[tuple[str, str, str, Decimal]], *, slice_: Slice) -> Decimal | None:
    """The lowest per-GB cell of a slice, from (bucket, province, operator, value) rows of one run."""
    bucket, province, operator = slice_
    values = [
        (cell_operator, value)
        for cell_bucket, cell_province, cell_operator, value in cells
        if cell_bucket == bucket
        and (province is None or cell_province == province)
        and (operator is None or cell_operator == operator)
    ]
    if province is not None and operator is None and len({op for op, _ in values}) < 2:
        return None  # a province's cheapest needs two operators with data
    return min((value for _, value in values), default=None)


def _cells(run: BenchmarkRun) -> list[tuple[str, str, str, Decimal]]:
    return list(
        BenchmarkMatrixCell.objects.filter(run=run, metric=BenchmarkMatrixCell.Metric.PER_GB).values_list(
            "bucket", "province_code", "operator_code", "value_cny"
        )
    )


class RankOnes:
    """The best-ranked tiers of a run per slice (bucket, and province / operator when named), read lazily.

    A bucket's rows are stored in rank order (`position`, indexed with the run and bucket), so a
    slice's best is the first ranked row of the bucket that falls in it: an index scan that stops
    after a page, one query per distinct slice the watches name (at most 4 x 32 x 5), whatever the
    number of tiers or watches. Sorting all of a million-row run to rank every group instead took
    seconds.
    """

    PAGE = 50  # ties at the top of a slice beyond this many are read in a second query

    def __init__(self, run: BenchmarkRun) -> None:
        self.run = run
        self.found: dict[Slice, frozenset[int]] = {}

    def of(self, slice_: Slice) -> frozenset[int]:
        if slice_ not in self.found:
            self.found[slice_] = self._of(slice_)
        return self.found[slice_]

    def _of(self, slice_: Slice) -> frozenset[int]:
        bucket, province, operator = slice_
        rows = BenchmarkRow.objects.filter(run=self.run, bucket=bucket, rank__isnull=False)
        if province is not None:
            rows = rows.filter(province_code=province)
        if operator is not None:
            rows = rows.filter(operator_code=operator)
        top = list(rows.order_by("position").values_list("rank", "tier_id")[: self.PAGE])
        if not top:
            return frozenset()
        best = top[0][0]
        if top[-1][0] == best and len(top) == self.PAGE:
            return frozenset(rows.filter(rank=best).values_list("tier_id", flat=True))
        return frozenset(tier_id for rank, tier_id in top if rank == best)


@dataclass(frozen=True)
class ThresholdCheck:
    """The crossings of one run's check, and what each threshold watch compared (its next `threshold_seen`)."""

    crossings: list[Crossing]
    seen: dict[int, dict[str, Any]]


def threshold_crossings(run: BenchmarkRun) -> ThresholdCheck:
    """Every threshold watch that `run` crosses, compared with what it stood at before.

    Before = the watch's `threshold_seen` when that was an earlier revision of this same run (a patch
    rewrote the run in place, so its previous state is only there), else the run before it (none
    without one: nothing fires, but the state is kept for the next revision).
    """
    before = previous_run(run)
    watches = list(
        Watch.objects.exclude(condition=Watch.Condition.ANY_CHANGE).values_list(
            "id",
            "user_id",
            "condition",
            "bucket",
            "province__code",
            "operator__code",
            "threshold_cny",
            "threshold_seen",
        )
    )
    crossings: list[Crossing] = []
    seen: dict[int, dict[str, Any]] = {}
    if not watches:
        return ThresholdCheck(crossings, seen)
    cells: dict[int, Cells] = {}
    ranks: dict[int, RankOnes] = {}
    for watch_id, user_id, condition, bucket, province, operator, threshold, last in watches:
        slice_: Slice = (bucket, province, operator)
        last = last or {}
        earlier_revision = last.get("run") == run.pk and last.get("revision", run.revision) < run.revision
        common: dict[str, Any] = {
            "bucket": bucket,
            "province": province,
            "operator": operator,
            "run": run.pk,
            "revision": run.revision,
            "previous_run": run.pk if earlier_revision else (before.pk if before else None),
        }
        if earlier_revision:
            common["previous_revision"] = last["revision"]
        state: dict[str, Any] = {"run": run.pk, "revision": run.revision}
        if condition == Watch.Condition.CHEAPEST_BELOW:
            new = cheapest_per_gb(_cells_of(run, cells), slice_=slice_)
            state["value"] = _text(new)
            if earlier_revision:
                old = None if last.get("value") is None else Decimal(last["value"])
            elif before is not None:
                old = cheapest_per_gb(_cells_of(before, cells), slice_=slice_)
            else:
                seen[watch_id] = state
                continue
            if threshold is not None and new is not None and new < threshold and (old is None or old >= threshold):
                payload = {**common, "threshold": str(threshold), "before": _text(old), "after": str(new)}
                crossings.append(Crossing(watch_id, user_id, condition, payload))
        elif condition == Watch.Condition.RANK_ONE_CHANGES:
            new_ids = _ranks_of(run, ranks).of(slice_)
            state["tiers"] = sorted(new_ids)
            if earlier_revision:
                old_ids = frozenset(last.get("tiers") or [])
            elif before is not None:
                old_ids = _ranks_of(before, ranks).of(slice_)
            else:
                seen[watch_id] = state
                continue
            if old_ids and new_ids and old_ids != new_ids:
                payload = {**common, "before_tiers": sorted(old_ids), "after_tiers": sorted(new_ids)}
                crossings.append(Crossing(watch_id, user_id, condition, payload))
        seen[watch_id] = state
    return ThresholdCheck(crossings, seen)


def _cells_of(
    run: BenchmarkRun, cache: dict[int, list[tuple[str, str, str, Decimal]]]
) -> list[tuple[str, str, str, Decimal]]:
    if run.pk not in cache:
        cache[run.pk] = _cells(run)
    return cache[run.pk]


def _ranks_of(run: BenchmarkRun, cache: dict[int, RankOnes]) -> RankOnes:
    if run.pk not in cache:
        cache[run.pk] = RankOnes(run)
    return cache[run.pk]


def _text(value: Decimal | None) -> str | None:
    return None if value is None else str(value)
