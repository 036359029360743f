"""Reads of the benchmark history: one series (a bucket, a metric, a scope) over the recorded days."""

from __future__ import annotations

import datetime

from django.db.models import F, QuerySet

from competition.benchmarks.history.models import BenchmarkHistoryDay, BenchmarkHistoryPoint
from competition.benchmarks.models import BenchmarkMatrixCell
from plans import pricing

METRICS: tuple[str, ...] = tuple(choice.value for choice in BenchmarkMatrixCell.Metric)


def history_metric_validate(metric: str) -> str:
    """The metric itself; ValueError naming the valid ones (per_gb, per_day, per_30_days) otherwise."""
    if metric not in METRICS:
        raise ValueError(f"unknown metric {metric!r}; expected one of {', '.join(METRICS)}")
    return metric


def history_series(
    *,
    bucket: str,
    metric: str = BenchmarkMatrixCell.Metric.PER_GB,
    province: str | None = None,
    operator: str | None = None,
    since: datetime.date | None = None,
    until: datetime.date | None = None,
) -> QuerySet[BenchmarkHistoryPoint]:
    """A bucket's points by date: the market (no codes), a province, an operator, or a province x operator cell.

    Each point holds from its date until the next one (a price holds until it changes); a day with no
    point in a scope that had one before means nothing was sold there that day. Each point carries
    `run_id` (the run it was recorded from, or None when computed for the day). One query, an index
    range scan on (bucket, metric, province, operator, date). ValueError for an unknown bucket or metric.
    """
    pricing.bucket_bounds(bucket)
    history_metric_validate(metric)
    points = BenchmarkHistoryPoint.objects.filter(
        bucket=bucket, metric=metric, province_code=province or "", operator_code=operator or ""
    )
    if since is not None:
        points = points.filter(date__gte=since)
    if until is not None:
        points = points.filter(date__lte=until)
    return points.annotate(run_id=F("day__run_id")).order_by("date")


def history_series_by(
    *, bucket: str, metric: str, by: str, codes: list[str] | None = None
) -> dict[str, list[BenchmarkHistoryPoint]]:
    """Every province's (`by="province"`) or operator's (`by="operator"`) series of a bucket, in one query.

    `codes` keeps only those; the keys are the codes in code order.
    """
    pricing.bucket_bounds(bucket)
    history_metric_validate(metric)
    if by not in ("province", "operator"):
        raise ValueError(f"unknown grouping {by!r}; expected province or operator")
    points = BenchmarkHistoryPoint.objects.filter(bucket=bucket, metric=metric)
    if by == "province":
        points = points.filter(operator_code="").exclude(province_code="")
    else:
        points = points.filter(province_code="").exclude(operator_code="")
    field = f"{by}_code"
    if codes:
        points = points.filter(**{f"{field}__in": codes})
    series: dict[str, list[BenchmarkHistoryPoint]] = {}
    for point in points.order_by(field, "date"):
        series.setdefault(getattr(point, field), []).append(point)
    return series


def history_day_list() -> QuerySet[BenchmarkHistoryDay]:
    """The recorded days, oldest first."""
    return BenchmarkHistoryDay.objects.order_by("day")
