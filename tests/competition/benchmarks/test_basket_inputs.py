"""A run's compact basket input: stored after the publish, patched with the run, the same answers as every tier."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext
from hypothesis import given

from competition.benchmarks import analytics, basket_inputs, inputs, scheduling
from competition.compare.selectors import baskets
from competition.models import BenchmarkBasketCover, BenchmarkBasketInput, BenchmarkRun
from plans import services as plan_services
from plans.models import Tier
from tests.competition.compare.test_selectors_baskets import answer_figures
from tests.markets import engine_equality, market_build, market_edit, market_edits

pytestmark = pytest.mark.django_db

PROFILES = [
    analytics.BasketProfile(slug="custom", name="", days=days, data_gb=Decimal(gb), domestic_min=dom, intl_min=intl)
    for days, gb, dom, intl in [
        (7, "20", 0, 0),
        (12, "7.5", 50, 30),
        (1, "0", 0, 0),
        (40, "3", 300, 10),
        (3, "90", 0, 0),
    ]
]


@pytest.fixture
def inline(settings):
    """Eager Celery stores the compact input on publish only when asked (a recompute must not read twice)."""
    settings.BENCHMARK_BASKET_INPUT_INLINE = True


@pytest.fixture
def tier_reads(monkeypatch):
    """How often the basket page read every tier (the input is read by COPY, which no query capture sees)."""
    reads: list[Any] = []
    read = inputs.benchmark_input_frame

    def counted(*args: Any, **kwargs: Any) -> Any:
        reads.append(kwargs)
        return read(*args, **kwargs)

    monkeypatch.setattr(inputs, "benchmark_input_frame", counted)
    return reads


@pytest.fixture
def recompute(django_capture_on_commit_callbacks):
    """A full run, its publish's follow-ups run (they wait for the commit a test's transaction never makes)."""

    def run() -> BenchmarkRun:
        with django_capture_on_commit_callbacks(execute=True):
            stored = scheduling.benchmarks_recompute(trigger="test")
        stored.refresh_from_db()
        return stored

    return run


def _compact_answers(run: BenchmarkRun) -> list[Any]:
    return [answer_figures(baskets.basket_answer_compact(run=run, profile=profile)) for profile in PROFILES]


def _computed_answers() -> list[Any]:
    return [answer_figures(baskets.basket_answer_computed(profile=profile)) for profile in PROFILES]


def _stored(run: BenchmarkRun) -> tuple[list[tuple[Any, ...]], list[tuple[str, ...]]]:
    """The run's choosable tiers and cover classes, without ids."""
    rows = sorted(BenchmarkBasketInput.objects.filter(run=run).values_list(*basket_inputs._FRAME))
    classes = basket_inputs.basket_input_cover_classes(run)
    records = sorted(tuple(str(value) for value in record) for record in classes.to_dict("split")["data"])
    return rows, records


def test_a_published_run_stores_its_compact_input_and_answers_any_profile_as_every_tier(recompute, inline, seed):
    run = recompute()
    run.refresh_from_db()

    assert (run.revision, run.basket_input_revision) == (0, 0)
    assert BenchmarkBasketInput.objects.filter(run=run).exists()
    assert BenchmarkBasketCover.objects.filter(run=run).count() == len(
        set(BenchmarkBasketInput.objects.filter(run=run).values_list("province_code", flat=True))
    )
    assert _compact_answers(run) == _computed_answers()


def test_a_custom_profile_reads_the_compact_input_not_the_tiers_once_stored(recompute, inline, seed, tier_reads):
    recompute()
    tier_reads.clear()

    answer = baskets.basket_answer(days=7, data_gb=Decimal("20"), domestic_min=30, intl_min=10)

    assert tier_reads == []
    assert (answer.costs[0]["branch_name_zh"], answer.costs[0]["cost_cny"]) == ("江西移动", Decimal("70.00"))


