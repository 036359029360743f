"""The stored rank sensitivity: filled after a run is published, refreshed by a patch, read by position.

Every stored read is checked against `rank_sensitivity_computed` (the analytics run on the request,
what the page did before the table existed): the same rows, ranks and order.
"""

from __future__ import annotations

import datetime
import io
from decimal import Decimal
from typing import Any

import pytest
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from rest_framework.test import APIClient

from competition.analyser import selectors, sensitivity
from competition.analyser.models import BenchmarkSensitivityBucket, BenchmarkSensitivityRow
from competition.benchmarks import incremental, scheduling
from competition.models import BenchmarkRun
from plans import services as plan_services
from plans.models import Tier
from plans.pricing import BUCKET_LABELS
from tests.factories import TierFactory
from tests.markets import market_build

pytestmark = pytest.mark.django_db


def _published(django_capture_on_commit_callbacks: Any) -> BenchmarkRun:
    """A full recompute whose after-commit callbacks run, as in production: the follow-up stores the ranks."""
    with django_capture_on_commit_callbacks(execute=True):
        run = scheduling.benchmarks_recompute(trigger="cli")
    assert run is not None
    return run


def _computed(bucket: str) -> list[dict[str, Any]]:
    computed = selectors.rank_sensitivity_computed(
        bucket=bucket, as_of=timezone.localdate(), profiles=selectors.basket_profiles()
    )
    return list(computed.rows)


def _read(bucket: str) -> selectors.Sensitivity:
    return selectors.rank_sensitivity(bucket=bucket)


def test_the_stored_rows_of_the_seed_are_the_computed_rows(seed, django_capture_on_commit_callbacks):
    _published(django_capture_on_commit_callbacks)
    for bucket in BUCKET_LABELS:
        read = _read(bucket)
        assert read.stored, bucket
        assert list(read.rows) == _computed(bucket), bucket
    first = _read("30+").rows[0]
    assert (first["plan_name_zh"], first["price_cny"], first["rank_spread"]) == ("浙江旅游卡", Decimal("259.00"), 3)
    assert first["ranks"] == {
        "per_gb": 5,
        "per_day": 6,
        "per_30_days": 6,
        "week-light": 3,
        "week-data": 5,
        "fortnight": 3,
        "month": 3,
    }


def test_the_stored_rows_of_a_factory_market_are_the_computed_rows(django_capture_on_commit_callbacks):
    market_build()
    run = _published(django_capture_on_commit_callbacks)
    markers = BenchmarkSensitivityBucket.objects.filter(run=run).order_by("bucket")
    assert [(marker.bucket, marker.revision) for marker in markers] == [(b, 0) for b in sorted(BUCKET_LABELS)]
    for bucket in ("1-7", "8-14", "15-29"):
        read = _read(bucket)
        rows = _computed(bucket)
        assert len(rows) == 8
        assert (read.stored, len(read.rows), list(read.rows)) == (True, len(rows), rows)
        assert (read.rows[1:3], read.rows[-1]) == (rows[1:3], rows[-1])
    assert (_read("30+").stored, list(_read("30+").rows)) == (True, [])  # an empty bucket is stored as empty


def test_a_patch_refreshes_its_buckets_and_marks_the_others_without_rewriting_them(
    django_capture_on_commit_callbacks,
):
    plans = market_build()
    run = _published(django_capture_on_commit_callbacks)
    untouched = set(BenchmarkSensitivityRow.objects.filter(run=run, bucket="30+").values_list("id", flat=True))
    tier = Tier.objects.filter(plan=plans[0], validity_days=1).get()
    with django_capture_on_commit_callbacks(execute=True):
        plan_services.tier_correct(tier=tier, changes={"price_cny": Decimal("1.00")}, actor=None, reason="typo")
    run.refresh_from_db()
    assert run.revision == 1
    assert set(BenchmarkSensitivityBucket.objects.filter(run=run).values_list("revision", flat=True)) == {1}
    read = _read("1-7")
    assert read.stored
    assert list(read.rows) == _computed("1-7")
    assert next(row for row in read.rows if row["tier_id"] == tier.pk)["price_cny"] == Decimal("1.00")
    assert set(BenchmarkSensitivityRow.objects.filter(run=run, bucket="30+").values_list("id", flat=True)) == untouched


def test_until_a_patch_is_stored_the_patched_bucket_is_computed_never_the_older_revisions(
    django_capture_on_commit_callbacks,
):
    plans = market_build()
    run = _published(django_capture_on_commit_callbacks)
    tier = Tier.objects.filter(plan=plans[0], validity_days=1).get()
    # Changed and patched, but the follow-up has not run (no after-commit callbacks here).
    plan_services.tier_correct(tier=tier, changes={"price_cny": Decimal("1.00")}, actor=None, reason="typo")
    incremental.benchmark_run_patch(run=run, plan_ids=[tier.plan_id])
    read = _read("1-7")
    assert not read.stored
    assert list(read.rows) == _computed("1-7")
    assert next(row for row in read.rows if row["tier_id"] == tier.pk)["price_cny"] == Decimal("1.00")


