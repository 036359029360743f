"""The benchmark runs in the admin: when the latest was computed, a recompute button, progress."""

from __future__ import annotations

import pytest
from django.test import Client

from competition.benchmarks import scheduling
from competition.models import BenchmarkRun
from tests.factories import TierFactory

pytestmark = pytest.mark.django_db

CHANGELIST = "/admin/competition/benchmarkrun/"
RECOMPUTE = "/admin/competition/benchmarkrun/recompute/"


@pytest.fixture
def analyst_browser(analyst) -> Client:
    client = Client()
    client.force_login(analyst)
    return client


@pytest.fixture
def viewer_browser(viewer) -> Client:
    client = Client()
    client.force_login(viewer)
    return client


def test_it_shows_when_the_latest_run_was_computed(viewer_browser):
    TierFactory(validity_days=7)
    run = scheduling.benchmarks_recompute()
    page = viewer_browser.get(CHANGELIST).content.decode()
    assert f"Latest complete run #{run.pk}, computed" in page
    assert "from 1 tiers (methodology 1.2)" in page


def test_it_says_so_before_the_first_run(viewer_browser):
    assert "No benchmark run has completed yet." in viewer_browser.get(CHANGELIST).content.decode()


@pytest.mark.django_db(transaction=True)
def test_an_analyst_triggers_a_recompute(analyst_browser, analyst):
    # Committed for real, as in `make run`: the eager task runs inside the request.
    TierFactory(validity_days=7)
    page = analyst_browser.get(CHANGELIST).content.decode()
    assert "Recompute benchmarks now" in page
    response = analyst_browser.post(RECOMPUTE, follow=True)
    run = BenchmarkRun.objects.get()
    assert (run.status, run.trigger, run.requested_by) == (BenchmarkRun.Status.COMPLETE, "admin", analyst)
    assert f"Benchmarks recomputed: run #{run.pk}, 1 tiers." in response.content.decode()


def test_a_viewer_cannot_trigger_a_recompute(viewer_browser):
    assert "Recompute benchmarks now" not in viewer_browser.get(CHANGELIST).content.decode()
    assert viewer_browser.post(RECOMPUTE).status_code == 403
    assert not BenchmarkRun.objects.exists()


def test_it_shows_a_running_runs_progress_and_refreshes(viewer_browser):
    BenchmarkRun.objects.create(methodology_version="1.0", stage=BenchmarkRun.Stage.COMPUTING, progress=30)
    page = viewer_browser.get(CHANGELIST).content.decode()
    assert "in progress: Computing (30%)" in page
    assert '<meta http-equiv="refresh" content="3">' in page


def test_runs_are_read_only(analyst_browser):
    TierFactory(validity_days=7)
    run = scheduling.benchmarks_recompute()
    page = analyst_browser.get(f"{CHANGELIST}{run.pk}/change/")
    assert page.status_code == 200
    assert 'name="_save"' not in page.content.decode()
    assert analyst_browser.get(f"{CHANGELIST}{run.pk}/delete/").status_code == 403


def test_it_says_since_when_a_recompute_is_pending(viewer_browser):
    assert 'id="benchmark-pending"' not in viewer_browser.get(CHANGELIST).content.decode()
    scheduling.benchmarks_mark_pending()
    page = viewer_browser.get(CHANGELIST).content.decode()
    assert 'id="benchmark-pending"' in page
    assert "wait for a recompute." in page
