"""Filling the benchmark history: a day from a run's result, the days the input changed, the backfill.

Which days: every day the benchmarks' input changed (a benchmarked tier's period or its plan's
sale starts or ends: the dates plans.periods reads), the day before the first of them (the market
before anything dated changed), the first of every month from the first change on, and today.
Each day's points are computed from the tiers in effect on that day
(`inputs.benchmark_input_frame(on=day)`) by the same analytics as a run
(`analytics.history_compute`), so a day recorded from a run and the same day backfilled agree.

After every regular run `benchmark_run_compute` records the run's day from its result, and the
scheduler then fills the days still missing (a backdated price adds a past change day). An in-place
correction of a past price changes days already recorded: `manage.py backfill_benchmark_history
--since DATE --rebuild` recomputes them.
"""

from __future__ import annotations

import datetime
import logging

import pandas as pd
from django.db import transaction
from django.db.models import F, Q
from django.utils import timezone

from competition.benchmarks import analytics, inputs
from competition.benchmarks.history.models import BenchmarkHistoryDay, BenchmarkHistoryPoint
from competition.benchmarks.models import BenchmarkRun
from plans.models import Tier

logger = logging.getLogger(__name__)


def benchmark_history_change_days(*, until: datetime.date, plan_ids: list[int] | None = None) -> list[datetime.date]:
    """The days up to `until` on which a benchmarked tier (of `plan_ids`, when given) started or stopped being
    in effect (four queries)."""
    tiers = Tier.objects.filter(plan__segment__in=inputs.BENCHMARK_SEGMENTS)
    if plan_ids is not None:
        tiers = tiers.filter(plan_id__in=plan_ids)
    days: set[datetime.date] = set()
    for field in ("effective_from", "effective_to", "plan__launched_on", "plan__withdrawn_on"):
        dates = (
            tiers.filter(Q(**{f"{field}__isnull": False}) & Q(**{f"{field}__lte": until}))
            .annotate(changed_on=F(field))
            .values_list("changed_on", flat=True)
            .order_by()
            .distinct()
        )
        days.update(day for day in dates if isinstance(day, datetime.date))
    return sorted(days)


def benchmark_history_days(*, until: datetime.date) -> dict[datetime.date, str]:
    """Every day the history keeps up to `until`, with why: the eve of the first change, change days, month starts
    from the first change on, and `until` itself."""
    changes = benchmark_history_change_days(until=until)
    days: dict[datetime.date, str] = {}
    if changes:
        month = changes[0].replace(day=1)
        while month <= until:
            days[month] = BenchmarkHistoryDay.Reason.MONTHLY
            month = (month + datetime.timedelta(days=32)).replace(day=1)
    if changes:
        # The market as it stood before its first dated change, so a series starts with the old figures.
        days[changes[0] - datetime.timedelta(days=1)] = BenchmarkHistoryDay.Reason.BEFORE
    for day in changes:
        days[day] = BenchmarkHistoryDay.Reason.CHANGE
    days.setdefault(until, BenchmarkHistoryDay.Reason.LATEST)
    return dict(sorted(days.items()))


def benchmark_history_owes_nothing_new(*, plan_ids: list[int], until: datetime.date | None = None) -> bool:
    """Whether the days recorded already include every day these plans' tiers add (after a patch of them).

    True when each of their change days is recorded and none is before the market's first change
    (the recorded eve of it), so the days owed are the ones owed before the edit: the fill, which
    reads every tier's dates, can be skipped. False sends the caller to `benchmark_history_fill`.
    """
    until = until or timezone.localdate()
    recorded = dict(BenchmarkHistoryDay.objects.filter(day__lte=until).values_list("day", "reason"))
    eves = [day for day, reason in recorded.items() if reason == BenchmarkHistoryDay.Reason.BEFORE]
    if until not in recorded or not eves:
        return False
    days = benchmark_history_change_days(until=until, plan_ids=plan_ids)
    return all(day in recorded and day > min(eves) for day in days)


