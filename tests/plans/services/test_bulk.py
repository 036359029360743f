"""tier_bulk_create: the rules of tier_create for a set of new tiers, checked together, written in bulk."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.db.models import CheckConstraint

from plans.models import Tier
from plans.services import TierBulkInvalid, tier_bulk_create
from plans.signals import tiers_changed
from tests.factories import PlanFactory, TierFactory

pytestmark = pytest.mark.django_db


def new_tier(plan, **fields) -> Tier:
    values = {"validity_days": 7, "price_cny": Decimal("85.00"), "data_gb": Decimal("30"), "source": plan.source}
    return Tier(plan=plan, **{**values, **fields})


def test_it_creates_every_tier_with_one_history_record_naming_the_actor_and_reason(analyst):
    plan = PlanFactory()
    tiers = [new_tier(plan, validity_days=days) for days in (7, 15, 30)]
    created = tier_bulk_create(tiers=tiers, actor=analyst, reasons=["file line 2", "file line 3", "file line 4"])
    stored = Tier.objects.filter(plan=plan).order_by("validity_days")
    assert [(t.validity_days, t.price_cny, t.version) for t in stored] == [
        (7, Decimal("85.00"), 1),
        (15, Decimal("85.00"), 1),
        (30, Decimal("85.00"), 1),
    ]
    records = Tier.history.filter(id__in=[t.pk for t in created]).order_by("validity_days")
    assert [(r.history_type, r.history_user_id, r.history_change_reason) for r in records] == [
        ("+", analyst.pk, "file line 2"),
        ("+", analyst.pk, "file line 3"),
        ("+", analyst.pk, "file line 4"),
    ]


def test_it_refuses_the_whole_set_naming_each_invalid_tier_by_index(analyst):
    plan = PlanFactory()
    TierFactory(plan=plan, validity_days=30, price_cny=Decimal("99.00"), effective_from=datetime.date(2025, 1, 1))
    tiers = [
        new_tier(plan, validity_days=7),
        new_tier(plan, validity_days=15, price_cny=Decimal("-1")),
        new_tier(plan, validity_days=30, effective_from=datetime.date(2025, 6, 1)),
    ]
    with pytest.raises(TierBulkInvalid) as raised:
        tier_bulk_create(tiers=tiers, actor=analyst)
    assert raised.value.errors == {
        1: {"price_cny": ["The price cannot be negative."]},
        2: {
            "effective_from": [
                "This period overlaps another tier of this plan with the same validity "
                "(¥99.00, from 2025-01-01, open-ended)."
            ]
        },
    }
    assert Tier.objects.filter(plan=plan).count() == 1


def test_two_tiers_of_the_set_whose_periods_overlap_are_refused_on_the_later_one(analyst):
    plan = PlanFactory()
    tiers = [
        new_tier(plan, effective_from=datetime.date(2025, 1, 1), effective_to=datetime.date(2025, 3, 1)),
        new_tier(plan, effective_from=datetime.date(2025, 2, 1), price_cny=Decimal("70.00")),
    ]
    with pytest.raises(TierBulkInvalid) as raised:
        tier_bulk_create(tiers=tiers, actor=analyst)
    assert raised.value.errors == {
        1: {
            "effective_from": [
                "This period overlaps another tier of this plan with the same validity (¥85.00, 2025-01-01–2025-03-01)."
            ]
        }
    }


def test_adjacent_periods_of_the_set_are_both_created(analyst):
    plan = PlanFactory()
    tiers = [
        new_tier(plan, effective_from=datetime.date(2025, 1, 1), effective_to=datetime.date(2025, 3, 1)),
        new_tier(plan, effective_from=datetime.date(2025, 3, 1), price_cny=Decimal("70.00")),
    ]
    tier_bulk_create(tiers=tiers, actor=analyst)
    assert list(Tier.objects.filter(plan=plan).order_by("effective_from").values_list("price_cny", flat=True)) == [
        Decimal("85.00"),
        Decimal("70.00"),
    ]


# One violating tier per check constraint of Tier: the bulk write skips validate_constraints (a
# SAVEPOINT and a SELECT per constraint per row) because Tier.value_errors says the same first.
VIOLATIONS = {
    "tier_price_not_negative": ({"price_cny": Decimal("-1")}, "price_cny"),
    "tier_validity_at_least_one_day": ({"validity_days": 0}, "validity_days"),
    "tier_validity_at_most_two_years": ({"validity_days": 732}, "validity_days"),
    "tier_data_positive": ({"data_gb": Decimal("0")}, "data_gb"),
    "tier_unlimited_has_no_volume": ({"data_unlimited": True, "data_gb": Decimal("5")}, "data_gb"),
    "tier_domestic_voice_not_negative": ({"domestic_voice_min": -1}, "domestic_voice_min"),
    "tier_intl_voice_not_negative": ({"intl_voice_min": -1}, "intl_voice_min"),
    "tier_discount_cap_not_negative": ({"intl_discount_cap_cny": Decimal("-1")}, "intl_discount_cap_cny"),
    "tier_effective_to_after_from": (
        {"effective_from": datetime.date(2025, 5, 1), "effective_to": datetime.date(2025, 5, 1)},
        "effective_to",
    ),
}


def test_every_check_constraint_of_tier_has_a_case_here():
    names = {c.name for c in Tier._meta.constraints if isinstance(c, CheckConstraint)}
    assert names == set(VIOLATIONS)


@pytest.mark.parametrize("constraint_name", sorted(VIOLATIONS))
def test_value_errors_name_the_field_of_every_check_constraint(constraint_name):
    plan = PlanFactory()
    fields, field_name = VIOLATIONS[constraint_name]
    tier = new_tier(plan, **fields)
    constraint = next(c for c in Tier._meta.constraints if c.name == constraint_name)
    with pytest.raises(ValidationError):
        constraint.validate(Tier, tier)  # the case really breaks that constraint
    assert field_name in tier.value_errors()


def test_it_sends_tiers_changed_once_after_commit_with_every_plan(analyst, django_capture_on_commit_callbacks):
    plans = [PlanFactory(), PlanFactory()]
    heard: list[list[int]] = []

    def receiver(sender, plan_ids, **kwargs):
        heard.append(plan_ids)

    tiers_changed.connect(receiver)
    try:
        with django_capture_on_commit_callbacks(execute=True):
            tier_bulk_create(
                tiers=[new_tier(plans[0]), new_tier(plans[1]), new_tier(plans[1], validity_days=15)], actor=analyst
            )
    finally:
        tiers_changed.disconnect(receiver)
    assert heard == [sorted(plan.pk for plan in plans)]


def test_its_queries_do_not_grow_with_the_number_of_tiers(analyst, django_assert_max_num_queries):
    if connection.vendor != "postgresql":
        pytest.skip("SQLite caps a statement at 999 parameters, so its inserts come in batches of ~50 rows")
    plans = [PlanFactory() for _ in range(3)]
    tiers = [new_tier(plans[index % 3], validity_days=index // 3 + 1) for index in range(600)]
    # Savepoints, one sibling query, one insert per table per batch of 2,000.
    with django_assert_max_num_queries(8):
        tier_bulk_create(tiers=tiers, actor=analyst)
    assert Tier.objects.filter(plan__in=plans).count() == 600
