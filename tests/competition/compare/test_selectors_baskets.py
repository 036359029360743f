"""A stored visitor profile is read from the run's basket costs: the same answer the analytics give on the spot."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from competition.benchmarks import analytics, scheduling
from competition.compare.selectors import baskets

pytestmark = pytest.mark.django_db


@pytest.fixture
def run(seed):
    return scheduling.benchmarks_recompute(trigger="test")


def profile_of(stored: analytics.BasketProfile) -> analytics.BasketProfile:
    return analytics.BasketProfile(
        slug="custom",
        name="",
        days=stored.days,
        data_gb=stored.data_gb,
        domestic_min=stored.domestic_min,
        intl_min=stored.intl_min,
    )


def answer_figures(answer: baskets.BasketAnswer) -> tuple[list[tuple], list[tuple[str, str]]]:
    costs = [
        (
            c["province_code"],
            c["operator_code"],
            int(c["tier_id"]),
            int(c["plan_id"]),
            c["branch_name_zh"],
            c["plan_name_zh"],
            int(c["validity_days"]),
            int(c["repeats"]),
            c["price_cny"],
            c["cost_cny"],
            int(c["candidate_count"]),
        )
        for c in answer.costs
    ]
    return costs, answer.uncovered


@pytest.mark.parametrize("stored", analytics.DEFAULT_BASKETS, ids=lambda p: p.slug)
def test_a_stored_profile_answers_as_the_analytics_compute_it(run, stored: analytics.BasketProfile) -> None:
    profile = profile_of(stored)
    read = baskets.basket_answer(
        days=profile.days, data_gb=profile.data_gb, domestic_min=profile.domestic_min, intl_min=profile.intl_min
    )
    computed = baskets.basket_answer_computed(profile=profile)
    assert answer_figures(read) == answer_figures(computed)
    assert read.costs  # the seed covers every default profile somewhere


def test_a_stored_profile_reads_no_input(run) -> None:
    with CaptureQueriesContext(connection) as queries:
        baskets.basket_answer(days=7, data_gb=Decimal("20"), domestic_min=30, intl_min=0)
    assert not any("plans_tier" in query["sql"] for query in queries)


def test_another_profile_is_costed_on_the_spot(run) -> None:
    answer = baskets.basket_answer(days=7, data_gb=Decimal("20"), domestic_min=30, intl_min=10)
    assert (answer.costs[0]["branch_name_zh"], answer.costs[0]["cost_cny"]) == ("江西移动", Decimal("70.00"))
