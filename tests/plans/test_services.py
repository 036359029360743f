"""The plan and tier write services: validation, audit, supersession, history, versions and the signal."""

from __future__ import annotations

import datetime
from collections.abc import Iterator
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from core.services import StaleVersion
from plans.models import Plan, Tier
from plans.services import (
    plan_create,
    plan_delete,
    plan_update,
    tier_correct,
    tier_create,
    tier_delete,
    tier_is_history,
    tier_mark_reviewed,
    tier_review_in_force,
    tier_update,
)
from plans.signals import tiers_changed
from tests.factories import AnalystFactory, BranchFactory, PerkFactory, PlanFactory, SourceFactory, TierFactory


@pytest.fixture
def signals() -> Iterator[list[list[int]]]:
    """Every plan_ids list tiers_changed is sent with, in order."""
    sent: list[list[int]] = []

    def receiver(sender: object, plan_ids: list[int], **kwargs: object) -> None:
        sent.append(plan_ids)

    tiers_changed.connect(receiver, dispatch_uid="test-services-receiver")
    yield sent
    tiers_changed.disconnect(dispatch_uid="test-services-receiver")


@pytest.mark.django_db
def test_tier_create_saves_a_valid_tier_and_names_the_actor_in_history(analyst):
    plan = PlanFactory()

    tier = tier_create(
        actor=analyst, plan=plan, validity_days=7, price_cny=Decimal("100"), data_gb=Decimal("30"), source=plan.source
    )

    stored = Tier.objects.get(pk=tier.pk)
    assert (stored.validity_days, stored.price_cny, stored.data_gb) == (7, Decimal("100.00"), Decimal("30.000"))
    record = stored.history.get()
    assert record.history_type == "+"
    assert record.history_user == analyst


@pytest.mark.django_db
def test_tier_create_validates_and_saves_nothing_on_a_bad_value(analyst, signals, django_capture_on_commit_callbacks):
    plan = PlanFactory()

    with django_capture_on_commit_callbacks(execute=True), pytest.raises(ValidationError) as caught:
        tier_create(actor=analyst, plan=plan, validity_days=7, price_cny=Decimal("-1"), source=plan.source)

    assert caught.value.message_dict == {"price_cny": ["The price cannot be negative."]}
    assert not Tier.objects.exists()
    assert signals == []


@pytest.mark.django_db
def test_tier_create_refuses_a_second_open_tier_of_the_same_validity(analyst):
    current = TierFactory(validity_days=7)

    with pytest.raises(ValidationError) as caught:
        tier_create(actor=analyst, plan=current.plan, validity_days=7, price_cny=Decimal("90"), source=current.source)

    assert caught.value.message_dict == {
        "effective_from": [
            "This period overlaps another tier of this plan with the same validity (¥100.00, undated, open-ended)."
        ]
    }


@pytest.mark.django_db
def test_tier_create_sends_tiers_changed_once_on_commit(analyst, signals, django_capture_on_commit_callbacks):
    plan = PlanFactory()

    with django_capture_on_commit_callbacks(execute=True):
        tier_create(actor=analyst, plan=plan, validity_days=7, price_cny=Decimal("100"), source=plan.source)
        # Nothing is sent before the transaction commits.
        assert signals == []

    assert signals == [[plan.pk]]


@pytest.mark.django_db
def test_writes_to_several_plans_in_one_transaction_send_one_signal_naming_them_all(
    analyst, signals, django_capture_on_commit_callbacks
):
    first, second = PlanFactory(), PlanFactory()

    with django_capture_on_commit_callbacks(execute=True), transaction.atomic():
        tier_create(actor=analyst, plan=first, validity_days=7, price_cny=Decimal("100"), source=first.source)
        tier_create(actor=analyst, plan=second, validity_days=7, price_cny=Decimal("90"), source=second.source)
        tier_create(actor=analyst, plan=first, validity_days=15, price_cny=Decimal("150"), source=first.source)

    assert signals == [sorted([first.pk, second.pk])]


