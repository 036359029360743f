"""The recompute task and its triggers: tier changes (published on commit), the catch-up beat and the nightly beat."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.conf import settings
from django.db import OperationalError

from competition.benchmarks import scheduling, selectors
from competition.benchmarks.history import services as history_services
from competition.benchmarks.tasks import TASK_NAME, benchmarks_history_fill_task, benchmarks_recompute_task
from competition.models import BenchmarkHistoryDay, BenchmarkRow, BenchmarkRun
from plans import services as plan_services
from tests.competition.benchmarks.dated_changes import LATER, first_change, on
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


def _history_days() -> list:
    return list(BenchmarkHistoryDay.objects.order_by("day").values_list("day", flat=True))


def test_a_full_recompute_hands_the_history_fill_to_a_task_of_its_own(seed, monkeypatch):
    recorder = Recorder()
    monkeypatch.setattr(benchmarks_history_fill_task, "delay", recorder)
    first_change()  # saved outside the services: a backdated change the next run finds owed
    with on(LATER):
        scheduling.benchmarks_recompute(trigger="nightly")
    assert recorder.calls == [{}]
    assert _history_days() == [LATER]  # the run records its own day; the days owed wait for the task


def test_the_history_fill_task_records_the_days_a_recompute_left_owed(seed):
    first_change()
    with on(LATER):
        scheduling.benchmarks_recompute(trigger="nightly")  # eager: the fill task runs when the lease is let go
        owed = sorted(history_services.benchmark_history_days(until=LATER))
    assert len(owed) == 5  # the eve, the change, two month starts and today
    assert _history_days() == owed


def test_the_history_fill_waits_for_a_recompute_holding_the_lease_then_gives_up(seed):
    first_change()
    with on(LATER), scheduling.benchmark_lease(), pytest.raises(scheduling.BenchmarkBusy):
        scheduling.benchmarks_history_fill(wait_seconds=0)
    assert not BenchmarkHistoryDay.objects.exists()


def test_a_recompute_that_found_the_history_fill_holding_the_lease_is_published_when_it_lets_go(seed, monkeypatch):
    recorder = Recorder()
    monkeypatch.setattr(benchmarks_recompute_task, "apply_async", recorder)
    real_fill = history_services.benchmark_history_fill

    def fill_while_an_edit_arrives(**kwargs):
        # The edit's recompute finds the lease held: it leaves its change pending for the holder.
        with pytest.raises(scheduling.BenchmarkBusy):
            scheduling.benchmarks_recompute(trigger="change")
        return real_fill(**kwargs)

    monkeypatch.setattr(history_services, "benchmark_history_fill", fill_while_an_edit_arrives)
    scheduling.benchmarks_history_fill()
    assert [call["kwargs"]["trigger"] for call in recorder.calls] == ["change"]


def test_the_history_fill_task_retries_when_the_lease_is_busy(seed, monkeypatch):
    first_change()
    real = scheduling.benchmarks_history_fill
    attempts = []

    def busy_once():
        attempts.append(1)
        if len(attempts) == 1:
            raise scheduling.BenchmarkBusy("another benchmark recompute is running")
        return real()

    monkeypatch.setattr(scheduling, "benchmarks_history_fill", busy_once)
    with on(LATER):
        # throw=False: as on a worker, the Retry is handled (eager apply runs the retry in place).
        days = benchmarks_history_fill_task.apply(throw=False).get()
    assert len(attempts) == 2
    assert days == [day.isoformat() for day in _history_days()]


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
