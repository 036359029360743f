"""core.api.pagination: the tier list's count without scanning a big table (core.counting's rule)."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from rest_framework.test import APIClient

from core import counting
from plans.models import Tier
from tests.factories import BranchFactory, PlanFactory, TierFactory

pytestmark = pytest.mark.django_db


def tier_counts(queries: CaptureQueriesContext) -> list[str]:
    return [query["sql"] for query in queries if "COUNT(" in query["sql"].upper() and "plans_tier" in query["sql"]]


@pytest.fixture
def analysed_tiers(monkeypatch) -> list[Tier]:
    """Five tiers whose table statistics are fresh, and every table counted as big."""
    if connection.vendor != "postgresql":
        pytest.skip("pg_class statistics are PostgreSQL's")
    tiers = [TierFactory(plan=PlanFactory(branch=BranchFactory()), validity_days=1 + number) for number in range(5)]
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE plans_tier")
    monkeypatch.setattr(counting, "ESTIMATE_FROM_ROWS", 1)
    return tiers


def test_the_unfiltered_tier_count_is_the_planner_estimate_not_a_scan(analysed_tiers, viewer_client: APIClient):
    with CaptureQueriesContext(connection) as queries:
        response = viewer_client.get("/api/v1/tiers/", {"page_size": 1})

    assert response.json()["count"] == 5
    assert tier_counts(queries) == []
    assert [query["sql"] for query in queries if "reltuples" in query["sql"]] != []


def test_a_filtered_tier_list_is_counted_exactly_without_the_joins_of_its_columns(
    analysed_tiers, viewer_client: APIClient
):
    with CaptureQueriesContext(connection) as queries:
        response = viewer_client.get("/api/v1/tiers/", {"validity_days_max": 3})

    assert response.json()["count"] == 3
    (count,) = tier_counts(queries)
    assert "JOIN" not in count.upper()


@pytest.mark.parametrize("page", ["last", "5"])
def test_the_last_page_and_a_page_near_the_estimates_end_count_exactly(
    analysed_tiers, viewer_client: APIClient, page: str
):
    with connection.cursor() as cursor:
        # Statistics a little short of the table: an estimate trusted to the end would lose the last page.
        cursor.execute("UPDATE pg_class SET reltuples = 4 WHERE oid = 'plans_tier'::regclass")
    with CaptureQueriesContext(connection) as queries:
        response = viewer_client.get("/api/v1/tiers/", {"page_size": 1, "page": page})

    counts = tier_counts(queries)
    last = viewer_client.get("/api/v1/tiers/", {"page_size": 5}).json()["results"][-1]
    assert response.status_code == 200
    assert response.json()["count"] == 5
    assert response.json()["next"] is None
    assert [row["id"] for row in response.json()["results"]] == [last["id"]]
    assert len(counts) == 1


def test_a_small_tier_table_is_counted_exactly(viewer_client: APIClient):
    TierFactory()

    with CaptureQueriesContext(connection) as queries:
        response = viewer_client.get("/api/v1/tiers/")

    assert response.json()["count"] == 1
    (count,) = tier_counts(queries)
    assert "JOIN" not in count.upper()


def test_a_list_of_a_table_that_stays_small_never_asks_for_statistics(analysed_tiers, viewer_client: APIClient):
    with CaptureQueriesContext(connection) as queries:
        response = viewer_client.get("/api/v1/operators/")

    assert response.status_code == 200
    assert [query["sql"] for query in queries if "reltuples" in query["sql"]] == []
