"""plans.pricing.per_gb_expression, the database twin of price_per_gb, gives the same figures."""

from __future__ import annotations

from decimal import Decimal

import pytest

from plans.models import Tier
from plans.pricing import per_gb_expression, price_per_gb, round_cny
from tests.factories import PlanFactory, TierFactory

pytestmark = pytest.mark.django_db


def _both(tiers) -> list[tuple[Decimal | None, Decimal | None]]:
    """(database figure, Python figure) per tier, each rounded half-up to cents as the pages show them."""
    pairs = []
    for tier in tiers.annotate(per_gb=per_gb_expression()).order_by("pk"):
        python = price_per_gb(price_cny=tier.price_cny, data_gb=tier.data_gb, data_unlimited=tier.data_unlimited)
        pairs.append(
            (
                None if tier.per_gb is None else round_cny(tier.per_gb),
                None if python.value is None else round_cny(python.value),
            )
        )
    return pairs


def test_it_equals_price_per_gb_for_every_seed_tier(seed) -> None:
    pairs = _both(Tier.objects.all())

    assert len(pairs) == 23  # every tier of the seed
    assert all(sql == python for sql, python in pairs), [p for p in pairs if p[0] != p[1]]


def test_it_rounds_a_half_cent_up_as_price_per_gb_does() -> None:
    plan = PlanFactory()
    # 2.01 / 2 = 1.005 and 0.35 / 0.1 = 3.5 exactly: a float division would give 1.00 and 3.4999....
    TierFactory(plan=plan, validity_days=1, price_cny=Decimal("2.01"), data_gb=Decimal("2"))
    TierFactory(plan=plan, validity_days=2, price_cny=Decimal("0.35"), data_gb=Decimal("0.1"))
    TierFactory(plan=plan, validity_days=3, price_cny=Decimal("100.00"), data_gb=Decimal("30"))

    assert _both(Tier.objects.filter(plan=plan)) == [
        (Decimal("1.01"), Decimal("1.01")),
        (Decimal("3.50"), Decimal("3.50")),
        (Decimal("3.33"), Decimal("3.33")),
    ]


def test_it_is_null_where_price_per_gb_is_undefined_and_zero_for_a_free_tier() -> None:
    plan = PlanFactory()
    TierFactory(plan=plan, validity_days=1, data_gb=None)
    TierFactory(plan=plan, validity_days=2, data_gb=None, data_unlimited=True)
    TierFactory(plan=plan, validity_days=3, price_cny=Decimal("0"), data_gb=Decimal("3"))

    assert _both(Tier.objects.filter(plan=plan)) == [(None, None), (None, None), (Decimal("0.00"), Decimal("0.00"))]