@pytest.mark.django_db
def test_a_rolled_back_write_does_not_swallow_the_next_transactions_signal(
    analyst, signals, django_capture_on_commit_callbacks
):
    plan = PlanFactory()

    with django_capture_on_commit_callbacks(execute=True):
        with pytest.raises(RuntimeError), transaction.atomic():
            tier_create(actor=analyst, plan=plan, validity_days=7, price_cny=Decimal("100"), source=plan.source)
            raise RuntimeError("abort")
        tier_create(actor=analyst, plan=plan, validity_days=15, price_cny=Decimal("150"), source=plan.source)

    assert signals == [[plan.pk]]


@pytest.mark.django_db
def test_tier_update_of_a_price_supersedes_the_current_tier(analyst, signals, django_capture_on_commit_callbacks):
    tier = TierFactory(validity_days=7, price_cny=Decimal("100"), effective_from=datetime.date(2025, 5, 1))
    printed = SourceFactory(title="资费调整公告")

    with django_capture_on_commit_callbacks(execute=True):
        successor = tier_update(
            tier=tier,
            changes={"price_cny": Decimal("120")},
            actor=analyst,
            effective_on=datetime.date(2025, 7, 1),
            source=printed,
            reason="operator's price notice",
        )

    tier.refresh_from_db()
    assert successor.pk != tier.pk
    assert (tier.price_cny, tier.effective_from, tier.effective_to) == (
        Decimal("100.00"),
        datetime.date(2025, 5, 1),
        datetime.date(2025, 7, 1),
    )
    assert (successor.price_cny, successor.effective_from, successor.effective_to) == (
        Decimal("120.00"),
        datetime.date(2025, 7, 1),
        None,
    )
    # Both stay queryable: the price history of the 7-day tier, and what is open now.
    history = list(
        tier.plan.tiers.filter(validity_days=7).order_by("effective_from").values_list("price_cny", flat=True)
    )
    assert history == [Decimal("100.00"), Decimal("120.00")]
    assert tier.plan.tiers.get(effective_to__isnull=True) == successor
    # The successor keeps the figures that did not change, and cites the source that printed the new price.
    assert (successor.data_gb, successor.domestic_voice_min) == (tier.data_gb, tier.domestic_voice_min)
    assert successor.source == printed
    assert tier.history.latest().history_user == analyst
    assert successor.history.get().history_user == analyst
    assert successor.history.get().history_change_reason == "operator's price notice"
    assert (
        tier.history.latest().history_change_reason == "Closed by a new price from 2025-07-01: operator's price notice"
    )
    assert signals == [[tier.plan_id]]


@pytest.mark.django_db
def test_a_new_price_needs_the_source_that_printed_it_and_writes_nothing_without(analyst):
    tier = TierFactory(validity_days=7, price_cny=Decimal("100"), effective_from=datetime.date(2025, 5, 1))

    with pytest.raises(ValidationError) as caught:
        tier_update(tier=tier, changes={"price_cny": Decimal("120")}, actor=analyst)

    assert caught.value.message_dict == {
        "source": ["A new price is a new observation: name the source that printed it."]
    }
    tier.refresh_from_db()
    assert (tier.effective_to, tier.version, Tier.objects.count()) == (None, 1, 1)


@pytest.mark.django_db
def test_a_source_named_in_the_changes_counts_as_given(analyst):
    tier = TierFactory(validity_days=7, price_cny=Decimal("100"), effective_from=datetime.date(2025, 5, 1))
    printed = SourceFactory()

    successor = tier_update(tier=tier, changes={"price_cny": Decimal("90"), "source": printed}, actor=analyst)

    assert (successor.price_cny, successor.source) == (Decimal("90"), printed)


@pytest.mark.django_db
def test_a_new_price_never_inherits_the_old_rows_notes_confidence_or_review(analyst):
    tier = TierFactory(
        validity_days=7,
        effective_from=datetime.date(2025, 5, 1),
        confidence=Tier.Confidence.INFERRED,
        notes="表1 第3行; All labels printed",
    )
    tier_mark_reviewed(tier=tier, reviewer=AnalystFactory(username="second"))

    successor = tier_update(tier=tier, changes={"data_gb": Decimal("40")}, actor=analyst, source=SourceFactory())

    assert (successor.notes, successor.confidence) == ("", Tier.Confidence.CONFIRMED)
    assert tier_review_in_force(tier=successor) is None
    # The closed row's review still vouches for the figures it approved, which did not change.
    assert tier_review_in_force(tier=tier) is not None


