"""The tier import and export as background jobs: same engine, same columns, a download, a restart survived."""

from __future__ import annotations

import csv
import io
from decimal import Decimal

import pytest
from django.core.cache import cache

from core.jobs import job_create, job_run
from core.models import Job
from core.tasks import job_run_task
from plans.jobs import TIER_EXPORT, TIER_IMPORT
from plans.models import Tier
from tests.factories import PlanFactory, TierFactory

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def media_root(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    cache.clear()  # live progress is keyed by job id, and ids repeat across tests on SQLite


def read_csv(job: Job) -> list[dict[str, str]]:
    with job.result_file.open("rb") as handle:
        return list(csv.DictReader(io.StringIO(handle.read().decode("utf-8-sig"))))


def test_the_export_job_writes_the_apis_columns_for_the_filtered_tiers(analyst, django_capture_on_commit_callbacks):
    tier = TierFactory(price_cny=Decimal("85.00"), data_gb=Decimal("30"), validity_days=7)
    TierFactory()  # another branch's tier, filtered out
    province = tier.plan.branch.province.code
    with django_capture_on_commit_callbacks(execute=True):
        job = job_create(kind=TIER_EXPORT, actor=analyst, params={"format": "csv", "filters": {"province": province}})
    job.refresh_from_db()
    assert (job.status, job.total, job.progress) == ("succeeded", 1, 1)
    rows = read_csv(job)
    assert [(row["id"], row["price_cny"], row["price_per_gb_cny"]) for row in rows] == [(str(tier.pk), "85.00", "2.83")]


def test_the_export_job_refuses_an_unknown_province_with_the_apis_words(analyst):
    job = Job.objects.create(
        kind=TIER_EXPORT, created_by=analyst, params={"format": "csv", "filters": {"province": "99"}}
    )
    assert job_run(job_id=job.pk) == "failed"
    job.refresh_from_db()
    assert job.summary.startswith("The filters were refused: province: ")


def test_an_export_cut_short_by_a_worker_stopping_is_finished_by_the_next_delivery(analyst, monkeypatch):
    tiers = [TierFactory() for _ in range(3)]
    job = Job.objects.create(kind=TIER_EXPORT, created_by=analyst, params={"format": "csv"})
    import plans.jobs

    monkeypatch.setattr(plans.jobs, "EXPORT_CHUNK", 1)
    calls = {"progress": 0}

    def stop_after_the_first_row(*, job_id: int, done: int, total: int) -> None:
        calls["progress"] += 1
        if calls["progress"] == 1:
            raise SystemExit("worker stopped")  # SIGTERM/SIGKILL mid-run, as the run sees it

    import core.jobs

    monkeypatch.setattr(core.jobs, "job_progress_report", stop_after_the_first_row)
    with pytest.raises(SystemExit):
        job_run(job_id=job.pk)
    job.refresh_from_db()
    assert (job.status, job.attempts, bool(job.result_file)) == ("running", 1, False)
    # The broker hands the unacknowledged message to the next worker: the same task runs again.
    assert job_run_task.acks_late and job_run_task.reject_on_worker_lost
    assert job_run_task.run(job.pk) == "succeeded"
    job.refresh_from_db()
    assert (job.status, job.attempts, job.total) == ("succeeded", 2, 3)
    assert sorted(int(row["id"]) for row in read_csv(job)) == sorted(t.pk for t in tiers)


def test_the_import_job_runs_the_engine_and_offers_the_failed_rows(analyst):
    plan = PlanFactory()
    content = (f"plan,validity_days,price_cny,data_gb\r\n{plan.pk},7,85.00,30\r\n{plan.pk},15,-1,30\r\n").encode()
    job = Job.objects.create(kind=TIER_IMPORT, created_by=analyst, input_name="prices.csv")
    from django.core.files.base import ContentFile

    job.input_file.save("in.upload", ContentFile(content))
    assert job_run(job_id=job.pk) == "failed"
    job.refresh_from_db()
    assert job.summary.splitlines() == [
        "prices.csv: 1 error(s); nothing was imported",
        "line 3, price_cny: The price cannot be negative.",
    ]
    assert job.result_name == "prices-failed-rows.csv"
    assert [row["line"] for row in read_csv(job)] == ["3"]
    assert not Tier.objects.filter(plan=plan).exists()
