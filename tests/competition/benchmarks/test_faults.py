"""Faults: the broker down or hanging, a worker killed mid-recompute, a task failing past its retries.

These run with real commits (transaction=True) because what they check happens after a commit:
the on_commit hook that publishes the recompute, and a second process reading what was published.
"""

from __future__ import annotations

import logging
import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from celery import Celery
from django.conf import settings
from django.db import OperationalError, connection
from django.test import Client
from rest_framework.test import APIClient

from competition.benchmarks import analytics, partitions, scheduling, selectors
from competition.benchmarks.tasks import benchmarks_recompute_task
from competition.models import BenchmarkRow, BenchmarkRun
from plans.models import Tier
from tests.factories import AnalystFactory, PlanFactory, TierFactory

ROOT = Path(settings.BASE_DIR)
CELERY_KEYS = ("broker_url", "result_backend", "task_always_eager", "task_eager_propagates")
DEAD_BROKER = "redis://127.0.0.1:1/0"  # nothing listens on port 1: connection refused at once


def _forget_connections(app: Celery) -> None:
    """Drop every connection pool Celery cached for the previous broker (the producer pool too)."""
    app._pool = None
    app.amqp._producer_pool = None
    app._backend_cache = None
    app._local.__dict__.pop("backend", None)


@pytest.fixture
def celery_on(request) -> Iterator:
    """Point the project's Celery app at a broker (eager mode off); restore it afterwards."""
    from config.celery_app import app

    saved = {key: app.conf[key] for key in CELERY_KEYS}

    def use(broker: str, result_backend: str | None = None) -> Celery:
        app.conf.update(
            broker_url=broker, result_backend=result_backend, task_always_eager=False, task_eager_propagates=False
        )
        _forget_connections(app)
        return app

    yield use
    app.conf.update(saved)
    _forget_connections(app)


def live_broker() -> str:
    broker = getattr(settings, "TEST_CELERY_BROKER_URL", "")
    if not broker:
        if getattr(settings, "REQUIRE_SERVICES", False):
            pytest.fail("REQUIRE_SERVICES=1 but no Redis broker answers")
        pytest.skip("Redis does not answer at 127.0.0.1:6379")
    return broker


@pytest.fixture
def priced(transactional_db):
    analyst = AnalystFactory(username="lin")
    plan = PlanFactory(name_zh="熊猫卡")
    tier = TierFactory(plan=plan, validity_days=7, price_cny=Decimal("50.00"), data_gb=Decimal("20"))
    return {"analyst": analyst, "plan": plan, "tier": tier}


def new_tier_body(plan, validity_days: int = 15) -> dict:
    return {
        "plan": plan.pk,
        "validity_days": validity_days,
        "price_cny": "88.00",
        "data_gb": "40",
        "source": plan.source_id,
    }


@pytest.fixture
def hanging_broker() -> Iterator[str]:
    """A broker that accepts connections and never answers (a stuck Redis, a half-open network path)."""
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen(8)
    try:
        yield f"redis://127.0.0.1:{listener.getsockname()[1]}/0"
    finally:
        listener.close()


def post_timed(client: APIClient, body: dict) -> tuple[Any, float]:
    started = time.monotonic()
    response = client.post("/api/v1/tiers/", body, format="json")
    return response, time.monotonic() - started


def test_with_the_broker_down_an_edit_answers_fast_and_the_benchmarks_catch_up_once_it_returns(
    priced, celery_on, caplog
):
    before = scheduling.benchmarks_recompute(trigger="manual")
    # As in production, the result backend is the (dead) broker too: publishing must not touch it.
    celery_on(DEAD_BROKER, result_backend=DEAD_BROKER)
    client = APIClient()
    client.force_authenticate(priced["analyst"])

    with caplog.at_level(logging.WARNING, logger="competition.benchmarks.scheduling"):
        first, _ = post_timed(client, new_tier_body(priced["plan"], 15))  # warms up what a first request loads
        second, seconds = post_timed(client, new_tier_body(priced["plan"], 30))

    assert (first.status_code, second.status_code) == (201, 201), second.content
    assert seconds < 1.0  # was 6 s and more: publish retries, then the recompute inside the request
    assert any("broker unavailable" in message for message in caplog.messages)
    assert BenchmarkRun.objects.count() == 1  # nothing computed in the requests
    assert scheduling.benchmarks_pending_since() is not None
    assert selectors.benchmark_run_latest() == before

    # The broker returns: the catch-up beat's task reaches a worker, and one run covers both edits.
    run_id = benchmarks_recompute_task.apply(kwargs={"trigger": "catch-up", "only_if_pending": True}).get()

    latest = selectors.benchmark_run_latest()
    assert latest.pk == run_id
    edits = {first.json()["id"], second.json()["id"]}
    assert set(BenchmarkRow.objects.filter(run=latest, tier_id__in=edits).values_list("tier_id", flat=True)) == edits
    assert scheduling.benchmarks_pending_since() is None


