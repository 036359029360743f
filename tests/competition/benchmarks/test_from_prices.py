"""A "from" price (低至5元/月) is a floor: shown as such, left out of the stored run's ranks and medians."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.test import Client
from rest_framework.test import APIClient

from competition.benchmarks import scheduling
from competition.benchmarks.models import BenchmarkBucketSummary
from plans.models import Plan, Tier
from tests.factories import PlanFactory, TierFactory

pytestmark = pytest.mark.django_db


def foodie_card() -> Tier:
    return Tier.objects.get(plan__branch__name_zh="上海移动", plan__name_zh="吃货卡")


def test_the_foodie_cards_5_cny_is_a_from_price_and_the_other_seed_prices_are_exact(seed) -> None:
    foodie = foodie_card()

    assert (foodie.price_cny, foodie.price_qualifier) == (Decimal("5.00"), Tier.PriceQualifier.FROM)
    assert set(Tier.objects.exclude(pk=foodie.pk).values_list("price_qualifier", flat=True)) == {"exact"}


def test_the_foodie_card_is_unranked_in_the_stored_benchmark_run(seed) -> None:
    run = scheduling.benchmarks_recompute(trigger="cli")

    assert not run.rows.filter(tier_id=foodie_card().pk, rank__isnull=False).exists()


def test_a_from_priced_data_tier_is_stored_unranked_and_out_of_the_median(seed) -> None:
    # 0.01 CNY per GB would rank first and pull the 7-day median from 3.00 to 2.67 were it a price.
    plan = PlanFactory(branch=Plan.objects.get(name_zh="熊猫卡").branch, segment=Plan.Segment.INBOUND_SHORT_TERM)
    floor = TierFactory(
        plan=plan, validity_days=7, price_cny=Decimal("1"), data_gb=Decimal("100"), price_qualifier="from"
    )

    run = scheduling.benchmarks_recompute(trigger="cli")

    stored = run.rows.get(tier_id=floor.pk)
    assert (stored.price_per_gb_cny, stored.rank) == (Decimal("0.01"), None)
    seven = BenchmarkBucketSummary.objects.get(run=run, bucket="1-7")
    assert (seven.median_per_gb_cny, seven.sample_count) == (Decimal("3.00"), 5)


def test_the_api_tier_row_says_from(seed, viewer_client: APIClient) -> None:
    response = viewer_client.get("/api/v1/tiers/", {"q": "吃货卡"})

    assert response.status_code == 200
    (row,) = response.json()["results"]
    assert (row["plan_name"], row["price_cny"], row["price_qualifier"]) == ("吃货卡", "5.00", "from")
    (smart,) = viewer_client.get("/api/v1/tiers/", {"q": "灵动卡", "validity_days": 7}).json()["results"]
    assert smart["price_qualifier"] == "exact"


def test_the_plan_page_shows_the_foodie_card_from_5_cny(seed, client: Client, viewer) -> None:
    client.force_login(viewer)
    plan = foodie_card().plan
    response = client.get(f"/compare/plans/{plan.pk}/")

    assert response.status_code == 200
    html = response.content.decode()

    assert "from ¥5.00" in html
