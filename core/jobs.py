"""Long imports and exports as background jobs: a Job row, a Celery task, progress and a result file.

A domain app registers what a kind of job does with `job_kind` (plans.jobs: the tier import and
export); `job_create` stores the row (and the uploaded file) and queues `core.jobs.run` when the
transaction commits; the worker calls `job_run`. core names no domain: it only knows kinds.

A job survives a worker restart. The task is acked late (settings: CELERY_TASK_ACKS_LATE, and
reject_on_worker_lost on the task), so a worker that dies mid-run leaves its message to be
delivered again. The run itself is idempotent: the handler's writes and the job's "succeeded"
are committed in one transaction under the job row's lock, so a run cut short leaves nothing
behind but `attempts`, and a second delivery of a finished job does nothing.

Progress goes to the cache (settings.CACHES; Redis in production, shared by web and workers), not
to the row: the run's transaction would hide row updates until it commits.
"""

from __future__ import annotations

import logging
import secrets
from collections.abc import Callable
from dataclasses import dataclass
from typing import IO, TYPE_CHECKING, Any

from django.contrib.auth.models import AbstractBaseUser
from django.core.cache import cache
from django.core.files.base import ContentFile, File
from django.db import transaction
from django.utils import timezone

from core.models import Job

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise

logger = logging.getLogger(__name__)
ProgressCallback = Callable[[int, int], None]
PROGRESS_TTL_SECONDS = 24 * 3600


@dataclass
class JobOutput:
    """What a handler hands back: whether it did its work, a summary line, and the file to download."""

    ok: bool
    summary: str
    content: bytes | IO[bytes] = b""  # bytes, or an open file (closed once stored)
    filename: str = ""
    total: int = 0


JobHandler = Callable[[Job, ProgressCallback], JobOutput]


@dataclass(frozen=True)
class JobKind:
    name: str
    label: StrOrPromise
    handler: JobHandler


_KINDS: dict[str, JobKind] = {}


def job_kind(name: str, *, label: StrOrPromise) -> Callable[[JobHandler], JobHandler]:
    """Register the handler of a kind of job (a decorator)."""

    def register(handler: JobHandler) -> JobHandler:
        _KINDS[name] = JobKind(name=name, label=label, handler=handler)
        return handler

    return register


def job_kind_label(name: str) -> StrOrPromise:
    kind = _KINDS.get(name)
    return kind.label if kind else name


def job_create(
    *,
    kind: str,
    actor: AbstractBaseUser | None,
    params: dict[str, Any] | None = None,
    input_content: bytes | None = None,
    input_name: str = "",
) -> Job:
    """Store a job (and its input file, private like evidence files) and queue it once this commits."""
    if kind not in _KINDS:
        raise ValueError(f"unknown job kind {kind!r}; known: {', '.join(sorted(_KINDS))}")
    job = Job(
        kind=kind,
        params=params or {},
        input_name=input_name[:200],
        created_by=actor if actor is not None and actor.is_authenticated else None,  # type: ignore[misc]
    )
    if input_content is not None:
        # A random name: the stored file never carries the analyst's file name into a path.
        job.input_file.save(f"{secrets.token_urlsafe(16)}.upload", ContentFile(input_content), save=False)
    job.save()
    job_id = job.pk
    transaction.on_commit(lambda: _enqueue(job_id))
    return job


def _enqueue(job_id: int) -> None:
    from core.tasks import job_run_task

    job_run_task.delay(job_id)


def _progress_key(job_id: int) -> str:
    return f"core.job.{job_id}.progress"


def job_progress_report(*, job_id: int, done: int, total: int) -> None:
    cache.set(_progress_key(job_id), [done, total], PROGRESS_TTL_SECONDS)


def job_progress(job: Job) -> tuple[int, int]:
    """(rows done, rows in all) as the run last reported it; the stored figures once it finished."""
    if not job.finished:
        live = cache.get(_progress_key(job.pk))
        if live:
            return int(live[0]), int(live[1])
    return job.progress, job.total


def job_run(*, job_id: int) -> str:
    """Run a job to its end once, whatever the number of deliveries; returns its status."""
    with transaction.atomic():
        job = Job.objects.select_for_update().filter(pk=job_id).first()
        if job is None or job.finished:
            return job.status if job else "missing"
        if job.attempts:
            logger.warning("job %s: run %s after an interrupted one", job_id, job.attempts + 1)
        job.status, job.attempts, job.started_at = Job.Status.RUNNING, job.attempts + 1, timezone.now()
        job.save(update_fields=["status", "attempts", "started_at"])
    kind = _KINDS[job.kind]
    try:
        with transaction.atomic():
            locked = Job.objects.select_for_update().get(pk=job_id)
            if locked.finished:  # another delivery finished it while this one waited for the lock
                return locked.status
            output = kind.handler(
                locked, lambda done, total: job_progress_report(job_id=job_id, done=done, total=total)
            )
            _finish(locked, output)
    except Exception as error:
        logger.exception("job %s (%s) failed", job_id, job.kind)
        Job.objects.filter(pk=job_id).update(
            status=Job.Status.FAILED, summary=f"{error.__class__.__name__}: {error}", finished_at=timezone.now()
        )
        return Job.Status.FAILED
    return locked.status


def _finish(job: Job, output: JobOutput) -> None:
    job.status = Job.Status.SUCCEEDED if output.ok else Job.Status.FAILED
    job.summary = output.summary
    job.total = output.total
    job.progress = output.total if output.ok else job.progress
    job.finished_at = timezone.now()
    if isinstance(output.content, bytes):
        if output.content:
            job.result_file.save(_stored_name(output.filename), ContentFile(output.content), save=False)
    else:
        with output.content as handle:
            job.result_file.save(_stored_name(output.filename), File(handle), save=False)
    if job.result_file:
        job.result_name = output.filename[:200]
    job.save()


def _stored_name(filename: str) -> str:
    return f"{secrets.token_urlsafe(16)}-{filename}"