def test_before_any_follow_up_the_sensitivity_is_computed(seed):
    scheduling.benchmarks_recompute(trigger="cli")  # its after-commit follow-up never runs in this test
    read = _read("30+")
    assert (read.stored, [row["plan_name_zh"] for row in read.rows][:2]) == (False, ["浙江旅游卡", "熊猫卡"])


def test_another_day_is_computed_for_that_day(django_capture_on_commit_callbacks):
    market_build()
    _published(django_capture_on_commit_callbacks)
    yesterday = timezone.localdate() - datetime.timedelta(days=1)
    read = selectors.rank_sensitivity(bucket="1-7", as_of=yesterday)
    assert (read.stored, read.as_of) == (False, yesterday)


def test_a_follow_up_of_an_older_run_stores_nothing(django_capture_on_commit_callbacks):
    market_build()
    first = scheduling.benchmarks_recompute(trigger="cli")
    _published(django_capture_on_commit_callbacks)
    assert sensitivity.sensitivity_store(run_id=first.pk) == {}
    assert not BenchmarkSensitivityBucket.objects.filter(run=first).exists()


def test_a_new_runs_follow_up_deletes_the_older_runs_rows(django_capture_on_commit_callbacks):
    market_build()
    first = _published(django_capture_on_commit_callbacks)
    second = _published(django_capture_on_commit_callbacks)
    assert not BenchmarkSensitivityRow.objects.filter(run=first).exists()
    assert BenchmarkSensitivityRow.objects.filter(run=second).count() == sum(
        len(_computed(bucket)) for bucket in BUCKET_LABELS
    )


# --------------------------------------------------------------------------- the API's paging and query counts


def _api(client: APIClient, **params: Any) -> Any:
    response = client.get("/api/v1/benchmarks/sensitivity/", {"bucket": "1-7", **params})
    return response.status_code, response.json()


@pytest.mark.parametrize(
    "params",
    [{}, {"page_size": 3}, {"page_size": 3, "page": 2}, {"page_size": 4, "page": "last"}, {"page_size": 3, "page": 99}],
)
def test_the_apis_pages_are_the_same_stored_as_computed(params, viewer_client, django_capture_on_commit_callbacks):
    market_build()
    scheduling.benchmarks_recompute(trigger="cli")
    computed = _api(viewer_client, **params)
    BenchmarkRun.objects.all().delete()
    _published(django_capture_on_commit_callbacks)
    assert _read("1-7").stored
    assert _api(viewer_client, **params) == computed


def _queries(client: Any, url: str) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return len(queries)


@pytest.mark.parametrize(
    "url", ["/compare/sensitivity/?bucket=1-7", "/api/v1/benchmarks/sensitivity/?bucket=1-7&page_size=2"]
)
def test_the_page_and_the_api_cost_the_same_queries_in_a_small_and_a_largemarket_build(
    url, client, viewer, django_capture_on_commit_callbacks
):
    client.force_login(viewer)
    plans = market_build(plans_per_branch=1)
    _published(django_capture_on_commit_callbacks)
    small = _queries(client, url)
    for plan in plans:
        for days in (2, 4, 5, 6):
            TierFactory(plan=plan, validity_days=days, price_cny=Decimal(days * 3), data_gb=Decimal(days))
    _published(django_capture_on_commit_callbacks)
    assert len(_read("1-7").rows) > 2 * len(plans)
    assert _queries(client, url) == small


def _csv(client: Any, url: str) -> str:
    response = client.get(url)
    assert response.status_code == 200
    return (b"".join(response.streaming_content) if response.streaming else response.content).decode()


def test_the_csv_exports_are_the_same_stored_as_computed(client, viewer, django_capture_on_commit_callbacks):
    client.force_login(viewer)
    market_build()
    scheduling.benchmarks_recompute(trigger="cli")
    urls = (
        "/compare/sensitivity/?bucket=1-7&format=csv&table=sensitivity",
        "/api/v1/benchmarks/sensitivity/?bucket=1-7&format=csv",
    )
    computed = [_csv(client, url) for url in urls]
    _published(django_capture_on_commit_callbacks)
    assert _read("1-7").stored
    assert [_csv(client, url) for url in urls] == computed
    assert computed[0].count("\n") == 9  # the header and the bucket's eight tiers


def test_the_command_stores_the_latest_runs_sensitivity(seed):
    run = scheduling.benchmarks_recompute(trigger="cli")  # published without its follow-up
    out = io.StringIO()
    call_command("store_sensitivity", stdout=out)
    assert out.getvalue().startswith(f"run {run.pk} revision 0: 1-7 ")
    assert _read("1-7").stored
