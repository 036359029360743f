"""The tier admin's background doors: a long import confirmed into a job, the export form, the job's page."""

from __future__ import annotations

import re
from decimal import Decimal

import pytest
from django.core.cache import cache
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from core.models import Job
from plans.models import Tier
from tests.factories import AnalystFactory, PlanFactory, TierFactory
from tests.responses import body

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def media_root(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    cache.clear()  # live progress is keyed by job id, and ids repeat across tests on SQLite


@pytest.fixture
def analyst_browser(db) -> Client:
    client = Client()
    client.force_login(AnalystFactory(username="lin"))
    return client


def test_a_long_import_is_confirmed_into_a_job_whose_page_shows_its_progress(
    analyst_browser, settings, django_capture_on_commit_callbacks
):
    settings.TIER_IMPORT_BACKGROUND_ROWS = 2
    plan = PlanFactory()
    text = f"plan,validity_days,price_cny,data_gb\n{plan.pk},7,85.00,30\n{plan.pk},15,125.00,60\n"
    upload = SimpleUploadedFile("market.csv", text.encode(), content_type="text/csv")
    page = analyst_browser.post("/admin/plans/tier/import/", {"import_file": upload}).content.decode()
    token = re.search(r'name="token" value="([^"]+)"', page).group(1)
    with django_capture_on_commit_callbacks(execute=True):
        confirmed = analyst_browser.post("/admin/plans/tier/process_import/", {"token": token})
    job = Job.objects.get()
    assert confirmed["Location"] == f"/admin/core/job/{job.pk}/change/"
    assert (job.kind, job.status, job.input_name, job.created_by.username) == (
        "plans.tier_import",
        "succeeded",
        "market.csv",
        "lin",
    )
    assert sorted(Tier.objects.filter(plan=plan).values_list("validity_days", flat=True)) == [7, 15]
    assert Tier.objects.get(plan=plan, validity_days=7).history.get().history_change_reason == (
        "admin import: market.csv line 2"
    )
    job_page = analyst_browser.get(confirmed["Location"]).content.decode()
    assert '<progress class="job-progress" value="2" max="2">100%</progress> 2 / 2 (100%)' in job_page
    assert "market.csv: imported 2 rows: 2 new, 0 changed, 0 unchanged" in job_page
    assert 'http-equiv="refresh"' not in job_page  # finished: no more reloading


def test_a_waiting_jobs_page_reloads_itself_and_another_analysts_job_is_not_shown(analyst_browser):
    lin = AnalystFactory._meta.model.objects.get(username="lin")
    waiting = Job.objects.create(kind="plans.tier_export", params={"format": "csv"}, created_by=lin)
    page = analyst_browser.get(f"/admin/core/job/{waiting.pk}/change/").content.decode()
    assert '<meta http-equiv="refresh" content="2">' in page
    assert "waiting for a worker" in page
    someone_elses = Job.objects.create(kind="plans.tier_export", created_by=AnalystFactory())
    assert analyst_browser.get(f"/admin/core/job/{someone_elses.pk}/change/").status_code == 302


def test_the_export_form_refuses_an_unknown_province_in_the_apis_words(analyst_browser, viewer_client):
    page = analyst_browser.post("/admin/plans/tier/export-job/", {"format": "csv", "province": "99"})
    assert page.status_code == 200
    api = viewer_client.get("/api/v1/tiers/", {"province": "99", "format": "csv"}).json()["errors"][0]
    assert page.context["form"].errors == {"province": [api["message"]]}
    assert not Job.objects.exists()


def test_the_export_form_starts_a_job_whose_file_downloads(analyst_browser, django_capture_on_commit_callbacks):
    tier = TierFactory(price_cny=Decimal("85.00"), data_gb=Decimal("30"))
    assert 'href="/admin/plans/tier/export-job/"' in analyst_browser.get("/admin/plans/tier/").content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        started = analyst_browser.post(
            "/admin/plans/tier/export-job/", {"format": "csv", "province": tier.plan.branch.province.code}
        )
    job = Job.objects.get()
    assert started["Location"] == f"/admin/core/job/{job.pk}/change/"
    assert job.status == "succeeded"
    download = analyst_browser.get(f"/admin/core/job/{job.pk}/download/")
    lines = body(download).decode("utf-8-sig").splitlines()
    assert lines[0].startswith("id,plan,plan_name")
    assert lines[1].startswith(f"{tier.pk},{tier.plan_id},")
