"""API lists read `.values()` rows (core.api.rows): the same JSON as before, a fixed number of queries."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from rest_framework import serializers
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from core.api.rows import RowSerializer
from plans.models import Tier
from plans.serializers import PlanOutputSerializer
from tests.factories import ViewerFactory

# Per list: the queries of one page as a token client makes it (token with its user, COUNT, the rows,
# then one per many-to-many or nested list); the same for a page of 1 row as for every row.
LISTS = [
    ("/api/v1/tiers/", 4),  # + the table's size estimate (core.counting), then the exact COUNT of a small table
    ("/api/v1/perks/", 3),
    ("/api/v1/operators/", 3),
    ("/api/v1/provinces/", 3),
    ("/api/v1/branches/", 3),
    ("/api/v1/partners/", 3),
    ("/api/v1/sources/", 3),
    ("/api/v1/plans/", 4),  # + the perks
    ("/api/v1/launches/", 5),  # + partners, plans
    ("/api/v1/strategies/", 5),  # + milestones, key figures
]


@pytest.fixture
def token_client(db) -> APIClient:
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {Token.objects.create(user=ViewerFactory()).key}")
    return client


def page_queries(client: APIClient, url: str, page_size: int) -> tuple[int, int]:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url, {"page_size": page_size})
    assert response.status_code == 200, response.content[:300]
    return len(queries), len(response.json()["results"])


@pytest.mark.parametrize(("url", "expected"), LISTS)
def test_a_list_costs_the_same_queries_for_one_row_as_for_every_row(seed, token_client, url, expected):
    one, one_rows = page_queries(token_client, url, 1)
    every, every_rows = page_queries(token_client, url, 1000)

    assert (one_rows, every_rows > 1) == (1, True)
    assert one == every == expected


def test_a_tier_row_carries_the_figures_computed_from_its_columns(seed, viewer_client):
    tier = Tier.objects.get(plan__name_zh="熊猫卡", validity_days=7, effective_to__isnull=True)

    row = viewer_client.get("/api/v1/tiers/", {"plan": tier.plan_id, "validity_days": 7}).json()["results"][0]

    assert (row["price_cny"], row["data_gb"], row["price_per_gb_cny"]) == ("90.00", "30.000", "3.00")
    assert (row["price_per_day_cny"], row["price_per_30_days_cny"]) == ("12.86", "385.71")
    assert (row["validity_bucket"], row["status"], row["is_current"]) == ("1-7", "in_effect", True)
    assert row["source_citation"] == tier.source.citation
    assert row["branch_name"] == "上海移动"


def test_a_tier_detail_is_the_list_s_row(seed, viewer_client):
    listed = viewer_client.get("/api/v1/tiers/", {"page_size": 1}).json()["results"][0]

    assert viewer_client.get(f"/api/v1/tiers/{listed['id']}/").json() == listed


def test_it_refuses_a_nested_field_that_does_not_read_rows():
    class Plain(serializers.Serializer):
        name = serializers.CharField()

    class PlanRows(PlanOutputSerializer):
        extra = Plain(many=True, read_only=True)

        class Meta(PlanOutputSerializer.Meta):
            fields = [*PlanOutputSerializer.Meta.fields, "extra"]

    with pytest.raises(TypeError, match=r"PlanRows\.extra: a nested field must be a RowSerializer"):
        PlanRows.values_paths()


def test_it_reads_plain_columns_as_they_are_and_converts_the_others():
    class Rows(RowSerializer, serializers.Serializer):
        name = serializers.CharField()
        price = serializers.DecimalField(max_digits=10, decimal_places=2)
        label = serializers.SerializerMethodField()

        def get_label(self, row):
            return f"{row['name']}: {row['price']}"

    assert Rows().to_representation({"name": "卡", "price": Decimal("5")}) == {
        "name": "卡",
        "price": "5.00",
        "label": "卡: 5",
    }


@pytest.mark.django_db
def test_a_row_on_its_own_reads_its_many_to_many_lists_in_the_related_models_order():
    from plans import selectors
    from plans.serializers import PlanOutputSerializer
    from tests.factories import PerkFactory, PlanFactory

    plan = PlanFactory()
    plan.perks.add(PerkFactory(name_zh="perk b"), PerkFactory(name_zh="perk a"))
    row = PlanOutputSerializer.rows(selectors.plan_list().filter(pk=plan.pk)).get()

    with CaptureQueriesContext(connection) as captured:
        data = PlanOutputSerializer(row).data

    assert data["perk_names"] == ["perk a", "perk b"]
    assert data["perks"] == [perk.pk for perk in plan.perks.order_by("category", "name_zh")]
    assert len(captured) == 1  # ids and names of the perks together
