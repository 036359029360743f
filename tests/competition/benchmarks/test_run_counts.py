"""The row counts a run stores (per operator; per province, operator and bucket): set by a full run, kept by a
patch, equal to its rows."""

from __future__ import annotations

from decimal import Decimal

import pandas as pd
import pytest
from django.db.models import Count

from competition.benchmarks import run_counts, scheduling
from competition.models import BenchmarkRow, BenchmarkRun
from plans import services as plan_services
from plans.models import Tier
from tests.markets import market_build

pytestmark = pytest.mark.django_db


def _counted(run: BenchmarkRun) -> dict[str, int]:
    rows = BenchmarkRow.objects.filter(run=run).values_list("operator_code").annotate(n=Count("id")).order_by()
    return dict(sorted(rows))


def _pairs_counted(run: BenchmarkRun) -> dict[str, list[int]]:
    counts: dict[str, list[int]] = {}
    grouped = (
        BenchmarkRow.objects.filter(run=run)
        .values_list("province_code", "operator_code", "bucket", "is_promotional")
        .annotate(n=Count("id"))
        .order_by()
    )
    for province, operator, bucket, promotional, n in grouped:
        counts.setdefault(run_counts.pair_key(province, operator, bucket), [0, 0])[int(promotional)] += n
    return counts


def test_pair_counts_add_the_written_rows_and_drop_the_removed_ones():
    rows = pd.DataFrame(
        {"province_code": ["31", "31", "11"], "operator_code": ["cmcc"] * 3, "is_promotional": [False, True, False]}
    )
    removed = [{"province_code": "11", "operator_code": "cmcc", "bucket": "1-7", "is_promotional": False}]

    counts = run_counts.pair_row_counts(
        rows=rows, buckets=["1-7", "1-7", "30+"], counts={"11|cmcc|1-7": [1, 0], "31|cmcc|1-7": [2, 0]}, removed=removed
    )

    assert counts == {"11|cmcc|30+": [1, 0], "31|cmcc|1-7": [3, 1]}


def test_a_full_run_stores_its_rows_per_province_operator_and_bucket(seed):
    run = scheduling.benchmarks_recompute(trigger="test")

    run.refresh_from_db()
    assert run.pair_row_counts == _pairs_counted(run)
    assert run.pair_row_counts["31|cmcc|1-7"] == [1, 1]  # 上海移动: one priced 1-7 tier, one promotional


def test_counts_add_the_written_rows_and_drop_the_removed_ones():
    rows = pd.DataFrame({"operator_code": ["cmcc", "cmcc", "cucc"]})

    counts = run_counts.operator_row_counts(rows=rows, counts={"cmcc": 5, "ctcc": 1}, removed={"ctcc": 1, "cmcc": 2})

    assert counts == {"cmcc": 5, "cucc": 1}


def test_a_full_run_stores_its_rows_per_operator(seed):
    run = scheduling.benchmarks_recompute(trigger="test")

    run.refresh_from_db()
    assert run.operator_row_counts == _counted(run) == {"cmcc": 9, "ctcc": 3, "cucc": 9}


def test_a_patch_keeps_the_counts_equal_to_the_rows(django_capture_on_commit_callbacks):
    plans = market_build()
    run = scheduling.benchmarks_recompute(trigger="cli")
    before = dict(run.operator_row_counts)
    tier = Tier.objects.filter(plan=plans[0]).order_by("pk").first()
    operator = plans[0].branch.operator.code

    with django_capture_on_commit_callbacks(execute=True):
        plan_services.tier_delete(tier=tier, actor=None)
        plan_services.tier_create(
            actor=None,
            plan=plans[-1],
            validity_days=90,
            price_cny=Decimal("9"),
            data_gb=Decimal("3"),
            source=plans[-1].source,
        )

    run.refresh_from_db()
    assert run.revision >= 1
    assert run.operator_row_counts == _counted(run)
    assert run.pair_row_counts == _pairs_counted(run)
    assert run.operator_row_counts[operator] == before[operator] - 1 + (plans[-1].branch.operator.code == operator)
