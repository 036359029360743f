"""A real Celery worker on Redis picks the recompute task up and stores a run.

Skipped (with the reason) when Redis does not answer, unless REQUIRE_SERVICES=1, where a
missing broker fails the test instead. The worker runs in a thread of this process and
shares the test database, so the test commits for real (transaction=True).
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from decimal import Decimal

import pytest
from celery import Celery
from celery.contrib.testing.worker import start_worker
from django.conf import settings

from competition.benchmarks import scheduling
from competition.benchmarks.tasks import benchmarks_recompute_task
from competition.models import BenchmarkRow, BenchmarkRun
from plans import services as plan_services
from tests.factories import PlanFactory, TierFactory

pytestmark = [pytest.mark.worker, pytest.mark.django_db(transaction=True)]

OVERRIDES = ("broker_url", "result_backend", "task_always_eager", "task_eager_propagates")


def _forget_connections(app: Celery) -> None:
    """Drop the producer pools and result backend Celery cached for the previous configuration.

    Eager apply_async still acquires a producer, so an earlier eager test leaves pools bound to
    the default broker (amqp://localhost); a task sent through them would never reach Redis.
    """
    app._pool = None
    app.amqp._producer_pool = None
    app._backend_cache = None
    app._local.__dict__.pop("backend", None)


@pytest.fixture
def broker_app() -> Iterator[Celery]:
    """The project's Celery app pointed at the test Redis database, eager mode off, restored afterwards."""
    broker = getattr(settings, "TEST_CELERY_BROKER_URL", "")
    if not broker:
        if getattr(settings, "REQUIRE_SERVICES", False):
            pytest.fail("REQUIRE_SERVICES=1 but no Redis broker answers: the worker test must run")
        pytest.skip("Redis does not answer at 127.0.0.1:6379; the worker test needs a real broker")
    from config.celery_app import app

    saved = {key: app.conf[key] for key in OVERRIDES}
    app.conf.update(broker_url=broker, result_backend=broker, task_always_eager=False, task_eager_propagates=False)
    _forget_connections(app)
    with app.connection_for_write() as connection:
        connection.default_channel.queue_purge(app.conf.task_default_queue)  # no leftovers of earlier runs
    try:
        yield app
    finally:
        app.conf.update(saved)
        _forget_connections(app)


@pytest.fixture
def worker(broker_app: Celery) -> Iterator[Celery]:
    with start_worker(broker_app, pool="solo", concurrency=1, perform_ping_check=False, loglevel="WARNING"):
        yield broker_app


def test_a_worker_picks_the_task_up_and_stores_a_run(worker):
    tier = TierFactory(validity_days=7, price_cny=Decimal("90"), data_gb=Decimal("30"))
    result = benchmarks_recompute_task.apply_async(kwargs={"trigger": "worker"})
    run_id = result.get(timeout=60)
    run = BenchmarkRun.objects.get(pk=run_id)
    assert (run.status, run.trigger) == (BenchmarkRun.Status.COMPLETE, "worker")
    assert BenchmarkRow.objects.get(run=run, tier_id=tier.pk).price_per_gb_cny == Decimal("3.00")


def test_a_committed_tier_change_reaches_the_worker(worker):
    plan = PlanFactory()
    tier = plan_services.tier_create(
        actor=None, plan=plan, validity_days=7, price_cny=Decimal("70"), data_gb=Decimal("30"), source=plan.source
    )
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        run = BenchmarkRun.objects.filter(status=BenchmarkRun.Status.COMPLETE).first()
        if run is not None:
            break
        time.sleep(0.2)
    else:
        pytest.fail("no benchmark run within 60 s of the tier change")
    assert run.trigger == "change"
    assert BenchmarkRow.objects.get(run=run, tier_id=tier.pk).price_per_gb_cny == Decimal("2.33")
    assert scheduling.benchmarks_pending_since() is None


def test_the_worker_catches_up_on_a_change_whose_publish_was_lost(worker, monkeypatch):
    monkeypatch.setattr(scheduling, "benchmarks_publish", lambda **kwargs: False)  # the broker was down
    plan = PlanFactory()
    tier = plan_services.tier_create(
        actor=None, plan=plan, validity_days=7, price_cny=Decimal("70"), data_gb=Decimal("30"), source=plan.source
    )
    assert scheduling.benchmarks_pending_since() is not None
    monkeypatch.undo()
    # What the per-minute beat sends once the broker is back.
    result = benchmarks_recompute_task.apply_async(kwargs={"trigger": "catch-up", "only_if_pending": True})
    run = BenchmarkRun.objects.get(pk=result.get(timeout=60))
    assert (run.status, run.trigger) == (BenchmarkRun.Status.COMPLETE, "catch-up")
    assert BenchmarkRow.objects.filter(run=run, tier_id=tier.pk).exists()
    assert scheduling.benchmarks_pending_since() is None
