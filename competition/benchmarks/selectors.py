"""Reads of the stored benchmark results (the latest complete run unless told); the input is benchmarks.inputs.

Pages, the API and the CLI read results only through these functions; every one that takes
`run=None` reads the latest complete run, so a reader never sees a run that is still being
stored (a run is published by flipping its status once all its rows are in).
"""

from __future__ import annotations

import datetime
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.db.models import F, QuerySet
from django.utils import timezone

from competition.benchmarks import analytics
from competition.benchmarks.models import (
    BenchmarkBasketCost,
    BenchmarkBucketSummary,
    BenchmarkMatrixCell,
    BenchmarkRow,
    BenchmarkRun,
)
from operators.models import Operator, Province
from plans import pricing
from plans.models import Plan

# --------------------------------------------------------------------------- stored results


def bucket_validate(bucket: str) -> str:
    """The bucket label itself; ValueError naming the valid labels (1-7, 8-14, 15-29, 30+) otherwise."""
    pricing.bucket_bounds(bucket)
    return bucket


def benchmark_run_latest() -> BenchmarkRun | None:
    """The latest complete run, or None before the first one has finished."""
    return benchmark_runs_latest_first().first()


def benchmark_runs_latest_first() -> QuerySet[BenchmarkRun]:
    """The complete regular runs, latest first (a subquery for readers that fetch the run with its rows)."""
    return BenchmarkRun.objects.filter(status=BenchmarkRun.Status.COMPLETE, as_of__isnull=True).order_by(
        "-computed_at", "-id"
    )


def benchmark_run_in_progress() -> BenchmarkRun | None:
    """The run being computed right now, if any (for progress displays)."""
    return (
        BenchmarkRun.objects.filter(status=BenchmarkRun.Status.RUNNING, as_of__isnull=True)
        .order_by("-started_at", "-id")
        .first()
    )


def _run_or_latest(run: BenchmarkRun | None) -> BenchmarkRun | None:
    return run if run is not None else benchmark_run_latest()


def benchmark_row_list(
    *,
    bucket: str,
    run: BenchmarkRun | None = None,
    operator: str | None = None,
    province: str | None = None,
    ranked_only: bool = False,
    include_from: bool = False,
) -> QuerySet[BenchmarkRow]:
    """A bucket's benchmark table in display order (cheapest per GB first, undefined per-GB last).

    `operator` / `province` are codes (cmcc, 11); `ranked_only` drops promotional and undefined
    rows. Each row carries `shown_rank` and `shown_index`: its rank and index with "from" prices
    left out (the default) or, with `include_from`, counted as prices (analytics.eligibility; both
    are stored with the run). Empty when no run has completed. ValueError for an unknown bucket.
    """
    bucket_validate(bucket)
    run = _run_or_latest(run)
    if run is None:
        return BenchmarkRow.objects.none()
    rank, index = ("rank_with_from", "per_gb_index_with_from") if include_from else ("rank", "per_gb_index")
    # The model declares these two for its readers; django-stubs then sees the annotation as a redefinition.
    rows = BenchmarkRow.objects.filter(run=run, bucket=bucket).annotate(  # type: ignore[no-redef]
        shown_rank=F(rank), shown_index=F(index)
    )
    if operator:
        rows = rows.filter(operator_code=operator)
    if province:
        rows = rows.filter(province_code=province)
    if ranked_only:
        rows = rows.filter(**{f"{rank}__isnull": False})
    return rows.order_by("position")


class BucketPositionRange:
    """A bucket's rows (all of them, unfiltered) sliced by stored `position` (1..n, analytics.tables), for a Paginator.

    `rows[100:200]` reads positions 101-200 through the (run, bucket, position) index: a page deep in
    a 300k-row bucket costs what the first one does, where OFFSET would walk every row before it. The
    length is the bucket summary's tier count, so the page needs no COUNT over the bucket either.
    """

    def __init__(self, rows: QuerySet[BenchmarkRow], *, count: int) -> None:
        self.rows = rows
        self.total = count

    def count(self) -> int:
        return self.total

    def __len__(self) -> int:
        return self.total

    def __getitem__(self, window: slice) -> list[BenchmarkRow]:
        start, stop = window.start or 0, window.stop if window.stop is not None else self.total
        return list(self.rows.filter(position__gt=start, position__lte=stop))