def test_without_a_stored_input_a_custom_profile_is_costed_from_every_tier(recompute, seed, tier_reads):
    run = recompute()
    assert run.basket_input_revision is None  # eager Celery, not asked to store inline
    tier_reads.clear()

    answer = baskets.basket_answer(days=7, data_gb=Decimal("20"), domestic_min=30, intl_min=10)

    assert tier_reads == [{"on": None}]
    assert (answer.costs[0]["branch_name_zh"], answer.costs[0]["cost_cny"]) == ("江西移动", Decimal("70.00"))


def test_an_input_of_an_earlier_revision_is_not_used(recompute, inline, seed, tier_reads):
    run = recompute()
    BenchmarkRun.objects.filter(pk=run.pk).update(revision=1)  # as if patched since, its input not yet
    tier_reads.clear()

    baskets.basket_answer(days=7, data_gb=Decimal("20"), domestic_min=30, intl_min=10)

    assert tier_reads == [{"on": None}]


def test_a_run_patched_while_its_input_was_computed_is_left_to_the_next_publish(recompute, inline, seed, monkeypatch):
    recompute()
    run = BenchmarkRun.objects.get()
    BenchmarkRun.objects.filter(pk=run.pk).update(basket_input_revision=None)
    compact = analytics.basket_input_compact

    def patched_meanwhile(*args: Any, **kwargs: Any) -> Any:
        BenchmarkRun.objects.filter(pk=run.pk).update(revision=run.revision + 1)
        return compact(*args, **kwargs)

    monkeypatch.setattr(analytics, "basket_input_compact", patched_meanwhile)

    assert basket_inputs.basket_input_store(run_id=run.pk) is False
    run.refresh_from_db()
    assert (run.revision, run.basket_input_revision) == (1, None)


def test_an_edit_patches_the_input_of_its_province_to_the_new_revision(
    recompute, inline, django_capture_on_commit_callbacks
):
    plans = market_build()
    run = recompute()
    tier = Tier.objects.filter(plan=plans[0], validity_days=1).get()

    with django_capture_on_commit_callbacks(execute=True):
        plan_services.tier_correct(tier=tier, changes={"price_cny": Decimal("0.50")}, actor=None, reason="typo")

    run.refresh_from_db()
    assert (run.revision, run.basket_input_revision) == (1, 1)
    assert _compact_answers(run) == _computed_answers()
    assert BenchmarkBasketInput.objects.get(run=run, tier_id=tier.pk).price_cents == 50


def test_the_compact_answer_costs_the_same_queries_at_any_market_size(recompute, inline, seed):
    run = recompute()
    with CaptureQueriesContext(connection) as small:
        baskets.basket_answer_compact(run=run, profile=PROFILES[0])
    market_build(plans_per_branch=6)
    run = recompute()
    run.refresh_from_db()
    assert basket_inputs.basket_input_ready(run)

    with CaptureQueriesContext(connection) as large:
        baskets.basket_answer_compact(run=run, profile=PROFILES[0])

    assert len(large) == len(small)


@engine_equality
@given(edits=market_edits(picks=7, values=10_000))
def test_a_patched_input_equals_the_input_of_a_full_recompute(
    recompute, inline, edits, django_capture_on_commit_callbacks
):
    try:
        with transaction.atomic():
            plans = market_build()
            run = recompute()
            for edit in edits:
                with django_capture_on_commit_callbacks(execute=True):
                    market_edit(edit, plans)
            patched = BenchmarkRun.objects.get(pk=run.pk)
            assert basket_inputs.basket_input_ready(patched)
            full = recompute()
            full.refresh_from_db()
            assert basket_inputs.basket_input_ready(full)
            assert _stored(patched) == _stored(full)
            assert _compact_answers(patched) == _computed_answers()
            raise _Rollback
    except _Rollback:
        pass


class _Rollback(Exception):
    """Undo one hypothesis example's data so the next starts from an empty market."""
