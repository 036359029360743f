"""One scheduling mechanism: the pending flag, the lease that dies with its holder, abandoned runs, coalescing."""

from __future__ import annotations

import os
from datetime import timedelta
from decimal import Decimal

import pytest
from django.db import transaction
from django.utils import timezone

from competition.benchmarks import inputs, scheduling, selectors
from competition.benchmarks.tasks import benchmarks_recompute_task
from competition.models import BenchmarkRow, BenchmarkRun, BenchmarkSchedule
from plans import services as plan_services
from tests.factories import PlanFactory, TierFactory

pytestmark = pytest.mark.django_db


class Recorder:
    """Stands in for the broker: keeps what was published, runs nothing."""

    def __init__(self) -> None:
        self.calls: list[dict] = []

    def __call__(self, *args, **kwargs) -> None:
        self.calls.append(kwargs)

    def deliver(self) -> list[int | None]:
        """What a worker does with the queue: run each published task in turn."""
        calls, self.calls = self.calls, []
        return [benchmarks_recompute_task.apply(kwargs=call["kwargs"]).get() for call in calls]


@pytest.fixture
def broker(monkeypatch) -> Recorder:
    recorder = Recorder()
    monkeypatch.setattr(benchmarks_recompute_task, "apply_async", recorder)
    return recorder


def create_tier(plan, validity_days: int, price: str = "50"):
    return plan_services.tier_create(
        actor=None,
        plan=plan,
        validity_days=validity_days,
        price_cny=Decimal(price),
        data_gb=Decimal("10"),
        source=plan.source,
    )


def abandoned_run() -> BenchmarkRun:
    """The row a worker killed mid-run leaves behind: still `running`, with nobody computing it."""
    return BenchmarkRun.objects.create(
        methodology_version="1.0",
        stage=BenchmarkRun.Stage.STORING,
        progress=60,
        started_at=timezone.now() - timedelta(minutes=5),
    )


def die(lock) -> None:
    """What the OS or the database server does when a holder dies: its session or descriptor goes, no unlock."""
    if isinstance(lock, scheduling.AdvisoryLock):
        lock.connection.close()
    else:
        os.close(lock.fd)


# --------------------------------------------------------------------------- pending


def test_a_tier_change_marks_the_benchmarks_pending_once_it_commits(broker, django_capture_on_commit_callbacks):
    plan = PlanFactory()
    with django_capture_on_commit_callbacks(execute=True), transaction.atomic():
        create_tier(plan, 7)
        # Nothing while the writer's transaction is open: no lock on the schedule row for its length.
        assert scheduling.benchmarks_pending_since() is None
        assert broker.calls == []
    assert scheduling.benchmarks_pending_since() is not None
    assert len(broker.calls) == 1


def test_a_change_that_rolls_back_leaves_nothing_pending(broker, django_capture_on_commit_callbacks):
    plan = PlanFactory()
    with django_capture_on_commit_callbacks(execute=True), pytest.raises(RuntimeError), transaction.atomic():
        create_tier(plan, 7)
        raise RuntimeError("the analyst's request fails after the write")
    assert scheduling.benchmarks_pending_since() is None
    assert broker.calls == []


def test_a_bulk_change_marks_once_and_publishes_one_task(broker, django_capture_on_commit_callbacks):
    plan = PlanFactory()
    with django_capture_on_commit_callbacks(execute=True), transaction.atomic():
        for days in (1, 3, 7, 10, 15, 30):
            create_tier(plan, days)
    assert len(broker.calls) == 1
    assert broker.calls[0]["kwargs"] == {"trigger": "change", "requested_by_id": None, "only_if_pending": True}
    assert BenchmarkSchedule.objects.count() == 1


