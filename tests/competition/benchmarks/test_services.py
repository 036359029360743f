"""A run: what it computes and stores from the current tiers, and the selectors over stored runs."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from competition.benchmarks import inputs, scheduling, selectors, storage
from competition.models import (
    BenchmarkBasketCost,
    BenchmarkMatrixCell,
    BenchmarkRow,
    BenchmarkRun,
)
from plans.models import Plan
from tests.factories import BranchFactory, PlanFactory, TierFactory

pytestmark = pytest.mark.django_db


def test_it_stores_the_seeds_7_day_benchmark(seed):
    run = scheduling.benchmarks_recompute(trigger="cli")
    assert run.status == BenchmarkRun.Status.COMPLETE
    assert selectors.benchmark_run_latest() == run
    rows = {
        (row.branch_name_zh, row.validity_days, row.price_cny): row
        for row in selectors.benchmark_row_list(bucket="1-7")
    }
    beijing = rows[("北京移动", 7, Decimal("100.00"))]
    assert (beijing.price_per_gb_cny, beijing.rank, beijing.per_gb_index) == (Decimal("3.33"), 4, Decimal("111.11"))
    shanghai = rows[("上海移动", 7, Decimal("90.00"))]
    assert (shanghai.price_per_gb_cny, shanghai.rank, shanghai.per_gb_index) == (Decimal("3.00"), 3, Decimal("100.00"))
    assert rows[("江西移动", 7, Decimal("70.00"))].price_per_gb_cny == Decimal("2.33")
    assert rows[("深圳联通", 7, Decimal("79.00"))].price_per_gb_cny == Decimal("4.39")
    zhejiang = rows[("浙江联通", 7, Decimal("50.00"))]
    assert (zhejiang.price_per_gb_cny, zhejiang.rank, zhejiang.confidence) == (Decimal("1.67"), 1, "inferred")
    telecom = rows[("上海电信", 7, Decimal("85.00"))]
    assert (telecom.price_per_gb_cny, telecom.per_gb_undefined_reason, telecom.rank) == (None, "data_unknown", None)
    first_day = rows[("上海移动", 1, Decimal("0.00"))]
    assert (first_day.price_per_gb_cny, first_day.is_promotional, first_day.rank) == (Decimal("0.00"), True, None)


def test_it_stores_the_seeds_bucket_summary(seed):
    scheduling.benchmarks_recompute()
    summary = selectors.benchmark_bucket_summary(bucket="1-7")
    assert summary.median_per_gb_cny == Decimal("3.00")
    assert (summary.min_per_gb_cny, summary.max_per_gb_cny) == (Decimal("1.67"), Decimal("4.39"))
    assert summary.sample_count == 5
    assert [s.bucket for s in selectors.benchmark_bucket_summary_list()] == ["1-7", "8-14", "15-29", "30+"]


def test_it_stores_the_seeds_province_operator_matrix(seed):
    scheduling.benchmarks_recompute()
    grid = selectors.province_comparison(bucket="1-7", metric="per_gb")
    values = {key: cell.value_cny for key, cell in grid.cells.items()}
    assert values == {
        ("11", "cmcc"): Decimal("3.33"),
        ("36", "cmcc"): Decimal("2.33"),
        ("31", "cmcc"): Decimal("3.00"),
        ("44", "cucc"): Decimal("4.39"),
        ("33", "cucc"): Decimal("1.67"),
    }
    assert grid.cell("11", "cmcc").branch_name_zh == "北京移动"
    assert grid.cell("11", "ctcc") is None
    assert len(grid.provinces) == 31
    assert grid.cheapest.province_code == "33"


def test_it_stores_basket_costs_from_the_seed(seed):
    scheduling.benchmarks_recompute()
    week = {(c.province_code, c.operator_code): c.cost_cny for c in selectors.basket_cost_list(profile="week-light")}
    # 北京移动 and the 浙江联通 rows plan include no international minutes, so they do not cover this week.
    assert week == {
        ("36", "cmcc"): Decimal("70.00"),
        ("44", "cucc"): Decimal("79.00"),
        ("31", "cmcc"): Decimal("90.00"),
        ("33", "cucc"): Decimal("159.00"),
    }
    jiangxi_month = selectors.basket_cost_list(profile="month", province="36").get()
    assert (jiangxi_month.repeats, jiangxi_month.cost_cny) == (5, Decimal("350.00"))  # 5 x 70 for 30 days


def test_it_records_how_and_from_what_a_run_was_computed(seed):
    run = scheduling.benchmarks_recompute(trigger="cli")
    assert run.methodology_version == "1.2"
    assert len(run.input_fingerprint) == 64
    assert run.row_count == BenchmarkRow.objects.filter(run=run).count()
    assert run.matrix_cell_count == BenchmarkMatrixCell.objects.filter(run=run).count()
    assert run.basket_cost_count == BenchmarkBasketCost.objects.filter(run=run).count()
    assert run.parameters["include_promotional"] is False
    assert run.computed_at is not None
    assert run.trigger == "cli"


def test_it_benchmarks_only_current_visitor_data_plans_on_sale():
    on_sale = TierFactory(validity_days=7)
    TierFactory(validity_days=7, plan=PlanFactory(segment=Plan.Segment.PERK_PACK))
    TierFactory(validity_days=7, plan=PlanFactory(segment=Plan.Segment.OTHER))
    TierFactory(validity_days=7, plan=PlanFactory(withdrawn_on=datetime.date(2020, 1, 1)))
    TierFactory(validity_days=7, effective_from=datetime.date(2024, 1, 1), effective_to=datetime.date(2024, 6, 1))
    welcome = TierFactory(
        validity_days=1, price_cny=Decimal("0"), plan=PlanFactory(segment=Plan.Segment.INBOUND_PROMOTIONAL)
    )
    scheduling.benchmarks_recompute()
    assert set(BenchmarkRow.objects.values_list("tier_id", flat=True)) == {on_sale.pk, welcome.pk}


def test_it_keeps_the_previous_run_when_storing_fails(seed, monkeypatch):
    previous = scheduling.benchmarks_recompute()

    def fail(*args, **kwargs):
        raise RuntimeError("disk full")

    # The rows are already written when the basket costs fail: all of it must roll back.
    monkeypatch.setattr(BenchmarkBasketCost.objects, "bulk_create", fail)
    with pytest.raises(RuntimeError, match="disk full"):
        scheduling.benchmarks_recompute()
    failed = BenchmarkRun.objects.exclude(pk=previous.pk).get()
    assert failed.status == BenchmarkRun.Status.FAILED
    assert "disk full" in failed.error
    assert not BenchmarkRow.objects.filter(run=failed).exists()
    assert selectors.benchmark_run_latest() == previous
    assert selectors.benchmark_row_list(bucket="1-7").count() == 7
    with scheduling.benchmark_lease():
        pass  # the lease is released


def test_its_query_count_does_not_depend_on_the_number_of_tiers():
    branch = BranchFactory()
    for days in (1, 7, 10):
        TierFactory(plan=PlanFactory(branch=branch), validity_days=days)
    for _ in range(4):  # warm up until pruning deletes a run on every pass
        scheduling.benchmarks_recompute()
    with CaptureQueriesContext(connection) as few:
        scheduling.benchmarks_recompute()
    for number in range(60):
        TierFactory(plan=PlanFactory(branch=BranchFactory()), validity_days=1 + number % 40, price_cny=Decimal(number))
    with CaptureQueriesContext(connection) as many:
        run = scheduling.benchmarks_recompute()
    assert run.row_count == 63
    assert len(many.captured_queries) == len(few.captured_queries)


def test_it_computes_again_when_a_price_changed(seed):
    first = scheduling.benchmarks_recompute()
    tier = BenchmarkRow.objects.get(run=first, branch_name_zh="江西移动")
    from plans.models import Tier

    Tier.objects.filter(pk=tier.tier_id).update(price_cny=Decimal("60"))
    second = scheduling.benchmarks_recompute()
    assert second != first
    assert second.input_fingerprint != first.input_fingerprint
    assert BenchmarkRow.objects.get(run=second, tier_id=tier.tier_id).price_per_gb_cny == Decimal("2.00")


def test_it_keeps_only_the_last_three_complete_runs():
    TierFactory(validity_days=7)
    runs = [scheduling.benchmarks_recompute() for _ in range(5)]
    assert list(BenchmarkRun.objects.order_by("id")) == runs[2:]
    assert set(BenchmarkRow.objects.values_list("run_id", flat=True)) == {run.pk for run in runs[2:]}


def test_selectors_return_nothing_before_the_first_run():
    assert selectors.benchmark_run_latest() is None
    assert list(selectors.benchmark_row_list(bucket="1-7")) == []
    assert selectors.benchmark_bucket_summary(bucket="1-7") is None
    assert selectors.province_comparison(bucket="1-7").cells == {}


def test_selectors_name_the_valid_buckets_for_an_unknown_one():
    with pytest.raises(ValueError, match="1-7, 8-14, 15-29, 30\\+"):
        selectors.benchmark_row_list(bucket="7")


def test_the_row_list_filters_by_operator_and_province(seed):
    scheduling.benchmarks_recompute()
    assert {row.branch_name_zh for row in selectors.benchmark_row_list(bucket="1-7", operator="cucc")} == {
        "浙江联通",
        "深圳联通",
    }
    assert {row.branch_name_zh for row in selectors.benchmark_row_list(bucket="1-7", province="31")} == {
        "上海移动",
        "上海电信",
    }
    assert selectors.benchmark_row_list(bucket="1-7", ranked_only=True).count() == 5


def test_the_portable_insert_stores_what_the_postgresql_copy_stores(seed):
    # SQLite (the embedded default) stores rows with one executemany; PostgreSQL with a binary COPY.
    from competition.benchmarks import analytics

    result = analytics.benchmarks_compute(inputs.benchmark_input_frame())
    columns = [column for column in storage.ROW_COLUMNS if column != "run_id"]
    stored = []
    for store in (storage.insert_rows, storage.copy_rows):
        run = BenchmarkRun.objects.create(methodology_version="test")
        store(storage.row_frame(run.pk, result.rows))
        stored.append(list(BenchmarkRow.objects.filter(run=run).order_by("bucket", "position").values_list(*columns)))
    assert stored[0] == stored[1]
    assert len(stored[0]) == 21
