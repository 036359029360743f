"""What a benchmark body and its exports say of the run behind them, patched runs included."""

from __future__ import annotations

import csv
import datetime
import io

import pytest
from django.utils import timezone

from competition.benchmarks import scheduling
from competition.benchmarks.exporting import run_export_values

pytestmark = pytest.mark.django_db

PER_GB = "/api/v1/benchmarks/per-gb/"


@pytest.fixture
def patched(seed):
    run = scheduling.benchmarks_recompute(trigger="cli")
    run.revision, run.updated_at = 3, timezone.make_aware(datetime.datetime(2026, 12, 1, 9, 30))
    run.save(update_fields=["revision", "updated_at"])
    return run


def test_an_unpatched_run_says_revision_0_and_no_patch_time(seed):
    run = scheduling.benchmarks_recompute(trigger="cli")
    values = run_export_values(run)
    assert (values["run_id"], values["run_revision"], values["run_updated_at"]) == (run.pk, 0, None)


def test_the_per_gb_body_names_the_runs_revision_and_patch_time(viewer_client, patched):
    body = viewer_client.get(PER_GB, {"bucket": "1-7"}).json()
    assert (body["run_id"], body["run_revision"]) == (patched.pk, 3)
    assert body["run_updated_at"].startswith("2026-12-01T09:30:00")


def test_every_per_gb_csv_row_carries_the_runs_revision(viewer_client, patched):
    response = viewer_client.get(PER_GB, {"bucket": "1-7", "format": "csv"})
    rows = list(csv.DictReader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert len(rows) == 7
    assert {(row["run_id"], row["run_revision"]) for row in rows} == {(str(patched.pk), "3")}
    assert {row["run_updated_at"][:19] for row in rows} == {"2026-12-01T09:30:00"}


def test_the_benchmark_page_csv_carries_the_runs_revision(client, viewer, patched):
    client.force_login(viewer)
    response = client.get("/compare/benchmarks/", {"bucket": "1-7", "format": "csv"})
    content = b"".join(response.streaming_content) if response.streaming else response.content
    rows = list(csv.DictReader(io.StringIO(content.decode("utf-8-sig"))))
    assert {row["run_revision"] for row in rows} == {"3"}