def test_a_run_clears_the_pending_flag_as_it_starts_reading(broker, monkeypatch):
    TierFactory(validity_days=7)
    scheduling.benchmarks_mark_pending()
    seen = []
    read = inputs.benchmark_input_frame

    def read_and_look(**kwargs):  # kwargs: the day (on=) the run reads
        seen.append(scheduling.benchmarks_pending_since())
        return read(**kwargs)

    monkeypatch.setattr(inputs, "benchmark_input_frame", read_and_look)
    run = scheduling.benchmarks_recompute(trigger="change", only_if_pending=True)
    assert run is not None and run.status == BenchmarkRun.Status.COMPLETE
    assert seen == [None]
    assert scheduling.benchmarks_pending_since() is None
    assert broker.calls == []  # nothing arrived during the run: no follow-up


def test_many_edits_during_a_run_produce_one_follow_up_run(broker, monkeypatch, django_capture_on_commit_callbacks):
    plan = PlanFactory()
    TierFactory(plan=plan, validity_days=7)
    read = inputs.benchmark_input_frame
    edited = []

    def read_while_analysts_edit(**kwargs):  # kwargs: the day (on=) the run reads
        frame = read(**kwargs)
        if not edited:
            for days in (1, 3, 10, 15, 30):  # five edits, each committed while the run computes
                with django_capture_on_commit_callbacks(execute=True):
                    edited.append(create_tier(plan, days))
        return frame

    monkeypatch.setattr(inputs, "benchmark_input_frame", read_while_analysts_edit)
    first = scheduling.benchmarks_recompute(trigger="manual")
    assert first.input_tier_count == 1  # it read before the edits
    # One task per edit, the holder's follow-up as it let go, and the history fill's (run here, eager) as it did.
    assert len(broker.calls) == 7

    results = broker.deliver()

    stored = [run_id for run_id in results if run_id is not None]
    assert len(stored) == 1  # the first task runs; the rest find nothing pending
    follow_up = BenchmarkRun.objects.get(pk=stored[0])
    assert set(BenchmarkRow.objects.filter(run=follow_up).values_list("tier_id", flat=True)) >= {
        tier.pk for tier in edited
    }
    # The edits named their plan: the follow-up patches the first run rather than storing a second.
    assert (BenchmarkRun.objects.count(), follow_up.revision) == (1, 1)
    assert scheduling.benchmarks_pending_since() is None
    assert broker.calls == []


def test_a_change_task_with_nothing_pending_stores_no_run():
    TierFactory(validity_days=7)
    first = benchmarks_recompute_task.apply(kwargs={"trigger": "nightly"}).get()
    again = benchmarks_recompute_task.apply(kwargs={"trigger": "change", "only_if_pending": True}).get()
    assert first is not None and again is None
    assert BenchmarkRun.objects.count() == 1


def test_the_catch_up_beat_recomputes_what_is_still_pending():
    from django.conf import settings

    tier = TierFactory(validity_days=7)
    scheduling.benchmarks_mark_pending()  # a change whose publish was lost
    entry = settings.CELERY_BEAT_SCHEDULE["benchmarks-pending"]
    run_id = benchmarks_recompute_task.apply(kwargs=entry["kwargs"]).get()
    run = BenchmarkRun.objects.get(pk=run_id)
    assert (run.trigger, run.status) == ("catch-up", BenchmarkRun.Status.COMPLETE)
    assert BenchmarkRow.objects.filter(run=run, tier_id=tier.pk).exists()
    assert benchmarks_recompute_task.apply(kwargs=entry["kwargs"]).get() is None  # nothing left


# --------------------------------------------------------------------------- the lease


def test_a_request_that_finds_a_live_run_is_left_pending_for_its_holder(broker):
    TierFactory(validity_days=7)
    with scheduling.benchmark_lease():
        with pytest.raises(scheduling.BenchmarkBusy):
            scheduling.benchmarks_recompute(trigger="cli")
        assert scheduling.benchmarks_pending_since() is not None
        assert benchmarks_recompute_task.apply(kwargs={"trigger": "change", "only_if_pending": True}).get() is None
    assert not BenchmarkRun.objects.exists()


