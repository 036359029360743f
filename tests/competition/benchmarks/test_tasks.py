"""The recompute task and its triggers: tier changes (on commit, debounced) and the nightly beat."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.conf import settings
from django.db import OperationalError, transaction

from competition.benchmarks import selectors, services
from competition.benchmarks.tasks import TASK_NAME, benchmarks_recompute_task
from competition.models import BenchmarkRow, BenchmarkRun, BenchmarkSchedule
from plans import services as plan_services
from tests.factories import PlanFactory, TierFactory

pytestmark = pytest.mark.django_db


class Recorder:
    def __init__(self) -> None:
        self.calls: list[dict] = []

    def __call__(self, *args, **kwargs) -> None:
        self.calls.append(kwargs)


def test_it_recomputes_after_a_tier_change_commits(django_capture_on_commit_callbacks):
    plan = PlanFactory()
    with django_capture_on_commit_callbacks(execute=True):
        tier = plan_services.tier_create(
            actor=None, plan=plan, validity_days=7, price_cny=Decimal("70"), data_gb=Decimal("30"), source=plan.source
        )
    run = selectors.benchmark_run_latest()
    assert run is not None and run.trigger == "change"
    assert BenchmarkRow.objects.get(run=run, tier_id=tier.pk).price_per_gb_cny == Decimal("2.33")


def test_nothing_is_recomputed_before_the_change_commits(django_capture_on_commit_callbacks):
    plan = PlanFactory()
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        plan_services.tier_create(
            actor=None, plan=plan, validity_days=7, price_cny=Decimal("70"), data_gb=Decimal("30"), source=plan.source
        )
    assert callbacks  # the signal waits for the commit
    assert not BenchmarkRun.objects.exists()


def test_an_edited_price_shows_up_in_the_next_run_without_a_command(django_capture_on_commit_callbacks):
    tier = TierFactory(validity_days=7, price_cny=Decimal("100"), data_gb=Decimal("30"))
    services.benchmarks_recompute()
    with django_capture_on_commit_callbacks(execute=True):
        # What the tier admin does on save: a price change supersedes the tier.
        successor = plan_services.tier_update(tier=tier, changes={"price_cny": Decimal("90")}, actor=None)
    rows = selectors.benchmark_row_list(bucket="1-7")
    assert [(row.tier_id, row.price_per_gb_cny) for row in rows] == [(successor.pk, Decimal("3.00"))]


def test_a_bulk_change_queues_one_task(django_capture_on_commit_callbacks, monkeypatch):
    recorder = Recorder()
    monkeypatch.setattr(benchmarks_recompute_task, "apply_async", recorder)
    plan = PlanFactory()
    with django_capture_on_commit_callbacks(execute=True), transaction.atomic():
        for days in (1, 3, 7, 10, 15, 30):
            plan_services.tier_create(
                actor=None,
                plan=plan,
                validity_days=days,
                price_cny=Decimal("50"),
                data_gb=Decimal("10"),
                source=plan.source,
            )
    assert len(recorder.calls) == 1
    assert recorder.calls[0]["countdown"] == services.DEBOUNCE_SECONDS
    assert recorder.calls[0]["kwargs"]["trigger"] == "change"
    assert BenchmarkSchedule.objects.get(pk=1).dirty is True


def test_a_change_after_the_queued_task_started_queues_again(django_capture_on_commit_callbacks, monkeypatch):
    recorder = Recorder()
    monkeypatch.setattr(benchmarks_recompute_task, "apply_async", recorder)
    TierFactory(validity_days=7)
    with django_capture_on_commit_callbacks(execute=True):
        assert services.benchmarks_request_recompute(trigger="change") is True
        assert services.benchmarks_request_recompute(trigger="change") is False
    services.benchmarks_recompute()  # the queued task runs and clears the queued mark
    with django_capture_on_commit_callbacks(execute=True):
        assert services.benchmarks_request_recompute(trigger="change") is True
    assert len(recorder.calls) == 2


def test_an_analyst_request_is_not_debounced(django_capture_on_commit_callbacks, monkeypatch):
    recorder = Recorder()
    monkeypatch.setattr(benchmarks_recompute_task, "apply_async", recorder)
    with django_capture_on_commit_callbacks(execute=True):
        services.benchmarks_request_recompute(trigger="admin", requested_by_id=None, debounce=False)
        services.benchmarks_request_recompute(trigger="admin", requested_by_id=None, debounce=False)
    assert [call["countdown"] for call in recorder.calls] == [0, 0]


def test_the_task_returns_the_run_readers_now_see():
    TierFactory(validity_days=7)
    run_id = benchmarks_recompute_task.apply(kwargs={"trigger": "nightly"}).get()
    assert run_id == selectors.benchmark_run_latest().pk
    assert BenchmarkRun.objects.get(pk=run_id).trigger == "nightly"


def test_the_task_leaves_the_work_to_a_running_holder():
    TierFactory(validity_days=7)
    with services.benchmark_lease():
        assert benchmarks_recompute_task.apply(kwargs={"trigger": "change"}).get() is None
        assert BenchmarkSchedule.objects.get(pk=1).dirty is True
    assert not BenchmarkRun.objects.exists()


def test_the_task_retries_a_database_hiccup(monkeypatch):
    TierFactory(validity_days=7)
    real = services.benchmarks_recompute
    attempts = []

    def flaky(**kwargs):
        attempts.append(kwargs)
        if len(attempts) == 1:
            raise OperationalError("server closed the connection unexpectedly")
        return real(**kwargs)

    monkeypatch.setattr(services, "benchmarks_recompute", flaky)
    # throw=False: as on a worker, the Retry is handled (eager apply runs the retry in place).
    run_id = benchmarks_recompute_task.apply(kwargs={"trigger": "nightly"}, throw=False).get()
    assert len(attempts) == 2
    assert BenchmarkRun.objects.get(pk=run_id).status == BenchmarkRun.Status.COMPLETE


def test_a_change_trigger_with_nothing_new_stores_no_second_run():
    TierFactory(validity_days=7)
    first = benchmarks_recompute_task.apply(kwargs={"trigger": "change"}).get()
    second = benchmarks_recompute_task.apply(kwargs={"trigger": "change"}).get()
    assert first == second
    assert BenchmarkRun.objects.count() == 1


def test_beat_recomputes_every_night():
    from config.celery_app import app

    entry = settings.CELERY_BEAT_SCHEDULE["benchmarks-nightly"]
    assert entry["task"] == TASK_NAME
    assert entry["kwargs"] == {"trigger": "nightly"}
    assert (entry["schedule"].hour, entry["schedule"].minute) == ({3}, {30})
    app.loader.import_default_modules()
    assert TASK_NAME in app.tasks