def test_with_the_broker_hanging_an_edit_waits_no_longer_than_the_publish_timeout(priced, celery_on, hanging_broker):
    celery_on(hanging_broker)
    client = APIClient()
    client.force_authenticate(priced["analyst"])

    post_timed(client, new_tier_body(priced["plan"], 15))  # warm-up
    response, seconds = post_timed(client, new_tier_body(priced["plan"], 30))

    assert response.status_code == 201, response.content
    assert seconds < scheduling.PUBLISH_TIMEOUT_SECONDS + 1.0
    assert not BenchmarkRun.objects.exists()
    assert scheduling.benchmarks_pending_since() is not None


def test_with_the_broker_down_an_admin_write_succeeds_and_stays_pending(priced, celery_on, caplog):
    celery_on(DEAD_BROKER)
    client = Client()
    client.force_login(priced["analyst"])
    plan = priced["plan"]

    with caplog.at_level(logging.WARNING, logger="competition.benchmarks.scheduling"):
        response = client.post(
            "/admin/plans/tier/add/",
            {**new_tier_body(plan, 30), "confidence": "confirmed", "price_qualifier": "exact"},
        )

    assert response.status_code == 302
    tier = Tier.objects.get(plan=plan, validity_days=30)
    assert tier.history.latest().history_user == priced["analyst"]
    assert any("broker unavailable" in message for message in caplog.messages)
    assert not BenchmarkRun.objects.exists()
    assert scheduling.benchmarks_pending_since() is not None


def test_with_the_broker_down_the_admin_recompute_button_says_the_run_is_pending(priced, celery_on):
    celery_on(DEAD_BROKER)
    client = Client()
    client.force_login(priced["analyst"])

    page = client.post("/admin/competition/benchmarkrun/recompute/", follow=True).content.decode()

    assert "The task queue does not answer: the recompute is pending" in page
    assert 'id="benchmark-pending"' in page
    assert not BenchmarkRun.objects.exists()


def test_once_the_broker_is_back_a_change_is_queued_for_the_worker_again(priced, celery_on):
    broker = live_broker()
    celery_on(DEAD_BROKER)
    client = APIClient()
    client.force_authenticate(priced["analyst"])
    assert client.post("/api/v1/tiers/", new_tier_body(priced["plan"], 15), format="json").status_code == 201

    app = celery_on(broker)
    # Recomputes go to the benchmarks workers' queue (settings.CELERY_TASK_ROUTES).
    queue = app.amqp.router.route({}, "competition.benchmarks_recompute")["queue"].name
    # The change feed's matching goes to the other workers' queue.
    matching_queue = app.amqp.router.route({}, "competition.watching_match_changes")["queue"].name
    with app.connection_for_write() as broker_connection:
        broker_connection.default_channel.queue_purge(queue)
        broker_connection.default_channel.queue_purge(matching_queue)
        runs_before = BenchmarkRun.objects.count()
        assert client.post("/api/v1/tiers/", new_tier_body(priced["plan"], 30), format="json").status_code == 201
        queued = (
            broker_connection.default_channel.queue_purge(queue),
            broker_connection.default_channel.queue_purge(matching_queue),
        )

    # Published to Redis for a worker, not run in the request: the recompute and the change feed's matching.
    assert queued == (1, 1)
    assert BenchmarkRun.objects.count() == runs_before
    assert scheduling.benchmarks_pending_since() is not None  # until the worker's run starts reading


KILLABLE_RECOMPUTE = """
import sys, time
import django
django.setup()
from competition.benchmarks import scheduling, services, storage

real_store = storage.benchmark_result_store

def store_then_hang(*, run, result, **kwargs):
    real_store(run=run, result=result, **kwargs)  # every row attached, inside the still-open transaction
    print(f"STORED {run.pk}", flush=True)
    time.sleep(120)

storage.benchmark_result_store = store_then_hang
scheduling.benchmarks_recompute(trigger="manual")
"""


