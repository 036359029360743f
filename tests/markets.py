"""A small synthetic market built with the factories, and one random analyst edit on it: the shared data of
the engine's equality tests (a patch, the stored sensitivity and the basket input against a full recompute)."""

from __future__ import annotations

from decimal import Decimal
from typing import cast

from hypothesis import HealthCheck, Phase, settings
from hypothesis import strategies as st

from plans import services as plan_services
from plans.models import Plan, Tier
from tests.factories import BranchFactory, OperatorFactory, PlanFactory, ProvinceFactory, TierFactory

VALIDITIES = (1, 3, 7, 10, 14, 15, 20, 30, 60)


def market_build(plans_per_branch: int = 2) -> list[Plan]:
    """Two provinces x two operators, each branch with a few plans of a few tiers (a dozen-odd tiers a branch)."""
    provinces = [ProvinceFactory(code="71"), ProvinceFactory(code="72")]
    operators = [OperatorFactory(code="opa"), OperatorFactory(code="opb")]
    plans: list[Plan] = []
    number = 0
    for province in provinces:
        for operator in operators:
            branch = BranchFactory(province=province, operator=operator)
            for _ in range(plans_per_branch):
                plan = cast(Plan, PlanFactory(branch=branch))
                for validity in VALIDITIES[number % 3 :: 3]:
                    number += 1
                    TierFactory(
                        plan=plan,
                        validity_days=validity,
                        price_cny=Decimal(10 + (number * 7) % 90),
                        data_gb=None if number % 11 == 0 else Decimal(1 + (number * 5) % 40),
                        domestic_voice_min=(number * 13) % 300,
                        intl_voice_min=(number * 3) % 70,
                        is_promotional=number % 13 == 0,
                        price_qualifier=Tier.PriceQualifier.FROM if number % 17 == 0 else Tier.PriceQualifier.EXACT,
                    )
                plans.append(plan)
    return plans


def market_edit(edit: tuple[str, int, int], plans: list[Plan]) -> bool:
    """One analyst edit through the plans' services: a price, data or validity change, a new tier, a deletion.

    Returns whether it changed a tier: a new tier with no validity left to take, or a price or data volume
    set to the value it has, changes nothing (and so patches nothing).
    """
    kind, pick, value = edit
    plan = plans[pick % len(plans)]
    tiers = list(Tier.objects.filter(plan=plan).order_by("pk"))
    if kind == "create" or not tiers:
        taken = {tier.validity_days for tier in tiers}
        free = [days for days in (2, 5, 9, 21, 45, 90) if days not in taken]
        if not free:
            return False
        plan_services.tier_create(
            actor=None,
            plan=plan,
            validity_days=free[value % len(free)],
            price_cny=Decimal(5 + value),
            data_gb=Decimal(1 + value % 30),
            source=plan.source,
        )
        return True
    tier = tiers[value % len(tiers)]
    if kind == "delete":
        plan_services.tier_delete(tier=tier, actor=None)
    elif kind == "price":
        if Decimal(value) == tier.price_cny:
            return False
        plan_services.tier_correct(tier=tier, changes={"price_cny": Decimal(value)}, actor=None, reason="typo")
    elif kind == "data":
        data_gb = None if value % 7 == 0 else Decimal(1 + value % 50)
        if data_gb == tier.data_gb:
            return False
        plan_services.tier_correct(tier=tier, changes={"data_gb": data_gb}, actor=None, reason="typo")
    elif kind == "promotional":
        plan_services.tier_correct(
            tier=tier, changes={"is_promotional": not tier.is_promotional}, actor=None, reason="x"
        )
    elif kind == "validity":
        taken = {other.validity_days for other in tiers}
        free = [days for days in (4, 8, 16, 31, 100) if days not in taken]
        if not free:
            return False
        plan_services.tier_correct(
            tier=tier, changes={"validity_days": free[value % len(free)]}, actor=None, reason="typo"
        )
    return True


# The edits `market_edit` makes, drawn at random: (kind, which plan, a value for the change).
EDIT_KINDS = ("price", "data", "validity", "create", "delete", "promotional")


def market_edits(*, picks: int, values: int) -> st.SearchStrategy[list[tuple[str, int, int]]]:
    """One to four random edits; `picks` and `values` bound the plan index and the changed value."""
    return st.lists(
        st.tuples(st.sampled_from(EDIT_KINDS), st.integers(0, picks), st.integers(0, values)),
        min_size=1,
        max_size=4,
    )


# Few examples: each is a market, a run and a patch per edit (about a second each on PostgreSQL); no
# shrinking past the first minute, the failing example is printed either way.
engine_equality = settings(
    max_examples=12,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
    phases=[Phase.explicit, Phase.reuse, Phase.generate, Phase.shrink],
)