def benchmark_history_record(
    *,
    day: datetime.date,
    points: pd.DataFrame,
    fingerprint: str,
    tier_count: int,
    reason: str,
    run: BenchmarkRun | None = None,
) -> BenchmarkHistoryDay:
    """Store one day's points (`analytics.HISTORY_COLUMNS`), replacing what the day held, in one transaction."""
    with transaction.atomic():
        BenchmarkHistoryDay.objects.filter(day=day).delete()
        record = BenchmarkHistoryDay.objects.create(
            day=day,
            reason=reason,
            run=run,
            methodology_version=analytics.METHODOLOGY_VERSION,
            input_fingerprint=fingerprint,
            input_tier_count=tier_count,
        )
        benchmark_history_points_store(day=record, points=points)
    return record


def benchmark_history_points_store(*, day: BenchmarkHistoryDay, points: pd.DataFrame) -> None:
    """Add a day's points (`analytics.HISTORY_COLUMNS`) to its record (a run's patch replaces a bucket's with it)."""
    BenchmarkHistoryPoint.objects.bulk_create(
        (
            BenchmarkHistoryPoint(
                day=day,
                date=day.day,
                bucket=point["bucket"],
                metric=point["metric"],
                province_code=point["province_code"],
                operator_code=point["operator_code"],
                median_cny=analytics.minor_to_decimal(int(point["median_cents"])),
                min_cny=analytics.minor_to_decimal(int(point["min_cents"])),
                max_cny=analytics.minor_to_decimal(int(point["max_cents"])),
                sample_count=int(point["sample_count"]),
                tier_id=int(point["tier_id"]),
            )
            for point in points.to_dict("records")
        ),
        batch_size=2000,
    )


def benchmark_history_record_run(
    *, run: BenchmarkRun, day: datetime.date, result: analytics.BenchmarkResult
) -> BenchmarkHistoryDay:
    """The day a regular run read, from the run's own result (no second computation)."""
    return benchmark_history_record(
        day=day,
        points=result.history,
        fingerprint=result.fingerprint,
        tier_count=len(result.rows),
        reason=BenchmarkHistoryDay.Reason.RUN,
        run=run,
    )


def benchmark_history_compute_day(
    *, day: datetime.date, reason: str, parameters: analytics.BenchmarkParameters
) -> BenchmarkHistoryDay:
    """Compute and store one day from the tiers in effect on it."""
    tiers = inputs.benchmark_input_frame(on=day)
    points, fingerprint = analytics.history_compute(tiers, parameters=parameters)
    return benchmark_history_record(
        day=day, points=points, fingerprint=fingerprint, tier_count=len(tiers), reason=reason
    )


def benchmark_history_fill(
    *,
    parameters: analytics.BenchmarkParameters,
    until: datetime.date | None = None,
    since: datetime.date | None = None,
    rebuild: bool = False,
) -> list[datetime.date]:
    """Record the history days not recorded yet (all of them from `since` on when `rebuild`); returns the days computed.

    `rebuild` first drops the recorded days from `since` (or all), including days no longer owed.
    Each day is its own transaction, so an interrupted backfill keeps what it finished.
    """
    until = until or timezone.localdate()
    owed = benchmark_history_days(until=until)
    recorded = BenchmarkHistoryDay.objects.all()
    if since is not None:
        owed = {day: reason for day, reason in owed.items() if day >= since}
        recorded = recorded.filter(day__gte=since)
    if rebuild:
        recorded.filter(day__lte=until).delete()
        done: set[datetime.date] = set()
    else:
        done = set(recorded.values_list("day", flat=True))
    computed = []
    for day, reason in owed.items():
        if day in done:
            continue
        benchmark_history_compute_day(day=day, reason=reason, parameters=parameters)
        computed.append(day)
        logger.info("benchmark history: recorded %s (%s)", day, reason)
    return computed
