"""When a benchmark recompute runs, and who runs it: one pending flag and one lease.

- Pending. Once a change to the benchmarks' input commits, it marks a recompute owed
  (`BenchmarkSchedule.pending_since`, one short UPDATE of its own) and publishes a "recompute if
  pending" task. Marking after the commit, not inside the writer's transaction, keeps writers
  from queueing behind one locked row (a long import would block every edit); the cost is a
  window between the commit and the mark where a crash loses the mark, which the nightly run covers.
  A run clears the flag when it starts reading the input; a change committed during the run sets it
  again, and the run publishes one follow-up when it finishes. So a burst of edits costs at most one
  run in progress plus one after it, and a change is never lost: if the broker is down the flag
  stays set (logged, the request answers as usual) until the next publish, the per-minute catch-up
  beat or the nightly run.
- Lease. One run at a time, held for the run by a lock that dies with its holder: a session-level
  advisory lock on PostgreSQL (on a connection of its own), an exclusive file lock beside the
  database elsewhere (the embedded SQLite default). The OS or the server releases it however the
  holder ends, so nothing ever waits for an expiry. Whoever takes the lease finds any run still
  marked `running` abandoned (its holder is gone), marks it failed, and recomputes what it owed.
- Without a broker (eager Celery, `make run`) publishing runs the task in-process, so an edit
  recomputes synchronously once it commits.

- Patch or full run. A change that names its plans leaves them in BenchmarkPendingPlan; the run
  drains them with the flag and patches the latest run (competition.benchmarks.incremental). A
  change that does not (an analyst's recompute, the nightly beat, a retry) owes a full run.

Flow: plans' tiers_changed (after the commit) -> `benchmarks_mark_pending(plan_ids=...)` and
`benchmarks_publish` -> the task -> `benchmarks_recompute` -> the lease, clear the flag and drain the
plans -> `incremental.benchmark_run_patch_latest`, or `services.benchmark_run_compute` for a full run.
"""

from __future__ import annotations

import datetime
import logging
import os
import tempfile
import time
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any, Protocol

from django.conf import settings
from django.db import DatabaseError, connection, connections, router, transaction
from django.db.backends.base.base import BaseDatabaseWrapper
from django.db.models import F, Value
from django.db.models.functions import Coalesce
from django.utils import timezone
from kombu.exceptions import OperationalError as KombuOperationalError

from competition.benchmarks import analytics, incremental, services
from competition.benchmarks.history import services as history_services
from competition.benchmarks.models import BenchmarkPendingPlan, BenchmarkRun, BenchmarkSchedule
from core.publishing import broker_mark_down, broker_recently_down

logger = logging.getLogger(__name__)

# pg_try_advisory_lock key of the recompute lease ("bnchmrk" in ASCII); advisory keys are per database.
ADVISORY_LOCK_KEY = 0x626E63686D726B
# How long an edit may wait for the broker before it leaves the recompute pending (connect and each reply).
PUBLISH_TIMEOUT_SECONDS = float(getattr(settings, "BENCHMARK_PUBLISH_TIMEOUT_SECONDS", 0.5))
# How long the history fill waits for a recompute holding the lease (a full one takes seconds) before retrying.
HISTORY_FILL_WAIT_SECONDS = 120.0
ABANDONED_ERROR = (
    "Abandoned: the process computing this run stopped before it finished "
    "(found running while nobody held the recompute lease)."
)


class BenchmarkBusy(Exception):
    """Another recompute holds the lease; the request stays pending, so the holder runs once more."""


# --------------------------------------------------------------------------- pending