@pytest.mark.django_db
def test_tier_update_of_a_price_without_a_date_starts_the_successor_today(analyst):
    tier = TierFactory(validity_days=7, effective_from=datetime.date(2025, 5, 1))

    successor = tier_update(tier=tier, changes={"data_gb": Decimal("40")}, actor=analyst, source=SourceFactory())

    tier.refresh_from_db()
    assert tier.effective_to == timezone.localdate()
    assert successor.effective_from == timezone.localdate()
    assert successor.data_gb == Decimal("40")


@pytest.mark.django_db
def test_a_future_price_leaves_the_old_tier_in_effect_until_its_date_and_is_scheduled(analyst):
    tier = TierFactory(validity_days=7, price_cny=Decimal("100"), effective_from=datetime.date(2025, 5, 1))
    next_year = timezone.localdate() + datetime.timedelta(days=365)

    successor = tier_update(
        tier=tier, changes={"price_cny": Decimal("80")}, actor=analyst, effective_on=next_year, source=SourceFactory()
    )

    tier.refresh_from_db()
    assert tier.effective_to == next_year
    assert not tier_is_history(tier)  # still the price in effect today
    assert (successor.effective_from, successor.effective_to) == (next_year, None)


@pytest.mark.django_db
def test_a_changed_effective_from_is_the_day_a_new_price_starts(analyst):
    tier = TierFactory(validity_days=7, price_cny=Decimal("100"), effective_from=datetime.date(2025, 5, 1))

    successor = tier_update(
        tier=tier,
        changes={"price_cny": Decimal("80"), "effective_from": datetime.date(2025, 9, 1)},
        actor=analyst,
        source=SourceFactory(),
    )

    tier.refresh_from_db()
    assert (tier.effective_from, tier.effective_to) == (datetime.date(2025, 5, 1), datetime.date(2025, 9, 1))
    assert successor.effective_from == datetime.date(2025, 9, 1)


@pytest.mark.django_db
def test_tier_update_refuses_a_new_price_starting_before_the_current_one(analyst):
    tier = TierFactory(validity_days=7, price_cny=Decimal("100"), effective_from=datetime.date(2025, 5, 1))

    with pytest.raises(ValidationError) as caught:
        tier_update(
            tier=tier,
            changes={"price_cny": Decimal("120")},
            actor=analyst,
            effective_on=datetime.date(2025, 5, 1),
            source=SourceFactory(),
        )

    assert caught.value.message_dict == {
        "effective_from": ["A new price must start after the current one (2025-05-01)."]
    }
    tier.refresh_from_db()
    assert tier.effective_to is None
    assert Tier.objects.count() == 1


@pytest.mark.django_db
def test_tier_update_of_notes_edits_in_place(analyst, signals, django_capture_on_commit_callbacks):
    tier = TierFactory(validity_days=7, notes="")

    with django_capture_on_commit_callbacks(execute=True):
        result = tier_update(tier=tier, changes={"notes": "表1 第3行"}, actor=analyst)

    assert result.pk == tier.pk
    assert Tier.objects.count() == 1
    tier.refresh_from_db()
    assert tier.notes == "表1 第3行"
    assert tier.effective_to is None
    latest = tier.history.latest()
    assert (latest.history_type, latest.history_user, latest.notes) == ("~", analyst, "表1 第3行")
    assert signals == [[tier.plan_id]]


@pytest.fixture
def ended(db) -> Tier:
    return TierFactory(
        validity_days=7,
        price_cny=Decimal("100"),
        effective_from=datetime.date(2025, 1, 1),
        effective_to=datetime.date(2025, 5, 1),
    )


@pytest.mark.django_db
@pytest.mark.parametrize(
    "changes",
    [{"price_cny": Decimal("99")}, {"notes": "typo"}, {"effective_to": None}],
    ids=["price", "notes", "reopen"],
)
def test_a_tier_that_is_history_refuses_ordinary_edits(analyst, ended, changes):
    with pytest.raises(ValidationError) as caught:
        tier_update(tier=ended, changes=changes, actor=analyst, source=SourceFactory())

    assert caught.value.messages == [
        "This tier is history (ended 2025-05-01); use a correction to fix a recorded figure."
    ]
    assert Tier.objects.count() == 1
    assert Tier.objects.get().history.count() == 1


