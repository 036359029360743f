"""An edit patches the latest run; what it stores equals a full recompute of the same tiers."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext
from hypothesis import given

from competition.benchmarks import incremental, scheduling
from competition.models import (
    BenchmarkBasketCost,
    BenchmarkBucketSummary,
    BenchmarkDayPrice,
    BenchmarkHistoryPoint,
    BenchmarkMatrixCell,
    BenchmarkPendingPlan,
    BenchmarkRow,
    BenchmarkRun,
)
from operators.models import Branch
from plans import services as plan_services
from plans.models import Plan, Tier
from tests.markets import engine_equality, market_build, market_edit, market_edits

pytestmark = pytest.mark.django_db


def _stored(run: BenchmarkRun) -> dict[str, Any]:
    """Everything a run stores, without ids: rows, summaries, per-day prices, matrix cells, basket costs, today's
    history points."""

    def rows(queryset: Any, *exclude: str) -> list[tuple[Any, ...]]:
        fields = [f.attname for f in queryset.model._meta.concrete_fields if f.attname not in {"id", *exclude}]
        return sorted(queryset.values_list(*fields), key=repr)

    return {
        "rows": rows(BenchmarkRow.objects.filter(run=run), "run_id"),
        "summaries": rows(BenchmarkBucketSummary.objects.filter(run=run), "run_id"),
        "day_prices": rows(BenchmarkDayPrice.objects.filter(run=run), "run_id"),
        "cells": rows(BenchmarkMatrixCell.objects.filter(run=run), "run_id"),
        "baskets": rows(BenchmarkBasketCost.objects.filter(run=run), "run_id"),
        "history": rows(BenchmarkHistoryPoint.objects.all(), "day_id"),
        "counts": BenchmarkRun.objects.filter(pk=run.pk).values_list(
            "row_count",
            "ranked_count",
            "matrix_cell_count",
            "basket_cost_count",
            "operator_row_counts",
            "pair_row_counts",
        )[0],
    }


@engine_equality
@given(edits=market_edits(picks=50, values=120))
def test_patched_runs_equal_a_full_recompute_after_random_edits(edits, django_capture_on_commit_callbacks):
    try:
        with transaction.atomic():
            plans = market_build()
            run = scheduling.benchmarks_recompute(trigger="cli")
            changed = []
            for edit in edits:
                with django_capture_on_commit_callbacks(execute=True):
                    changed.append(market_edit(edit, plans))
            patched = BenchmarkRun.objects.get(pk=run.pk)
            assert patched == BenchmarkRun.objects.filter(status="complete").order_by("-id").first()
            assert patched.revision >= (1 if any(changed) else 0)
            incrementally = _stored(patched)
            full = scheduling.benchmarks_recompute(trigger="cli")
            assert full.pk != patched.pk
            assert _stored(full) == incrementally
            raise _Rollback
    except _Rollback:
        pass


class _Rollback(Exception):
    """Undo one hypothesis example's data so the next starts from an empty market."""


def test_an_edit_patches_the_latest_run_and_says_so(django_capture_on_commit_callbacks):
    plans = market_build()
    run = scheduling.benchmarks_recompute(trigger="cli")
    tier = Tier.objects.filter(plan=plans[0], validity_days=1).get()
    with django_capture_on_commit_callbacks(execute=True):
        plan_services.tier_correct(tier=tier, changes={"price_cny": Decimal("1.00")}, actor=None, reason="typo")
    run.refresh_from_db()
    assert (run.revision, run.updated_at is not None, BenchmarkRun.objects.count()) == (1, True, 1)
    row = BenchmarkRow.objects.get(run=run, tier_id=tier.pk)
    assert (row.price_cny, row.rank) == (Decimal("1.00"), 1)
    assert not BenchmarkPendingPlan.objects.exists()
    assert scheduling.benchmarks_pending_since() is None


def test_an_unnamed_change_recomputes_in_full():
    market_build()
    first = scheduling.benchmarks_recompute(trigger="cli")
    scheduling.benchmarks_mark_pending()
    second = scheduling.benchmarks_recompute(trigger="change", only_if_pending=True)
    assert (second.pk != first.pk, second.revision) == (True, 0)


def test_a_run_of_an_earlier_day_is_recomputed_not_patched():
    plans = market_build()
    run = scheduling.benchmarks_recompute(trigger="cli")
    run.parameters = {**run.parameters, "as_of": "2020-01-01"}
    run.save(update_fields=["parameters"])
    assert incremental.benchmark_run_patch_latest(plan_ids=[plans[0].pk]) is None


def _patch_queries(plans_per_branch: int) -> int:
    plans = market_build(plans_per_branch)
    run = scheduling.benchmarks_recompute(trigger="cli")
    assert run is not None
    with CaptureQueriesContext(connection) as queries:
        incremental.benchmark_run_patch(run=run, plan_ids=[plans[0].pk])
    return len(queries)


def test_a_patch_costs_as_many_queries_in_a_small_as_in_a_largemarket_build():
    small = _patch_queries(1)
    BenchmarkRun.objects.all().delete()
    Tier.objects.all().delete()
    Plan.objects.all().delete()
    Branch.objects.all().delete()
    large = _patch_queries(8)
    assert small == large
    assert large <= 100  # about 30 per bucket the edit touches (three here), the rest fixed
