"""The benchmark history: the days it keeps, a bucket's series after two dated changes, backfill = incremental."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest
from django.core.management import call_command

from competition.benchmarks import scheduling, services
from competition.benchmarks.history import selectors as history_selectors
from competition.benchmarks.history import services as history_services
from competition.benchmarks.history.models import BenchmarkHistoryDay, BenchmarkHistoryPoint
from tests.competition.benchmarks.dated_changes import (
    FIRST_CHANGE,
    LATER,
    SECOND_CHANGE,
    first_change,
    on,
    price_change,
    second_change,
)

pytestmark = pytest.mark.django_db

EVE = FIRST_CHANGE - datetime.timedelta(days=1)
MARCH = datetime.date(2027, 3, 1)


def series(**scope: str) -> list[tuple[datetime.date, str, str, str, int]]:
    points = history_selectors.history_series(bucket="1-7", metric="per_gb", **scope)
    return [(p.date, str(p.median_cny), str(p.min_cny), str(p.max_cny), p.sample_count) for p in points]


def backfill() -> None:
    with on(LATER):
        history_services.benchmark_history_fill(parameters=services.benchmark_parameters_default(), rebuild=True)


def test_it_keeps_the_eve_of_the_first_change_each_change_day_each_month_start_and_today(seed) -> None:
    first_change()
    second_change()

    days = history_services.benchmark_history_days(until=LATER)

    assert days == {
        EVE: "before",
        FIRST_CHANGE: "change",
        SECOND_CHANGE: "change",
        MARCH: "monthly",
        LATER: "latest",
    }


def test_the_market_series_after_two_dated_changes_has_the_hand_computed_medians(seed) -> None:
    first_change()
    second_change()

    backfill()

    assert series() == [
        (EVE, "3.00", "1.67", "4.39", 5),
        (FIRST_CHANGE, "2.33", "1.67", "4.39", 5),  # 熊猫卡 90 -> 60 for 30 GB: 2.00
        (SECOND_CHANGE, "3.33", "1.67", "4.39", 5),  # 畅行卡 70 -> 110 for 30 GB: 3.67
        (MARCH, "3.33", "1.67", "4.39", 5),
        (LATER, "3.33", "1.67", "4.39", 5),
    ]


def test_an_operators_series_follows_its_own_tiers(seed) -> None:
    new_panda = first_change()
    second_change()

    backfill()

    # 中国移动's 1-7 day tiers: 畅行卡, 熊猫卡 and 灵动卡.
    assert series(operator="cmcc")[:3] == [
        (EVE, "3.00", "2.33", "3.33", 3),
        (FIRST_CHANGE, "2.33", "2.00", "3.33", 3),
        (SECOND_CHANGE, "3.33", "2.00", "3.67", 3),
    ]
    cheapest = history_selectors.history_series(bucket="1-7", metric="per_gb", operator="cmcc").get(date=FIRST_CHANGE)
    assert cheapest.tier_id == new_panda.pk


def test_a_cell_series_is_the_matrix_cell_of_that_day(seed) -> None:
    first_change()
    backfill()

    shanghai_mobile = series(province="31", operator="cmcc")

    assert shanghai_mobile[:2] == [(EVE, "3.00", "3.00", "3.00", 1), (FIRST_CHANGE, "2.00", "2.00", "2.00", 1)]


def test_a_per_day_series_uses_every_exact_priced_tier(seed) -> None:
    first_change()
    backfill()

    points = history_selectors.history_series(bucket="1-7", metric="per_day", province="31", operator="ctcc")

    # 上海电信's 7-day card has no data volume, so no per-GB, but 85 / 7 = 12.14 a day.
    assert [(p.date, p.median_cny, p.sample_count) for p in points][:1] == [(EVE, Decimal("12.14"), 1)]


def test_a_run_records_its_day_from_its_own_result(seed) -> None:
    with on(LATER):
        run = scheduling.benchmarks_recompute(trigger="cli")

    day = BenchmarkHistoryDay.objects.get(day=LATER)
    assert (day.reason, day.run_id, day.input_tier_count) == ("run", run.pk, run.input_tier_count)
    market = BenchmarkHistoryPoint.objects.get(
        day=day, bucket="1-7", metric="per_gb", province_code="", operator_code=""
    )
    summary = run.summaries.get(bucket="1-7")
    assert (market.median_cny, market.min_cny, market.max_cny, market.sample_count) == (
        summary.median_per_gb_cny,
        summary.min_per_gb_cny,
        summary.max_per_gb_cny,
        summary.sample_count,
    )
    cells = {
        (c.province_code, c.operator_code, c.value_cny, c.sample_count)
        for c in run.matrix_cells.filter(bucket="1-7", metric="per_gb")
    }
    cell_points = (
        BenchmarkHistoryPoint.objects.filter(day=day, bucket="1-7", metric="per_gb")
        .exclude(province_code="")
        .exclude(operator_code="")
    )
    assert {(p.province_code, p.operator_code, p.min_cny, p.sample_count) for p in cell_points} == cells


def test_a_run_with_other_parameters_stays_out_of_the_history(seed) -> None:
    with on(LATER):
        scheduling.benchmarks_recompute(
            trigger="cli", parameters=services.analytics.BenchmarkParameters(include_promotional=True)
        )

    assert not BenchmarkHistoryDay.objects.filter(reason="run").exists()


def point_values() -> list[tuple]:
    return list(
        BenchmarkHistoryPoint.objects.order_by(
            "bucket", "metric", "province_code", "operator_code", "date"
        ).values_list(
            "date",
            "bucket",
            "metric",
            "province_code",
            "operator_code",
            "median_cny",
            "min_cny",
            "max_cny",
            "sample_count",
            "tier_id",
        )
    )


def test_backfill_equals_the_history_the_runs_recorded_as_the_changes_happened(seed) -> None:
    # Incremental: each change is entered on its day and the recompute after it records the history.
    with on(EVE):
        scheduling.benchmarks_recompute(trigger="change")
    with on(FIRST_CHANGE):
        first_change()
        scheduling.benchmarks_recompute(trigger="change")
    with on(SECOND_CHANGE):
        second_change()
        scheduling.benchmarks_recompute(trigger="change")
    with on(LATER):
        scheduling.benchmarks_recompute(trigger="nightly")  # and fills 1 March, which no run saw
    incremental = point_values()
    assert list(BenchmarkHistoryDay.objects.values_list("day", flat=True)) == [
        EVE,
        FIRST_CHANGE,
        SECOND_CHANGE,
        MARCH,
        LATER,
    ]

    backfill()

    assert point_values() == incremental
    assert len(incremental) > 100  # every bucket, metric and scope, not only the market line


def test_the_backfill_command_records_every_missing_day_and_then_nothing(seed, capsys) -> None:
    first_change()
    second_change()

    with on(LATER):
        call_command("backfill_benchmark_history")
        call_command("backfill_benchmark_history")

    out = capsys.readouterr().out
    assert "Recorded 5 history days, 2026-12-31 to 2027-03-15." in out
    assert "The benchmark history was complete; nothing to record." in out


def test_the_backfill_command_refuses_a_malformed_since(seed) -> None:
    from django.core.management.base import CommandError

    with pytest.raises(CommandError, match=r"^--since: Enter the date as YYYY-MM-DD, e.g. 2025-05-01.$"):
        call_command("backfill_benchmark_history", since="2027-02-30")


def test_a_patch_owes_no_new_day_when_its_plans_change_days_are_recorded(seed) -> None:
    changed = first_change()
    second_change()
    backfill()

    with on(LATER):
        assert history_services.benchmark_history_owes_nothing_new(plan_ids=[changed.plan_id])


def test_a_patch_owes_the_day_its_plans_backdated_change_adds(seed) -> None:
    changed = first_change()
    backfill()
    # A day no recorded day is (not a month start either).
    backdated = price_change(plan_zh="畅行卡", validity_days=7, price="110.00", day=datetime.date(2027, 2, 10))

    with on(LATER):
        owes_nothing = history_services.benchmark_history_owes_nothing_new(
            plan_ids=[changed.plan_id, backdated.plan_id]
        )

    assert not owes_nothing
