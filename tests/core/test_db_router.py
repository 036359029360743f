"""The read-replica router: the read-only pages and API read from `replica`, writes and the admin use the primary."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.db import connections, transaction
from django.test.utils import CaptureQueriesContext

from core.db_router import ReplicaRouter, replica_reads
from plans.models import Tier
from tests.factories import TierFactory

ROUTED = {"DATABASE_ROUTERS": ["core.db_router.ReplicaRouter"]}


def tier_queries(captured: CaptureQueriesContext) -> list[str]:
    return [query["sql"] for query in captured.captured_queries if '"plans_tier"' in query["sql"]]


def test_reads_go_to_the_replica_only_where_allowed():
    router = ReplicaRouter()
    assert router.db_for_read(Tier) == "default"
    with replica_reads():
        assert router.db_for_read(Tier) == "replica"
        assert router.db_for_write(Tier) == "default"
    assert router.db_for_read(Tier) == "default"


def test_it_migrates_only_the_primary():
    router = ReplicaRouter()
    assert (router.allow_migrate("default", "plans"), router.allow_migrate("replica", "plans")) == (True, False)


@pytest.mark.django_db
def test_a_read_inside_a_transaction_on_the_primary_stays_on_the_primary():
    with transaction.atomic(), replica_reads():
        assert ReplicaRouter().db_for_read(Tier) == "default"


# Committed rows (transaction=True): the replica alias is its own connection to the same database.
@pytest.mark.django_db(transaction=True, databases=["default", "replica"])
def test_the_tier_api_reads_from_the_replica_and_a_write_goes_to_the_primary(analyst_client, settings):
    settings.DATABASE_ROUTERS = ROUTED["DATABASE_ROUTERS"]
    tier = TierFactory(price_cny=Decimal("85.00"), data_gb=Decimal("30"), validity_days=7)
    with (
        CaptureQueriesContext(connections["replica"]) as replica,
        CaptureQueriesContext(connections["default"]) as primary,
    ):
        response = analyst_client.get("/api/v1/tiers/", {"plan": tier.plan_id})
    assert response.status_code == 200
    assert [row["price_cny"] for row in response.json()["results"]] == ["85.00"]
    assert tier_queries(replica) and not tier_queries(primary)

    body = {
        "plan": tier.plan_id,
        "validity_days": 15,
        "price_cny": "125.00",
        "data_gb": "60",
        "source": tier.source_id,
    }
    with (
        CaptureQueriesContext(connections["replica"]) as replica,
        CaptureQueriesContext(connections["default"]) as primary,
    ):
        created = analyst_client.post("/api/v1/tiers/", body, format="json")
    assert created.status_code == 201, created.content
    assert any(sql.startswith('INSERT INTO "plans_tier"') for sql in tier_queries(primary))
    assert not tier_queries(replica)


@pytest.mark.django_db(transaction=True, databases=["default", "replica"])
def test_the_admin_reads_from_the_primary(client, analyst, settings):
    settings.DATABASE_ROUTERS = ROUTED["DATABASE_ROUTERS"]
    TierFactory()
    client.force_login(analyst)
    with CaptureQueriesContext(connections["replica"]) as replica:
        assert client.get("/admin/plans/tier/").status_code == 200
    assert replica.captured_queries == []
