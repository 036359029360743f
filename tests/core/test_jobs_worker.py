"""A background export survives its worker being killed mid-run: another worker finishes it, once.

Real processes, real broker: worker A (a `celery worker` process on the default queue) takes the
export of 20,000 tiers and is killed (SIGKILL) while it writes; its transaction dies with its
connection, the job row stays "running", and the message, acked late, stays unacknowledged in
Redis. Worker B, started with a short visibility timeout, gets the message back and runs the job
to its end: one result file with every row, attempts = 2. Both workers run in process groups of
their own, which the test ends by their ids. Skipped without PostgreSQL and Redis, unless
REQUIRE_SERVICES=1.
"""

from __future__ import annotations

import csv
import io
import os
import signal
import subprocess
import sys
import time
from decimal import Decimal
from pathlib import Path

import pytest
from django.conf import settings
from django.db import connection

from core.models import Job
from plans.jobs import TIER_EXPORT
from plans.models import Tier
from tests.factories import PlanFactory

pytestmark = [pytest.mark.worker, pytest.mark.django_db(transaction=True)]

ROOT = Path(__file__).resolve().parent.parent.parent
ROWS = 20_000


def _broker_or_skip() -> str:
    broker = getattr(settings, "TEST_CELERY_BROKER_URL", "")
    if broker and connection.vendor == "postgresql":
        return str(broker)
    if getattr(settings, "REQUIRE_SERVICES", False):
        pytest.fail("REQUIRE_SERVICES=1 but PostgreSQL or Redis does not answer")
    pytest.skip("needs PostgreSQL and a Redis broker")


def _worker(name: str, broker: str, media: Path, log: Path, visibility_timeout: int) -> subprocess.Popen:
    db = connection.settings_dict
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "config.settings.local",
        "DATABASE_URL": f"postgresql://{db['USER']}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}",
        "CELERY_BROKER_URL": broker,
        "CELERY_VISIBILITY_TIMEOUT": str(visibility_timeout),
        "DJANGO_MEDIA_ROOT": str(media),
    }
    command = [sys.executable, "-m", "celery", "-A", "config", "worker", "--queues", "default", "--pool", "solo"]
    command += ["--hostname", f"{name}@%h", "--without-gossip", "--without-mingle", "--loglevel", "INFO"]
    with log.open("ab") as output:
        return subprocess.Popen(
            command, cwd=ROOT, env=env, stdout=output, stderr=subprocess.STDOUT, start_new_session=True
        )


def _end(process: subprocess.Popen) -> None:
    for sig in (signal.SIGTERM, signal.SIGKILL):
        try:
            os.killpg(process.pid, sig)
            process.wait(timeout=15)
            return
        except ProcessLookupError:
            return
        except subprocess.TimeoutExpired:
            continue


def _wait_for(predicate, seconds: float) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(0.1)
    return False


def test_an_export_whose_worker_is_killed_mid_run_is_finished_by_another_worker(tmp_path):
    broker = _broker_or_skip()
    from config.celery_app import app

    plans = [PlanFactory() for _ in range(ROWS // Tier.MAX_VALIDITY_DAYS + 1)]
    Tier.objects.bulk_create(
        Tier(
            plan=plans[n // Tier.MAX_VALIDITY_DAYS],
            validity_days=n % Tier.MAX_VALIDITY_DAYS + 1,
            price_cny=Decimal("10.00"),
            source=plans[0].source,
        )
        for n in range(ROWS)
    )
    job = Job.objects.create(kind=TIER_EXPORT, params={"format": "csv"})
    log = tmp_path / "workers.log"
    with app.connection_for_write(broker) as conn:
        conn.default_channel.queue_purge("default")
        app.send_task("core.jobs.run", args=[job.pk], queue="default", connection=conn)
    first = _worker("restartA", broker, tmp_path, log, visibility_timeout=3600)
    second = None
    try:
        running = _wait_for(lambda: Job.objects.filter(pk=job.pk, status="running").exists(), 90)
        assert running, log.read_text(errors="replace")[-3000:]
        os.killpg(first.pid, signal.SIGKILL)  # mid-run: the export of 20,000 rows takes seconds
        first.wait(timeout=15)
        job.refresh_from_db()
        assert (job.status, job.attempts, bool(job.result_file)) == ("running", 1, False)

        second = _worker("restartB", broker, tmp_path, log, visibility_timeout=2)
        finished = _wait_for(lambda: Job.objects.filter(pk=job.pk, status="succeeded").exists(), 120)
        assert finished, log.read_text(errors="replace")[-3000:]
    finally:
        _end(first)
        if second is not None:
            _end(second)
    job.refresh_from_db()
    assert (job.attempts, job.total) == (2, ROWS)
    with (tmp_path / job.result_file.name).open("rb") as handle:
        rows = list(csv.DictReader(io.StringIO(handle.read().decode("utf-8-sig"))))
    assert len(rows) == ROWS
    assert len({row["id"] for row in rows}) == ROWS