@dataclass(frozen=True)
class BucketFigures:
    """A bucket's per-GB spread as a reader asked for it: "from" prices left out, or counted."""

    bucket: str
    include_from: bool
    tier_count: int
    sample_count: int
    median_per_gb_cny: Decimal | None
    min_per_gb_cny: Decimal | None
    max_per_gb_cny: Decimal | None


def benchmark_bucket_figures(
    *, bucket: str, run: BenchmarkRun | None = None, include_from: bool = False
) -> BucketFigures | None:
    """The bucket summary's figures with or without "from" prices, or None when no run has completed."""
    summary = benchmark_bucket_summary(bucket=bucket, run=run)
    if summary is None:
        return None
    suffix = "_with_from" if include_from else ""
    return BucketFigures(
        bucket=bucket,
        include_from=include_from,
        tier_count=summary.tier_count,
        sample_count=getattr(summary, f"sample_count{suffix}"),
        median_per_gb_cny=getattr(summary, f"median_per_gb{suffix}_cny"),
        min_per_gb_cny=getattr(summary, f"min_per_gb{suffix}_cny"),
        max_per_gb_cny=getattr(summary, f"max_per_gb{suffix}_cny"),
    )


def benchmark_run_as_of(run: BenchmarkRun) -> datetime.date:
    """The day whose tiers in effect a run computed: a past day's run says so, else the local day it ran."""
    if run.as_of is not None:
        return run.as_of
    stated = run.parameters.get("as_of") if isinstance(run.parameters, dict) else None
    if stated:
        return datetime.date.fromisoformat(str(stated))
    return timezone.localdate(run.computed_at or run.started_at)


@dataclass(frozen=True)
class ReferenceNames:
    """Names a stored result row lacks (it keeps codes, ids and Chinese names): provinces by code, plans by id."""

    provinces: dict[str, Province]
    plans: dict[int, Plan]

    def province(self, code: str) -> Province | None:
        return self.provinces.get(code)

    def plan(self, plan_id: int) -> Plan | None:
        return self.plans.get(plan_id)


def reference_names(*, plan_ids: Iterable[int], province_codes: Iterable[str] = ()) -> ReferenceNames:
    """The given plans with branch and province (one query), and any province no plan names (one more, if any)."""
    plans = Plan.objects.select_related("branch__province").in_bulk(sorted(set(plan_ids)))
    provinces = {plan.branch.province.code: plan.branch.province for plan in plans.values()}
    missing = set(province_codes) - set(provinces)
    if missing:
        provinces.update({province.code: province for province in Province.objects.filter(code__in=missing)})
    return ReferenceNames(provinces=provinces, plans=plans)


def benchmark_bucket_summary(*, bucket: str, run: BenchmarkRun | None = None) -> BenchmarkBucketSummary | None:
    """A bucket's median/min/max per-GB and sample count, or None when no run has completed."""
    bucket_validate(bucket)
    run = _run_or_latest(run)
    if run is None:
        return None
    return BenchmarkBucketSummary.objects.filter(run=run, bucket=bucket).first()


def benchmark_bucket_summary_list(*, run: BenchmarkRun | None = None) -> list[BenchmarkBucketSummary]:
    """All four bucket summaries of a run in bucket order (1-7, 8-14, 15-29, 30+)."""
    run = _run_or_latest(run)
    if run is None:
        return []
    by_bucket = {summary.bucket: summary for summary in BenchmarkBucketSummary.objects.filter(run=run)}
    return [by_bucket[label] for label in pricing.BUCKET_LABELS if label in by_bucket]