@pytest.mark.django_db
def test_tier_correct_fixes_a_recorded_figure_in_place_with_its_reason(
    analyst, ended, signals, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        result = tier_correct(
            tier=ended, changes={"price_cny": Decimal("99")}, actor=analyst, reason="表1 prints 99, not 100"
        )

    assert result.pk == ended.pk
    assert Tier.objects.count() == 1
    ended.refresh_from_db()
    assert (ended.price_cny, ended.effective_to, ended.version) == (
        Decimal("99.00"),
        datetime.date(2025, 5, 1),
        2,
    )
    latest = ended.history.latest()
    assert (latest.history_user, latest.history_change_reason) == (analyst, "Correction: 表1 prints 99, not 100")
    assert signals == [[ended.plan_id]]


@pytest.mark.django_db
def test_tier_correct_needs_a_reason(analyst, ended):
    with pytest.raises(ValidationError) as caught:
        tier_correct(tier=ended, changes={"price_cny": Decimal("99")}, actor=analyst, reason="  ")

    assert caught.value.message_dict == {"reason": ["A correction needs a reason: say what was wrong."]}
    ended.refresh_from_db()
    assert ended.price_cny == Decimal("100.00")


@pytest.mark.django_db
def test_a_correction_of_a_current_tiers_price_keeps_its_row(analyst):
    tier = TierFactory(validity_days=7, price_cny=Decimal("10"), effective_from=datetime.date(2025, 5, 1))

    result = tier_correct(tier=tier, changes={"price_cny": Decimal("100")}, actor=analyst, reason="typed 10 for 100")

    assert result.pk == tier.pk
    assert Tier.objects.count() == 1


@pytest.mark.django_db
def test_every_save_raises_the_version_and_a_stale_one_is_refused(analyst):
    tier = TierFactory(validity_days=7, notes="")
    assert tier.version == 1

    tier_update(tier=tier, changes={"notes": "first"}, actor=analyst, version=1)
    with pytest.raises(StaleVersion) as stale:
        tier_update(tier=tier, changes={"notes": "lost?"}, actor=AnalystFactory(username="other"), version=1)

    tier.refresh_from_db()
    assert (tier.notes, tier.version) == ("first", 2)
    assert stale.value.current == 2
    assert stale.value.message == (
        "Someone changed this tier since you opened it (now version 2); reload to see their change."
    )


@pytest.mark.django_db
def test_a_stale_version_refuses_a_price_change_a_correction_and_a_delete(analyst):
    tier = TierFactory(validity_days=7, effective_from=datetime.date(2025, 5, 1))
    tier_update(tier=tier, changes={"notes": "checked"}, actor=analyst)

    with pytest.raises(StaleVersion):
        tier_update(tier=tier, changes={"price_cny": Decimal("1")}, actor=analyst, version=1, source=SourceFactory())
    with pytest.raises(StaleVersion):
        tier_correct(tier=tier, changes={"price_cny": Decimal("1")}, actor=analyst, reason="x", version=1)
    with pytest.raises(StaleVersion):
        tier_delete(tier=tier, actor=analyst, version=1)

    assert Tier.objects.get().price_cny == Decimal("100.00")


@pytest.mark.django_db
def test_plan_update_raises_the_version_and_refuses_a_stale_one(analyst):
    plan = PlanFactory(name_en="")

    plan_update(plan=plan, changes={"name_en": "Panda Card"}, actor=analyst, version=1, reason="the operator's site")
    with pytest.raises(StaleVersion) as stale:
        plan_update(plan=plan, changes={"name_en": "Smart Card"}, actor=analyst, version=1)

    plan.refresh_from_db()
    assert (plan.name_en, plan.version) == ("Panda Card", 2)
    assert plan.history.latest().history_change_reason == "the operator's site"
    assert "this plan" in stale.value.message


@pytest.mark.django_db
def test_tier_update_with_bad_values_raises_on_the_field_and_changes_nothing(analyst):
    tier = TierFactory(validity_days=7, notes="", effective_from=datetime.date(2025, 5, 1))

    with pytest.raises(ValidationError) as ended_early:
        tier_update(tier=tier, changes={"effective_to": datetime.date(2025, 4, 1)}, actor=analyst)
    tier.refresh_from_db()  # a refused update leaves the submitted values on the instance it was given
    with pytest.raises(ValidationError) as no_validity:
        tier_update(tier=tier, changes={"validity_days": 0, "notes": "x"}, actor=analyst)

    assert ended_early.value.message_dict == {"effective_to": ["The end date must be after the start date."]}
    assert no_validity.value.message_dict == {"validity_days": ["Validity must be at least 1 day."]}
    tier.refresh_from_db()
    assert (tier.validity_days, tier.notes, tier.effective_to) == (7, "", None)


@pytest.mark.django_db
def test_tier_update_without_a_change_writes_nothing(analyst, signals, django_capture_on_commit_callbacks):
    tier = TierFactory(validity_days=7, price_cny=Decimal("100.00"))

    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        result = tier_update(tier=tier, changes={"price_cny": Decimal("100.00")}, actor=analyst)

    assert result.pk == tier.pk
    assert tier.history.count() == 1
    assert callbacks == []
    assert signals == []


@pytest.mark.django_db
def test_tier_delete_is_audited_and_signalled(analyst, signals, django_capture_on_commit_callbacks):
    tier = TierFactory()
    tier_id, plan_id = tier.pk, tier.plan_id

    with django_capture_on_commit_callbacks(execute=True):
        tier_delete(tier=tier, actor=analyst)

    assert not Tier.objects.filter(pk=tier_id).exists()
    assert Tier.history.filter(id=tier_id).latest().history_type == "-"
    assert Tier.history.filter(id=tier_id).latest().history_user == analyst
    assert signals == [[plan_id]]


@pytest.mark.django_db
def test_plan_create_sets_perks_and_names_the_actor(analyst, signals, django_capture_on_commit_callbacks):
    branch = BranchFactory()
    perk = PerkFactory(name_zh="来电显示")

    with django_capture_on_commit_callbacks(execute=True):
        plan = plan_create(actor=analyst, branch=branch, name_zh="熊猫卡", source=SourceFactory(), perks=[perk])

    assert list(plan.perks.all()) == [perk]
    assert {record.history_user for record in plan.history.all()} == {analyst}
    assert signals == [[plan.pk]]


@pytest.mark.django_db
def test_plan_create_validates(analyst):
    with pytest.raises(ValidationError) as caught:
        plan_create(
            actor=analyst,
            branch=BranchFactory(),
            name_zh="熊猫卡",
            source=SourceFactory(),
            launched_on=datetime.date(2025, 3, 1),
            withdrawn_on=datetime.date(2025, 1, 1),
        )

    assert caught.value.message_dict == {"withdrawn_on": ["The withdrawal date must not be before the launch date."]}
    assert not Plan.objects.exists()


@pytest.mark.django_db
def test_plan_update_changes_fields_and_perks(analyst):
    plan = PlanFactory(name_en="")
    perk = PerkFactory()

    plan_update(plan=plan, changes={"name_en": "Panda Card", "perks": [perk]}, actor=analyst)

    plan.refresh_from_db()
    assert plan.name_en == "Panda Card"
    assert list(plan.perks.all()) == [perk]
    assert plan.history.latest().history_user == analyst


@pytest.mark.django_db
def test_plan_delete_removes_its_tiers_audited_and_signals_once(analyst, signals, django_capture_on_commit_callbacks):
    plan = PlanFactory()
    TierFactory(plan=plan, validity_days=7)
    TierFactory(plan=plan, validity_days=30)
    plan_id = plan.pk

    with django_capture_on_commit_callbacks(execute=True):
        plan_delete(plan=plan, actor=analyst)

    assert not Tier.objects.filter(plan_id=plan_id).exists()
    deletions = Tier.history.filter(plan_id=plan_id, history_type="-")
    assert [record.history_user for record in deletions] == [analyst, analyst]
    # One signal for the whole plan, not one per tier.
    assert signals == [[plan_id]]