def benchmarks_mark_pending(*, plan_ids: Iterable[int] | None = None) -> None:
    """Note that a recompute is owed, after the change that owes it committed.

    With `plan_ids` (a change that says which plans' tiers it touched) a patch of those plans is
    owed; without, a full recompute. No change is lost whatever the order: the plans are written
    before the flag, and a run clears the flag before it drains the plans and reads the input, so
    either the run reads the change or the flag comes after the clear (the run sees it when it
    finishes and publishes one follow-up).
    """
    if plan_ids is not None:
        BenchmarkPendingPlan.objects.bulk_create(
            [BenchmarkPendingPlan(plan_id=plan_id) for plan_id in sorted(set(plan_ids))], ignore_conflicts=True
        )
    schedule = BenchmarkSchedule.objects.filter(pk=1)
    mark: dict[str, Any] = {"pending_since": Coalesce(F("pending_since"), Value(timezone.now()))}
    if plan_ids is None:
        mark["full_pending"] = Value(True)
    if not schedule.update(**mark):
        BenchmarkSchedule.objects.get_or_create(pk=1)
        schedule.update(**mark)


def benchmarks_pending_since() -> datetime.datetime | None:
    """Since when a recompute is owed (None when the latest run read every change)."""
    return BenchmarkSchedule.objects.filter(pk=1).values_list("pending_since", flat=True).first()


@dataclass(frozen=True)
class Owed:
    """What a run found owed as it started: anything at all, a full recompute, or a patch of these plans."""

    pending: bool
    full: bool
    plan_ids: frozenset[int]


def _pending_clear() -> Owed:
    """Clear the flag and drain the pending plans as a run starts reading (waits for writers that hold them)."""
    with transaction.atomic():
        row = BenchmarkSchedule.objects.select_for_update().filter(pk=1).values("pending_since", "full_pending").first()
        if row is None:
            return Owed(pending=False, full=False, plan_ids=frozenset())
        BenchmarkSchedule.objects.filter(pk=1).update(pending_since=None, full_pending=False)
        with connection.cursor() as cursor:
            table = connection.ops.quote_name(BenchmarkPendingPlan._meta.db_table)
            if connection.vendor == "postgresql":
                cursor.execute(f"DELETE FROM {table} RETURNING plan_id")
                plan_ids = frozenset(plan_id for (plan_id,) in cursor.fetchall())
            else:  # the embedded default: the lease and this transaction keep writers out between the two
                cursor.execute(f"SELECT plan_id FROM {table}")
                plan_ids = frozenset(plan_id for (plan_id,) in cursor.fetchall())
                cursor.execute(f"DELETE FROM {table}")
    return Owed(pending=row["pending_since"] is not None, full=bool(row["full_pending"]), plan_ids=plan_ids)


# --------------------------------------------------------------------------- publish


def benchmarks_publish(*, trigger: str, requested_by_id: int | None = None) -> bool:
    """Hand a "recompute if pending" task to the broker; without one (eager mode) run it here and now.

    Returns False when the broker does not answer within PUBLISH_TIMEOUT_SECONDS: no retries and
    no in-process fallback (a request must not compute the benchmarks), just a warning; the
    recompute stays pending for the next publish, the catch-up beat or the nightly run.
    """
    from competition.benchmarks.tasks import benchmarks_recompute_task

    kwargs = {"trigger": trigger, "requested_by_id": requested_by_id, "only_if_pending": True}
    app = benchmarks_recompute_task.app
    if app.conf.task_always_eager:
        benchmarks_recompute_task.apply_async(kwargs=kwargs)
        return True
    if broker_recently_down(app):
        # Another publish of this commit (the change feed's) just found it dead: do not wait twice.
        logger.warning("broker unavailable a moment ago; the benchmark recompute stays pending until it returns")
        return False
    fail_fast = {
        "max_retries": 0,
        "socket_connect_timeout": PUBLISH_TIMEOUT_SECONDS,
        "socket_timeout": PUBLISH_TIMEOUT_SECONDS,
    }
    try:
        # A connection of its own, not the producer pool: the pool would retry for seconds, and the
        # web process never reads the result, so no result backend is touched either.
        with app.connection_for_write(connect_timeout=PUBLISH_TIMEOUT_SECONDS, transport_options=fail_fast) as broker:
            benchmarks_recompute_task.apply_async(kwargs=kwargs, connection=broker, retry=False, ignore_result=True)
    except (KombuOperationalError, OSError) as error:
        broker_mark_down(app)
        logger.warning("broker unavailable (%s); the benchmark recompute stays pending until the broker returns", error)
        return False
    return True


# --------------------------------------------------------------------------- lease


