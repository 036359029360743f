"""Background jobs: run once whatever the deliveries, progress, the result file and who may download it."""

from __future__ import annotations

import pytest
from django.core.cache import cache
from django.core.files.base import ContentFile

from core.jobs import JobOutput, job_kind, job_progress, job_run
from core.models import Job
from tests.factories import AnalystFactory

pytestmark = pytest.mark.django_db

RUNS: list[int] = []


@job_kind("tests.count_rows", label="count rows")
def count_rows(job: Job, progress) -> JobOutput:
    RUNS.append(job.pk)
    rows = int(job.params["rows"])
    for done in range(1, rows + 1):
        progress(done, rows)
    if job.params.get("crash_on_attempt") == job.attempts:
        raise SystemExit("worker stopped")  # what a killed worker looks like from inside the run
    return JobOutput(ok=True, summary=f"{rows} rows", content=b"a,b\r\n", filename="rows.csv", total=rows)


@pytest.fixture(autouse=True)
def media_root(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    cache.clear()  # live progress is keyed by job id, and ids repeat across tests on SQLite


def a_job(**params) -> Job:
    return Job.objects.create(kind="tests.count_rows", params=params, created_by=AnalystFactory())


def test_it_runs_a_job_and_stores_its_result_file():
    job = a_job(rows=3)
    assert job_run(job_id=job.pk) == Job.Status.SUCCEEDED
    job.refresh_from_db()
    assert (job.status, job.summary, job.progress, job.total, job.attempts) == ("succeeded", "3 rows", 3, 3, 1)
    assert (job.result_name, job.result_file.read()) == ("rows.csv", b"a,b\r\n")
    assert job.result_file.name.startswith("jobs/results/")


def test_a_second_delivery_of_a_finished_job_does_nothing():
    job = a_job(rows=2)
    job_run(job_id=job.pk)
    RUNS.clear()
    assert job_run(job_id=job.pk) == Job.Status.SUCCEEDED
    assert RUNS == []
    job.refresh_from_db()
    assert job.attempts == 1


def test_a_run_cut_short_leaves_the_job_running_and_the_next_delivery_finishes_it():
    job = a_job(rows=2, crash_on_attempt=1)
    with pytest.raises(SystemExit):
        job_run(job_id=job.pk)
    job.refresh_from_db()
    assert (job.status, job.attempts, bool(job.result_file)) == ("running", 1, False)
    assert job_run(job_id=job.pk) == Job.Status.SUCCEEDED
    job.refresh_from_db()
    assert (job.status, job.attempts, job.progress) == ("succeeded", 2, 2)


def test_progress_is_read_live_while_it_runs_and_from_the_row_once_finished():
    job = a_job(rows=4)
    from core.jobs import job_progress_report

    job_progress_report(job_id=job.pk, done=1, total=4)
    assert job_progress(job) == (1, 4)
    job_run(job_id=job.pk)
    job.refresh_from_db()
    assert job_progress(job) == (4, 4)


def test_only_its_owner_downloads_a_jobs_result(client, analyst):
    job = Job.objects.create(kind="tests.count_rows", created_by=analyst, status="succeeded", result_name="x.csv")
    job.result_file.save("x.csv", ContentFile(b"id\r\n1\r\n"))
    other = AnalystFactory()
    client.force_login(other)
    assert client.get(f"/admin/core/job/{job.pk}/download/").status_code == 403
    client.force_login(analyst)
    response = client.get(f"/admin/core/job/{job.pk}/download/")
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == b"id\r\n1\r\n"
    assert response["Content-Disposition"] == 'attachment; filename="x.csv"'
