"""The one Celery task of core: run a background job (core.jobs) by its id."""

from celery import shared_task

from core.jobs import job_run


# Acked when it returns, and given back to the broker when its worker dies: the job's own
# transaction makes a second run safe (core.jobs).
@shared_task(name="core.jobs.run", acks_late=True, reject_on_worker_lost=True)
def job_run_task(job_id: int) -> str:
    return job_run(job_id=job_id)