class _Lock(Protocol):
    def try_acquire(self) -> bool: ...

    def release(self) -> None: ...


class AdvisoryLock:
    """PostgreSQL: a session-level advisory lock held on a connection of its own for the whole run.

    The server drops it when that session ends, so a worker killed mid-run (OOM, SIGKILL, a lost
    node) lets go at once. Its own connection keeps it apart from what the run does with Django's
    connection (transactions, a reconnect after an error, the test transaction).
    """

    def __init__(self, alias: str) -> None:
        self.alias = alias
        self.connection: BaseDatabaseWrapper | None = None

    def try_acquire(self) -> bool:
        if self.connection is None:
            self.connection = connections.create_connection(self.alias)
        with self.connection.cursor() as cursor:
            cursor.execute("SELECT pg_try_advisory_lock(%s)", [ADVISORY_LOCK_KEY])
            row = cursor.fetchone()
        return bool(row and row[0])

    def release(self) -> None:
        if self.connection is None:
            return
        try:
            with self.connection.cursor() as cursor:
                cursor.execute("SELECT pg_advisory_unlock(%s)", [ADVISORY_LOCK_KEY])
        except DatabaseError:
            pass  # the session is gone, and its lock with it
        finally:
            self.connection.close()
            self.connection = None


class FileLock:
    """Elsewhere (the embedded SQLite default): an exclusive flock on a file beside the database.

    The OS drops it when the holder's file descriptor closes, however its process ends. Each lock
    opens the file afresh, so two threads of one server exclude each other as two processes do.
    """

    def __init__(self, path: str) -> None:
        self.path = path
        self.fd: int | None = None

    def try_acquire(self) -> bool:
        import fcntl

        fd = os.open(self.path, os.O_RDWR | os.O_CREAT, 0o600)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            os.close(fd)
            return False
        self.fd = fd
        return True

    def release(self) -> None:
        if self.fd is not None:
            os.close(self.fd)  # closing the descriptor releases the lock
            self.fd = None


def recompute_lock() -> _Lock:
    """The lease's lock for the database the runs are written to."""
    alias = router.db_for_write(BenchmarkRun)
    connection = connections[alias]
    if connection.vendor == "postgresql":
        return AdvisoryLock(alias)
    name = str(connection.settings_dict["NAME"])
    if getattr(connection, "is_in_memory_db", lambda: False)():
        # An in-memory database lives in this process only: so does its lease.
        return FileLock(os.path.join(tempfile.gettempdir(), f"telecom-benchmarks-{os.getpid()}.lock"))
    return FileLock(f"{name}.benchmarks.lock")


@contextmanager
def benchmark_lease(*, wait_seconds: float = 0) -> Iterator[int]:
    """Hold the recompute lease for the block; yields how many abandoned runs it marked failed.

    BenchmarkBusy when another live holder keeps it past `wait_seconds`.
    """
    lock = recompute_lock()
    deadline = time.monotonic() + wait_seconds
    try:
        while not lock.try_acquire():
            if time.monotonic() >= deadline:
                raise BenchmarkBusy("another benchmark recompute is running")
            time.sleep(0.5)
        yield _runs_fail_abandoned()
    finally:
        lock.release()


def _runs_fail_abandoned() -> int:
    """Runs left `running` have no live holder once we hold the lease: mark them failed, with the reason."""
    # As-of runs are computed outside the lease, by the request that asked for a past day: never abandoned here.
    running = BenchmarkRun.objects.filter(status=BenchmarkRun.Status.RUNNING, as_of__isnull=True)
    abandoned = list(running.values_list("pk", flat=True))
    if not abandoned:
        return 0
    logger.warning("benchmark runs %s were abandoned by a stopped worker; marking them failed", abandoned)
    return BenchmarkRun.objects.filter(pk__in=abandoned, status=BenchmarkRun.Status.RUNNING).update(
        status=BenchmarkRun.Status.FAILED, error=ABANDONED_ERROR
    )


# --------------------------------------------------------------------------- recompute


