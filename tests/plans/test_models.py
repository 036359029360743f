"""Plan and Tier validation: a field-specific message for each bad value, and the database backstop."""

from __future__ import annotations

import datetime
from decimal import Decimal
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, connection, transaction

from plans.models import Plan, Tier
from plans.pricing import PerGbUndefined
from tests.factories import BranchFactory, PlanFactory, TierFactory

GTE_ZERO = "Ensure this value is greater than or equal to 0."
OVERLAPS = "This period overlaps another tier of this plan with the same validity"


def tier_errors(**values: Any) -> dict[str, list[str]]:
    """The message_dict full_clean() gives for an otherwise valid 7-day tier with `values`."""
    plan = PlanFactory()
    tier = Tier(
        plan=plan,
        validity_days=7,
        price_cny=Decimal("100"),
        data_gb=Decimal("30"),
        domestic_voice_min=100,
        intl_voice_min=0,
        intl_discount_cap_cny=Decimal("0"),
        source=plan.source,
    )
    for name, value in values.items():
        setattr(tier, name, value)
    with pytest.raises(ValidationError) as caught:
        tier.full_clean()
    return caught.value.message_dict


@pytest.mark.django_db
def test_it_accepts_a_valid_tier():
    plan = PlanFactory()
    tier = Tier(plan=plan, validity_days=7, price_cny=Decimal("100"), data_gb=Decimal("30"), source=plan.source)

    tier.full_clean()


@pytest.mark.django_db
def test_it_rejects_a_negative_price():
    assert tier_errors(price_cny=Decimal("-0.01")) == {"price_cny": ["The price cannot be negative."]}


@pytest.mark.django_db
def test_it_accepts_a_free_tier():
    plan = PlanFactory()
    Tier(plan=plan, validity_days=1, price_cny=Decimal("0"), data_gb=Decimal("3"), source=plan.source).full_clean()


@pytest.mark.django_db
def test_it_rejects_a_validity_of_zero_days():
    assert tier_errors(validity_days=0) == {"validity_days": ["Validity must be at least 1 day."]}


@pytest.mark.django_db
def test_it_rejects_a_validity_past_two_years():
    assert tier_errors(validity_days=732) == {"validity_days": ["Validity cannot exceed 731 days (two years)."]}


@pytest.mark.django_db
def test_it_accepts_a_validity_of_exactly_two_years():
    plan = PlanFactory()
    Tier(plan=plan, validity_days=731, price_cny=Decimal("999"), source=plan.source).full_clean()


@pytest.mark.django_db
def test_it_rejects_a_negative_validity_with_both_messages():
    assert tier_errors(validity_days=-1) == {"validity_days": [GTE_ZERO, "Validity must be at least 1 day."]}


@pytest.mark.django_db
@pytest.mark.parametrize("data_gb", [Decimal("0"), Decimal("-1")])
def test_it_rejects_data_that_is_zero_or_negative(data_gb):
    assert tier_errors(data_gb=data_gb) == {"data_gb": ["Data must be greater than 0 GB; leave it empty when unknown."]}


@pytest.mark.django_db
def test_it_accepts_unknown_data():
    plan = PlanFactory()
    Tier(plan=plan, validity_days=7, price_cny=Decimal("85"), data_gb=None, source=plan.source).full_clean()


@pytest.mark.django_db
def test_it_rejects_unlimited_data_with_a_volume():
    assert tier_errors(data_unlimited=True, data_gb=Decimal("30")) == {
        "data_gb": ["Unlimited data has no volume; leave data empty."]
    }


@pytest.mark.django_db
@pytest.mark.parametrize("field", ["domestic_voice_min", "intl_voice_min"])
def test_it_rejects_negative_minutes(field):
    assert tier_errors(**{field: -1}) == {field: [GTE_ZERO, "Minutes cannot be negative; use 0 when not included."]}


@pytest.mark.django_db
def test_it_rejects_a_negative_discount_cap():
    assert tier_errors(intl_discount_cap_cny=Decimal("-5")) == {
        "intl_discount_cap_cny": ["The discount cap cannot be negative."]
    }


@pytest.mark.django_db
@pytest.mark.parametrize("effective_to", [datetime.date(2025, 5, 1), datetime.date(2025, 4, 30)])
def test_it_rejects_an_end_date_not_after_the_start(effective_to):
    assert tier_errors(effective_from=datetime.date(2025, 5, 1), effective_to=effective_to) == {
        "effective_to": ["The end date must be after the start date."]
    }