def test_the_holder_runs_once_more_for_a_request_that_found_it_busy(broker, monkeypatch):
    TierFactory(validity_days=7)
    read = inputs.benchmark_input_frame
    busy = []

    def read_while_the_cli_asks(**kwargs):  # kwargs: the day (on=) the run reads
        try:
            scheduling.benchmarks_recompute(trigger="cli")
        except scheduling.BenchmarkBusy:
            busy.append(True)
        return read(**kwargs)

    monkeypatch.setattr(inputs, "benchmark_input_frame", read_while_the_cli_asks)
    scheduling.benchmarks_recompute(trigger="manual")
    monkeypatch.setattr(inputs, "benchmark_input_frame", read)
    assert busy == [True]
    # The holder's follow-up, and the history fill's (run here, eager) as it let go of the lease after it.
    assert [call["kwargs"]["only_if_pending"] for call in broker.calls] == [True, True]
    assert len([run_id for run_id in broker.deliver() if run_id]) == 1


def test_the_lease_is_released_when_the_run_fails(monkeypatch):
    TierFactory(validity_days=7)
    from competition.benchmarks import analytics

    def broken(*args, **kwargs):
        raise RuntimeError("bug")

    monkeypatch.setattr(analytics, "benchmark_table_compute", broken)
    with pytest.raises(RuntimeError):
        scheduling.benchmarks_recompute()
    with scheduling.benchmark_lease():
        pass  # free again


def test_a_run_left_running_by_a_killed_worker_is_failed_and_the_next_recompute_starts():
    tier = TierFactory(validity_days=7)
    elsewhere = scheduling.recompute_lock()
    assert elsewhere.try_acquire()  # the worker, on its own connection (PostgreSQL) or descriptor
    stale = abandoned_run()
    try:
        with pytest.raises(scheduling.BenchmarkBusy):
            scheduling.benchmarks_recompute(trigger="manual")
        stale.refresh_from_db()
        assert stale.status == BenchmarkRun.Status.RUNNING  # its holder is alive: not ours to fail
    finally:
        die(elsewhere)

    run = scheduling.benchmarks_recompute(trigger="manual", wait_seconds=30)

    stale.refresh_from_db()
    assert stale.status == BenchmarkRun.Status.FAILED
    assert stale.error.startswith("Abandoned: the process computing this run stopped")
    assert run.status == BenchmarkRun.Status.COMPLETE
    assert BenchmarkRow.objects.filter(run=run, tier_id=tier.pk).exists()
    assert selectors.benchmark_run_in_progress() is None


def test_the_catch_up_beat_recomputes_what_an_abandoned_run_never_published():
    TierFactory(validity_days=7)
    stale = abandoned_run()  # it had cleared the pending flag when it started, then its worker died
    assert scheduling.benchmarks_pending_since() is None
    run_id = benchmarks_recompute_task.apply(kwargs={"trigger": "catch-up", "only_if_pending": True}).get()
    stale.refresh_from_db()
    assert stale.status == BenchmarkRun.Status.FAILED
    assert BenchmarkRun.objects.get(pk=run_id).status == BenchmarkRun.Status.COMPLETE


def test_two_holders_exclude_each_other_on_their_own_connections_or_descriptors():
    first, second = scheduling.recompute_lock(), scheduling.recompute_lock()
    try:
        assert first.try_acquire()
        assert not second.try_acquire()
        first.release()
        assert second.try_acquire()
    finally:
        first.release()
        second.release()


def test_a_change_while_a_live_run_holds_the_lease_is_not_lost(broker, django_capture_on_commit_callbacks):
    plan = PlanFactory()
    TierFactory(plan=plan, validity_days=7)
    elsewhere = scheduling.recompute_lock()
    assert elsewhere.try_acquire()
    try:
        with django_capture_on_commit_callbacks(execute=True):
            tier = create_tier(plan, 30)
        assert broker.deliver() == [None]  # busy: the task leaves it to the holder
        assert scheduling.benchmarks_pending_since() is not None
    finally:
        elsewhere.release()
    run_id = benchmarks_recompute_task.apply(kwargs={"trigger": "catch-up", "only_if_pending": True}).get()
    assert BenchmarkRow.objects.filter(run_id=run_id, tier_id=tier.pk).exists()