def benchmarks_recompute(
    *,
    trigger: str = "manual",
    requested_by_id: int | None = None,
    parameters: analytics.BenchmarkParameters | None = None,
    only_if_pending: bool = False,
    wait_seconds: float = 0,
) -> BenchmarkRun | None:
    """Compute and store a run now, under the lease; returns it (None when `only_if_pending` found nothing owed).

    `only_if_pending` is what change triggers and the catch-up beat use: a run is owed when the flag
    is set or an abandoned run never published its result. Raises BenchmarkBusy when another
    holder keeps the lease past `wait_seconds`; the request is then left pending, so that holder
    publishes one more run when it finishes.
    """
    if only_if_pending and not _recompute_owed():
        return None
    run = None
    patched: frozenset[int] = frozenset()
    history_owed = False
    try:
        with benchmark_lease(wait_seconds=wait_seconds) as abandoned:
            owed = _pending_clear()
            # Unless forced, skip when a run that started after the request has already read its change.
            if not (owed.pending or owed.plan_ids or abandoned or not only_if_pending):
                pass
            elif only_if_pending and not owed.full and not abandoned and parameters is None:
                # Edits that named their plans: patch the latest run (None when it cannot be patched). No
                # plans left means a run that started after the edits has read them already.
                if owed.plan_ids:
                    run = incremental.benchmark_run_patch_latest(plan_ids=owed.plan_ids)
                    if run is None:
                        run = _full(trigger=trigger, requested_by_id=requested_by_id, parameters=parameters)
                    else:
                        patched = owed.plan_ids
            else:
                run = _full(trigger=trigger, requested_by_id=requested_by_id, parameters=parameters)
            # The run recorded today; a backdated price may have added a past change day. After a patch
            # only its plans' dates can have: when those are recorded, nothing is owed.
            history_owed = run is not None and not (
                patched and history_services.benchmark_history_owes_nothing_new(plan_ids=sorted(patched))
            )
    except BenchmarkBusy:
        if not only_if_pending:
            benchmarks_mark_pending()
        raise
    if run is not None and history_owed:
        _history_fill_request(run_id=run.pk)
    _publish_if_pending()
    return run


def _publish_if_pending() -> None:
    """After letting go of the lease: a recompute that found it held has marked the flag by now, and relies on
    the holder to publish it."""
    if benchmarks_pending_since() is None:
        return
    try:
        benchmarks_publish(trigger="change")
    except Exception:  # eager mode runs the follow-up here; what the holder stored stays either way
        logger.exception("the follow-up benchmark recompute failed; the change stays pending")


def benchmarks_history_fill(*, wait_seconds: float | None = None) -> list[datetime.date]:
    """Record the benchmark history's days owed and not recorded yet, under the lease; returns the days computed.

    What a recompute asks for when it is done (`benchmarks_history_fill_task`): the fill reads every
    tier's dates (half a second at a million tiers, whether or not a day is owed), so the run is
    published and the lease let go without waiting for it. Raises BenchmarkBusy when a recompute
    keeps the lease past `wait_seconds` (HISTORY_FILL_WAIT_SECONDS; the task retries).
    """
    with benchmark_lease(wait_seconds=HISTORY_FILL_WAIT_SECONDS if wait_seconds is None else wait_seconds):
        days = history_services.benchmark_history_fill(parameters=services.benchmark_parameters_default())
    _publish_if_pending()
    return days


def _history_fill_request(*, run_id: int) -> None:
    """Hand the history fill to a worker (eager mode: run it here)."""
    from competition.benchmarks.tasks import benchmarks_history_fill_task

    try:
        benchmarks_history_fill_task.delay()
    except Exception:  # the run is published either way; the next run (or the backfill) fills it
        logger.exception("filling the benchmark history after run %s failed", run_id)


def _full(
    *, trigger: str, requested_by_id: int | None, parameters: analytics.BenchmarkParameters | None
) -> BenchmarkRun:
    return services.benchmark_run_compute(trigger=trigger, requested_by_id=requested_by_id, parameters=parameters)


def _recompute_owed() -> bool:
    return (
        benchmarks_pending_since() is not None
        or BenchmarkRun.objects.filter(status=BenchmarkRun.Status.RUNNING, as_of__isnull=True).exists()
    )