def test_a_worker_killed_mid_recompute_leaves_the_previous_run_published_and_the_next_starts_at_once(priced):
    if connection.vendor != "postgresql":
        pytest.skip("needs a database a second process can share (PostgreSQL)")
    previous = scheduling.benchmarks_recompute(trigger="manual")
    previous_rows = BenchmarkRow.objects.filter(run=previous).count()
    TierFactory(plan=priced["plan"], validity_days=30, price_cny=Decimal("120.00"), data_gb=Decimal("60"))
    db = settings.DATABASES["default"]
    url = f"postgres://{db['USER']}:{db['PASSWORD'] or ''}@{db['HOST']}:{db['PORT']}/{db['NAME']}"
    env = {**os.environ, "DATABASE_URL": url, "DJANGO_SETTINGS_MODULE": "config.settings.test"}

    worker = subprocess.Popen(
        [sys.executable, "-c", KILLABLE_RECOMPUTE], cwd=ROOT, env=env, stdout=subprocess.PIPE, text=True
    )
    try:
        line = worker.stdout.readline()
        assert line.startswith("STORED "), line
        killed_run = int(line.split()[1])
        with pytest.raises(scheduling.BenchmarkBusy):  # a live holder keeps the lease, and its run
            scheduling.benchmarks_recompute(trigger="manual")
        assert BenchmarkRun.objects.get(pk=killed_run).status == BenchmarkRun.Status.RUNNING
        os.kill(worker.pid, signal.SIGKILL)  # what the OOM killer or a lost node does: no cleanup at all
        worker.wait(timeout=30)
    finally:
        if worker.poll() is None:
            worker.kill()

    assert selectors.benchmark_run_latest() == previous
    assert BenchmarkRow.objects.filter(run=previous).count() == previous_rows
    assert BenchmarkRow.objects.filter(run_id=killed_run).count() == 0  # its transaction died with it
    # Its rows' table, committed before the publishing transaction, was never attached: the next run drops it.
    assert partitions.run_partitions_unattached() == {killed_run}
    assert BenchmarkRun.objects.get(pk=killed_run).status == BenchmarkRun.Status.RUNNING
    api = APIClient()
    api.force_authenticate(priced["analyst"])
    published = api.get("/api/v1/benchmarks/per-gb/", {"bucket": "30+"})
    assert published.status_code == 200
    assert f'"run_id":{previous.pk}' in published.content.decode().replace(" ", "")
    # The dead holder's advisory lock went with its session: the next recompute starts at once,
    # fails the abandoned run with the reason, and publishes the new tier.
    started = time.monotonic()
    recovered = scheduling.benchmarks_recompute(trigger="manual", wait_seconds=60)
    assert time.monotonic() - started < 60
    killed = BenchmarkRun.objects.get(pk=killed_run)
    assert (killed.status, killed.error) == (BenchmarkRun.Status.FAILED, scheduling.ABANDONED_ERROR)
    assert selectors.benchmark_run_latest() == recovered
    assert BenchmarkRow.objects.filter(run=recovered, validity_days=30).exists()
    assert partitions.run_partitions_unattached() == set()


def test_a_failing_task_retries_with_backoff_then_reports_in_admin(priced, monkeypatch):
    published = scheduling.benchmarks_recompute(trigger="manual")

    def broken(*args, **kwargs):
        raise OperationalError("could not connect to server: Connection refused")

    monkeypatch.setattr(analytics, "benchmark_table_compute", broken)
    countdowns: list[float] = []
    real_retry = benchmarks_recompute_task.retry

    def recording_retry(*args, **kwargs):
        countdowns.append(kwargs.get("countdown"))
        return real_retry(*args, **kwargs)

    monkeypatch.setattr(benchmarks_recompute_task, "retry", recording_retry)
    app = benchmarks_recompute_task.app
    propagates = app.conf.task_eager_propagates
    app.conf.task_eager_propagates = False  # as on a worker: each retry's failure is recorded, not raised
    try:
        result = benchmarks_recompute_task.apply(kwargs={"trigger": "nightly"}, throw=False)
    finally:
        app.conf.task_eager_propagates = propagates

    assert result.failed()
    assert isinstance(result.result, OperationalError)
    max_retries = benchmarks_recompute_task.max_retries
    assert len(countdowns) == max_retries + 1  # the last call finds the retries spent and gives up
    for attempt, countdown in enumerate(countdowns[:max_retries]):
        assert 0 <= countdown <= min(2**attempt, benchmarks_recompute_task.retry_backoff_max)
    failed = BenchmarkRun.objects.filter(status=BenchmarkRun.Status.FAILED)
    assert failed.count() == max_retries + 1
    assert {run.error for run in failed} == {"OperationalError: could not connect to server: Connection refused"}
    assert selectors.benchmark_run_latest() == published

    admin = Client()
    admin.force_login(priced["analyst"])
    page = admin.get("/admin/competition/benchmarkrun/").content.decode()
    assert 'id="benchmark-failed"' in page
    assert "failed after its retries: OperationalError: could not connect to server: Connection refused" in page
    assert f"Latest complete run #{published.pk}" in page