@pytest.mark.django_db
def test_it_rejects_a_second_open_tier_of_the_same_plan_and_validity_on_effective_from():
    current = TierFactory(validity_days=7)
    second = Tier(plan=current.plan, validity_days=7, price_cny=Decimal("90"), source=current.source)

    with pytest.raises(ValidationError) as caught:
        second.full_clean()

    assert caught.value.message_dict == {"effective_from": [f"{OVERLAPS} (¥100.00, undated, open-ended)."]}


@pytest.mark.django_db
def test_it_allows_a_current_tier_beside_a_closed_one_of_the_same_validity():
    closed = TierFactory(
        validity_days=7, effective_from=datetime.date(2025, 1, 1), effective_to=datetime.date(2025, 5, 1)
    )
    successor = Tier(
        plan=closed.plan,
        validity_days=7,
        price_cny=Decimal("90"),
        effective_from=datetime.date(2025, 5, 1),
        source=closed.source,
    )

    successor.full_clean()


@pytest.mark.django_db
def test_it_allows_the_same_validity_on_another_plan():
    TierFactory(validity_days=7)
    other = PlanFactory()

    Tier(plan=other, validity_days=7, price_cny=Decimal("90"), source=other.source).full_clean()


@pytest.mark.django_db
def test_it_reports_several_bad_values_at_once_each_on_its_field():
    errors = tier_errors(price_cny=Decimal("-1"), validity_days=0, data_gb=Decimal("0"))

    assert errors == {
        "price_cny": ["The price cannot be negative."],
        "validity_days": ["Validity must be at least 1 day."],
        "data_gb": ["Data must be greater than 0 GB; leave it empty when unknown."],
    }


# Each bad value, written straight to the database with clean() bypassed.
BAD_TIER_VALUES: list[tuple[str, dict[str, Any]]] = [
    ("negative price", {"price_cny": Decimal("-1")}),
    ("zero validity", {"validity_days": 0}),
    ("validity past two years", {"validity_days": 732}),
    ("zero data", {"data_gb": Decimal("0")}),
    ("negative data", {"data_gb": Decimal("-1")}),
    ("unlimited with a volume", {"data_unlimited": True, "data_gb": Decimal("30")}),
    ("negative domestic minutes", {"domestic_voice_min": -1}),
    ("negative international minutes", {"intl_voice_min": -1}),
    ("negative cap", {"intl_discount_cap_cny": Decimal("-1")}),
    ("end on the start", {"effective_from": datetime.date(2025, 5, 1), "effective_to": datetime.date(2025, 5, 1)}),
    ("end before the start", {"effective_from": datetime.date(2025, 5, 1), "effective_to": datetime.date(2025, 4, 1)}),
]


@pytest.mark.django_db
@pytest.mark.parametrize(("label", "values"), BAD_TIER_VALUES, ids=[label for label, _ in BAD_TIER_VALUES])
def test_the_database_refuses_a_bad_tier_created_without_clean(label, values):
    plan = PlanFactory()
    fields = {"plan": plan, "validity_days": 7, "price_cny": Decimal("100"), "source": plan.source, **values}

    with pytest.raises(IntegrityError), transaction.atomic():
        Tier.objects.create(**fields)

    assert not Tier.objects.exists()


@pytest.mark.django_db
@pytest.mark.parametrize(("label", "values"), BAD_TIER_VALUES, ids=[label for label, _ in BAD_TIER_VALUES])
def test_the_database_refuses_a_bad_tier_in_bulk_create(label, values):
    plan = PlanFactory()
    good = Tier(plan=plan, validity_days=30, price_cny=Decimal("195"), source=plan.source)
    bad = Tier(**{"plan": plan, "validity_days": 7, "price_cny": Decimal("100"), "source": plan.source, **values})

    with pytest.raises(IntegrityError), transaction.atomic():
        Tier.objects.bulk_create([good, bad])

    assert not Tier.objects.exists()


@pytest.mark.django_db
@pytest.mark.skipif(connection.vendor != "postgresql", reason="the exclusion constraint is PostgreSQL's")
def test_the_database_refuses_a_second_open_tier_without_clean():
    # Two open-ended periods always overlap: the exclusion constraint keeps one open tier per validity.
    current = TierFactory(validity_days=7)

    with pytest.raises(IntegrityError), transaction.atomic():
        Tier.objects.create(plan=current.plan, validity_days=7, price_cny=Decimal("90"), source=current.source)
    with pytest.raises(IntegrityError), transaction.atomic():
        Tier.objects.bulk_create(
            [Tier(plan=current.plan, validity_days=7, price_cny=Decimal("80"), source=current.source)]
        )

    assert list(Tier.objects.all()) == [current]