def benchmark_matrix_cell_list(
    *, bucket: str, metric: str = BenchmarkMatrixCell.Metric.PER_GB, run: BenchmarkRun | None = None
) -> QuerySet[BenchmarkMatrixCell]:
    """The non-empty province x operator cells of a bucket and metric (per_gb, per_day, per_30_days)."""
    bucket_validate(bucket)
    metrics = [choice.value for choice in BenchmarkMatrixCell.Metric]
    if metric not in metrics:
        raise ValueError(f"unknown metric {metric!r}; expected one of {', '.join(metrics)}")
    run = _run_or_latest(run)
    if run is None:
        return BenchmarkMatrixCell.objects.none()
    return BenchmarkMatrixCell.objects.filter(run=run, bucket=bucket, metric=metric).order_by(
        "province_code", "operator_code"
    )


def cheapest_cell_pairs(cells: Iterable[BenchmarkMatrixCell]) -> set[tuple[str, str]]:
    """The (province, operator) cells that may be called cheapest in their province (analytics.cheapest_operators)."""
    by_province: dict[str, list[tuple[str, Decimal | None]]] = defaultdict(list)
    for cell in cells:
        by_province[cell.province_code].append((cell.operator_code, cell.value_cny))
    return {
        (province, operator)
        for province, values in by_province.items()
        for operator in analytics.cheapest_operators(values)
    }


@dataclass
class ProvinceComparison:
    """A provinces x operators grid: `cells[(province_code, operator_code)]` or a gap where none is sold."""

    bucket: str
    metric: str
    run: BenchmarkRun | None
    provinces: list[Province] = field(default_factory=list)
    operators: list[Operator] = field(default_factory=list)
    cells: dict[tuple[str, str], BenchmarkMatrixCell] = field(default_factory=dict)

    def cell(self, province_code: str, operator_code: str) -> BenchmarkMatrixCell | None:
        return self.cells.get((province_code, operator_code))

    @property
    def cheapest(self) -> BenchmarkMatrixCell | None:
        """The cheapest cell of the grid (lowest value, then lowest tier id)."""
        return min(self.cells.values(), key=lambda cell: (cell.value_cny, cell.tier_id), default=None)


def province_comparison(
    *, bucket: str, metric: str = BenchmarkMatrixCell.Metric.PER_GB, run: BenchmarkRun | None = None
) -> ProvinceComparison:
    """The province x operator comparison of the latest run: every province and operator, cells where sold.

    Three queries (cells, provinces, operators). Rows with no cell at all are kept so the gaps show.
    """
    run = _run_or_latest(run)
    cells = benchmark_matrix_cell_list(bucket=bucket, metric=metric, run=run)
    return ProvinceComparison(
        bucket=bucket,
        metric=metric,
        run=run,
        provinces=list(Province.objects.order_by("code")),
        operators=list(Operator.objects.order_by("code")),
        cells={(cell.province_code, cell.operator_code): cell for cell in cells},
    )


def basket_profile_list(*, run: BenchmarkRun | None = None) -> list[dict[str, Any]]:
    """The visitor profiles a run costed (slug, name, days, data_gb, domestic_min, intl_min)."""
    run = _run_or_latest(run)
    if run is None:
        return [profile.as_dict() for profile in analytics.DEFAULT_BASKETS]
    return list(run.parameters.get("baskets", []))


def basket_cost_list(
    *,
    profile: str | None = None,
    run: BenchmarkRun | None = None,
    province: str | None = None,
    operator: str | None = None,
) -> QuerySet[BenchmarkBasketCost]:
    """Basket costs per province and operator (cheapest covering tier or repeat), cheapest first per profile."""
    run = _run_or_latest(run)
    if run is None:
        return BenchmarkBasketCost.objects.none()
    costs = BenchmarkBasketCost.objects.filter(run=run)
    if profile:
        costs = costs.filter(profile=profile)
    if province:
        costs = costs.filter(province_code=province)
    if operator:
        costs = costs.filter(operator_code=operator)
    return costs.order_by("profile", "cost_cny", "province_code", "operator_code")
