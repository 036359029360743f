"""The recompute task and its triggers: tier changes (published on commit), the catch-up beat and the nightly beat."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.conf import settings
from django.db import OperationalError

from competition.benchmarks import scheduling, selectors
from competition.benchmarks.tasks import TASK_NAME, benchmarks_recompute_task
from competition.models import BenchmarkRow, BenchmarkRun
from plans import services as plan_services
from tests.factories import PlanFactory, SourceFactory, TierFactory

pytestmark = pytest.mark.django_db


class Recorder:
    def __init__(self) -> None:
        self.calls: list[dict] = []

    def __call__(self, *args, **kwargs) -> None:
        self.calls.append(kwargs)


def test_in_eager_mode_a_tier_change_recomputes_synchronously_once_it_commits(django_capture_on_commit_callbacks):
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
    scheduling.benchmarks_recompute()
    with django_capture_on_commit_callbacks(execute=True):
        # What the tier admin does on save: a price change supersedes the tier.
        successor = plan_services.tier_update(
            tier=tier, changes={"price_cny": Decimal("90")}, actor=None, source=SourceFactory()
        )
    rows = selectors.benchmark_row_list(bucket="1-7")
    assert [(row.tier_id, row.price_per_gb_cny) for row in rows] == [(successor.pk, Decimal("3.00"))]


def test_an_analyst_request_is_published_each_time(monkeypatch):
    recorder = Recorder()
    monkeypatch.setattr(benchmarks_recompute_task, "apply_async", recorder)
    for _ in range(2):
        scheduling.benchmarks_mark_pending()
        assert scheduling.benchmarks_publish(trigger="admin", requested_by_id=None) is True
    assert [call["kwargs"]["trigger"] for call in recorder.calls] == ["admin", "admin"]


def test_the_task_returns_the_run_readers_now_see():
    TierFactory(validity_days=7)
    run_id = benchmarks_recompute_task.apply(kwargs={"trigger": "nightly"}).get()
    assert run_id == selectors.benchmark_run_latest().pk
    assert BenchmarkRun.objects.get(pk=run_id).trigger == "nightly"


def test_the_task_leaves_the_work_to_a_running_holder():
    TierFactory(validity_days=7)
    with scheduling.benchmark_lease():
        assert benchmarks_recompute_task.apply(kwargs={"trigger": "nightly"}).get() is None
        assert scheduling.benchmarks_pending_since() is not None  # the holder runs once more
    assert not BenchmarkRun.objects.exists()


def test_the_task_retries_a_database_hiccup(monkeypatch):
    TierFactory(validity_days=7)
    real = scheduling.benchmarks_recompute
    attempts = []

    def flaky(**kwargs):
        attempts.append(kwargs)
        if len(attempts) == 1:
            raise OperationalError("server closed the connection unexpectedly")
        return real(**kwargs)

    monkeypatch.setattr(scheduling, "benchmarks_recompute", flaky)
    scheduling.benchmarks_mark_pending()
    # throw=False: as on a worker, the Retry is handled (eager apply runs the retry in place).
    kwargs = {"trigger": "change", "only_if_pending": True}
    run_id = benchmarks_recompute_task.apply(kwargs=kwargs, throw=False).get()
    assert len(attempts) == 2
    # The first attempt may have cleared the flag before it failed: the retry runs whatever it finds.
    assert [attempt["only_if_pending"] for attempt in attempts] == [True, False]
    assert BenchmarkRun.objects.get(pk=run_id).status == BenchmarkRun.Status.COMPLETE


def test_beat_recomputes_every_night_and_catches_up_every_minute():
    from config.celery_app import app

    entry = settings.CELERY_BEAT_SCHEDULE["benchmarks-nightly"]
    assert entry["task"] == TASK_NAME
    assert entry["kwargs"] == {"trigger": "nightly"}
    # Just after midnight: a price scheduled for today takes over in the benchmarks on its day.
    assert (entry["schedule"].hour, entry["schedule"].minute) == (
        {0},
        {5},
    )  # just after midnight: a scheduled price takes over on its day
    catch_up = settings.CELERY_BEAT_SCHEDULE["benchmarks-pending"]
    assert catch_up["task"] == TASK_NAME
    assert catch_up["kwargs"] == {"trigger": "catch-up", "only_if_pending": True}
    assert catch_up["schedule"] == 60.0
    app.loader.import_default_modules()
    assert TASK_NAME in app.tasks