@pytest.mark.django_db
def test_the_database_accepts_a_closed_tier_beside_the_current_one():
    current = TierFactory(validity_days=7, effective_from=datetime.date(2025, 5, 1))

    Tier.objects.create(
        plan=current.plan,
        validity_days=7,
        price_cny=Decimal("120"),
        effective_from=datetime.date(2025, 1, 1),
        effective_to=datetime.date(2025, 5, 1),
        source=current.source,
    )

    assert current.plan.tiers.count() == 2


@pytest.mark.django_db
def test_a_tier_computes_per_gb_and_per_day_from_its_figures():
    tier = TierFactory(validity_days=7, price_cny=Decimal("100"), data_gb=Decimal("30"))

    assert tier.price_per_gb.value == Decimal("100") / Decimal("30")
    assert tier.price_per_day == Decimal("100") / Decimal("7")
    assert tier.is_current


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("data_gb", "unlimited", "reason"),
    [(None, False, PerGbUndefined.DATA_UNKNOWN), (None, True, PerGbUndefined.DATA_UNLIMITED)],
)
def test_a_tier_without_a_data_volume_has_no_per_gb_and_says_why(data_gb, unlimited, reason):
    tier = TierFactory(data_gb=data_gb, data_unlimited=unlimited)

    assert tier.price_per_gb.value is None
    assert tier.price_per_gb.undefined_reason == reason


@pytest.mark.django_db
def test_a_free_tier_costs_nothing_per_gb():
    tier = TierFactory(price_cny=Decimal("0"), data_gb=Decimal("3"), validity_days=1, is_promotional=True)

    assert tier.price_per_gb.value == Decimal("0")


@pytest.mark.django_db
def test_a_tier_reads_as_its_bilingual_plan_validity_and_price():
    branch = BranchFactory(name_zh="北京移动", name_en="China Mobile Beijing")
    tier = TierFactory(
        plan=PlanFactory(branch=branch, name_zh="灵动卡", name_en="Smart Card"),
        validity_days=7,
        price_cny=Decimal("100.00"),
    )

    assert str(tier) == "北京移动 灵动卡 Smart Card · 7d · ¥100.00"


@pytest.mark.django_db
def test_a_plan_reads_as_its_branch_and_bilingual_name():
    plan = PlanFactory(branch=BranchFactory(name_zh="上海移动"), name_zh="熊猫卡", name_en="Panda Card")

    assert str(plan) == "上海移动 熊猫卡 Panda Card"


@pytest.mark.django_db
def test_a_plan_rejects_a_withdrawal_before_its_launch():
    plan = PlanFactory(launched_on=datetime.date(2025, 3, 1))
    plan.withdrawn_on = datetime.date(2025, 2, 1)

    with pytest.raises(ValidationError) as caught:
        plan.full_clean()

    assert caught.value.message_dict == {"withdrawn_on": ["The withdrawal date must not be before the launch date."]}


@pytest.mark.django_db
@pytest.mark.parametrize("options", [[0, 7], [7, "15"], {"days": 7}, [7.5]])
def test_a_plan_rejects_validity_options_that_are_not_whole_days(options):
    plan = PlanFactory()
    plan.validity_options_days = options

    with pytest.raises(ValidationError) as caught:
        plan.full_clean()

    assert caught.value.message_dict == {
        "validity_options_days": ["Give a list of whole numbers of days, each at least 1, e.g. [7, 15, 30]."]
    }


@pytest.mark.django_db
def test_a_plan_accepts_validity_options_the_source_names():
    plan = PlanFactory(validity_options_days=[7, 10, 15, 30])

    plan.full_clean()


@pytest.mark.django_db
def test_the_database_refuses_a_withdrawal_before_launch_without_clean():
    plan = PlanFactory()

    with pytest.raises(IntegrityError), transaction.atomic():
        Plan.objects.filter(pk=plan.pk).update(
            launched_on=datetime.date(2025, 3, 1), withdrawn_on=datetime.date(2025, 2, 1)
        )


@pytest.mark.django_db
def test_a_branch_cannot_have_two_plans_of_the_same_name():
    plan = PlanFactory(name_zh="灵动卡")
    twin = Plan(branch=plan.branch, name_zh="灵动卡", source=plan.source)

    with pytest.raises(ValidationError) as caught:
        twin.full_clean()

    assert caught.value.message_dict == {"__all__": ["Plan with this Branch and Name (zh) already exists."]}
    with pytest.raises(IntegrityError), transaction.atomic():
        twin.save()
