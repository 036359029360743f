"""Admin pages for perks, plans and tiers: roles, the service write path, supersession, query counts."""

from __future__ import annotations

import datetime
from collections.abc import Callable
from decimal import Decimal
from typing import Any

import pytest
from django.contrib.messages import get_messages
from django.core.exceptions import ValidationError
from django.db import connection, models
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from plans.admin import TierAdmin
from plans.models import Perk, Plan, Tier
from plans.services import plan_update, tier_update
from plans.signals import tiers_changed
from tests.admin_contract import AdminContract, admin_url
from tests.factories import (
    AnalystFactory,
    BranchFactory,
    OperatorFactory,
    PerkFactory,
    PlanFactory,
    ProvinceFactory,
    SourceFactory,
    TierFactory,
)


def management(prefix: str, *, total: int = 0, initial: int = 0) -> dict[str, Any]:
    return {
        f"{prefix}-TOTAL_FORMS": total,
        f"{prefix}-INITIAL_FORMS": initial,
        f"{prefix}-MIN_NUM_FORMS": 0,
        f"{prefix}-MAX_NUM_FORMS": 1000,
    }


def tier_fields(tier: Tier) -> dict[str, Any]:
    """The tier's figures as the admin form posts them."""
    values: dict[str, Any] = {
        "validity_days": tier.validity_days,
        "price_cny": tier.price_cny,
        "data_gb": "" if tier.data_gb is None else tier.data_gb,
        "domestic_voice_min": "" if tier.domestic_voice_min is None else tier.domestic_voice_min,
        "intl_voice_min": "" if tier.intl_voice_min is None else tier.intl_voice_min,
        "intl_discount_cap_cny": "" if tier.intl_discount_cap_cny is None else tier.intl_discount_cap_cny,
        "confidence": tier.confidence,
        "price_qualifier": tier.price_qualifier,
        "effective_from": tier.effective_from or "",
        "effective_to": tier.effective_to or "",
        "source": tier.source_id,
        "based_on_version": tier.version,  # the hidden field: the version the page was opened on
    }
    if tier.data_unlimited:
        values["data_unlimited"] = "on"
    if tier.is_promotional:
        values["is_promotional"] = "on"
    return values


def tier_form(tier: Tier, **overrides: Any) -> dict[str, Any]:
    return {"plan": tier.plan_id, "notes": tier.notes, **tier_fields(tier), **overrides}


def plan_form(plan: Plan, tiers: list[dict[str, Any]] = (), initial: int = 0, **overrides: Any) -> dict[str, Any]:
    """The plan change form with its tiers inline; `tiers` rows are posted as-is (prefix added)."""
    data: dict[str, Any] = {
        "branch": plan.branch_id,
        "name_zh": plan.name_zh,
        "name_en": plan.name_en,
        "segment": plan.segment,
        "validity_options_days": "[]",
        "launched_on": plan.launched_on or "",
        "withdrawn_on": plan.withdrawn_on or "",
        "source": plan.source_id,
        "notes": plan.notes,
        "based_on_version": plan.version if plan.pk else "",
        "perks": [perk.pk for perk in plan.perks.all()] if plan.pk else [],
        **management("tiers", total=len(tiers), initial=initial),
        **overrides,
    }
    for index, row in enumerate(tiers):
        data.update({f"tiers-{index}-{name}": value for name, value in row.items()})
    return data


def perk_payload() -> dict[str, Any]:
    return {"name_zh": "咪咕视频钻石会员", "name_en": "Migu Video Diamond", "category": "video", "description": ""}


def plan_payload() -> dict[str, Any]:
    branch = BranchFactory(name_zh="北京移动", name_en="China Mobile Beijing")
    perk = PerkFactory(name_zh="同声译", name_en="Simultaneous interpretation")
    return {
        "branch": branch.pk,
        "name_zh": "灵动卡",
        "name_en": "Smart Card",
        "segment": "inbound_short_term",
        "perks": [perk.pk],
        "validity_options_days": "[7, 15, 30]",
        "launched_on": "",
        "withdrawn_on": "",
        "source": SourceFactory().pk,
        "notes": "",
        **management("tiers"),
    }


def tier_payload() -> dict[str, Any]:
    plan = PlanFactory(name_zh="灵动卡")
    return {
        "plan": plan.pk,
        "validity_days": 7,
        "price_cny": "100.00",
        "data_gb": "30",
        "domestic_voice_min": 100,
        "intl_voice_min": 0,
        "intl_discount_cap_cny": "0",
        "confidence": "confirmed",
        "price_qualifier": "exact",
        "effective_from": "",
        "effective_to": "",
        "source": plan.source_id,
        "notes": "",
    }


CASES: list[tuple[type[models.Model], Callable[[], models.Model], Callable[[], dict[str, Any]], dict[str, Any]]] = [
    (Perk, PerkFactory, perk_payload, {"name_zh": "咪咕视频钻石会员"}),
    (Plan, PlanFactory, plan_payload, {"name_zh": "灵动卡"}),
    (Tier, TierFactory, tier_payload, {"plan__name_zh": "灵动卡", "validity_days": 7}),
]
IDS = [case[0].__name__ for case in CASES]
OVERLAPS_AN_OPEN_TIER = (
    "This period overlaps another tier of this plan with the same validity (¥100.00, undated, open-ended)."
)


class TestTariffAdminContract(AdminContract):
    cases = CASES
    history_records = {Plan: 2}  # the add, then its many-to-many fields


@pytest.mark.django_db
def test_the_plan_add_form_sets_its_perks_through_the_service(client, analyst):
    data = plan_payload()
    client.force_login(analyst)

    client.post(admin_url(Plan, "add"), data)

    plan = Plan.objects.get(name_zh="灵动卡")
    assert [perk.name_zh for perk in plan.perks.all()] == ["同声译"]
    assert {record.history_user for record in plan.history.all()} == {analyst}


@pytest.mark.django_db
def test_the_tier_changelist_shows_per_gb_and_per_day_from_the_pricing_rules(client, analyst):
    TierFactory(
        plan=PlanFactory(branch=BranchFactory(name_zh="北京移动")),
        validity_days=7,
        price_cny=Decimal("100"),
        data_gb=Decimal("30"),
    )
    TierFactory(validity_days=15, price_cny=Decimal("125"), data_gb=None)
    client.force_login(analyst)

    page = client.get(admin_url(Tier, "changelist")).content.decode()

    assert "北京移动" in page
    assert "¥3.33" in page  # 100 / 30 GB, half-up
    assert "¥14.29" in page  # 100 / 7 days
    assert "¥8.33" in page  # 125 / 15 days
    assert "— (data unknown)" in page


@pytest.mark.django_db
def test_it_orders_tiers_by_per_gb_with_unknown_data_last(client, analyst):
    cheap = TierFactory(price_cny=Decimal("10"), data_gb=Decimal("10"))
    dear = TierFactory(price_cny=Decimal("90"), data_gb=Decimal("10"))
    unknown = TierFactory(price_cny=Decimal("1"), data_gb=None)
    client.force_login(analyst)
    # The changelist puts the action checkbox in column 0, before list_display.
    per_gb_column = TierAdmin.list_display.index("per_gb") + 1

    response = client.get(admin_url(Tier, "changelist"), {"o": str(per_gb_column)})

    rows = list(response.context["cl"].result_list)
    assert rows[:2] == [cheap, dear]
    assert rows[-1] == unknown


@pytest.mark.django_db
def test_it_filters_tiers_by_bucket_current_operator_and_province(client, analyst):
    beijing = ProvinceFactory(code="11")
    mobile = OperatorFactory(code="cmcc")
    plan = PlanFactory(branch=BranchFactory(operator=mobile, province=beijing))
    week = TierFactory(plan=plan, validity_days=7, effective_from=datetime.date(2025, 5, 1))
    TierFactory(
        plan=plan,
        validity_days=7,
        effective_from=datetime.date(2025, 1, 1),
        effective_to=datetime.date(2025, 5, 1),
    )
    TierFactory(plan=plan, validity_days=30)
    TierFactory(validity_days=5)  # another operator and province
    client.force_login(analyst)

    response = client.get(
        admin_url(Tier, "changelist"), {"bucket": "1-7", "status": "in_effect", "operator": "cmcc", "province": "11"}
    )

    assert list(response.context["cl"].result_list) == [week]


@pytest.mark.django_db
def test_a_price_change_in_the_tier_form_supersedes_the_tier(client, analyst, django_capture_on_commit_callbacks):
    tier = TierFactory(
        validity_days=7, price_cny=Decimal("100"), effective_from=datetime.date(2025, 5, 1), notes="All labels printed"
    )
    printed = SourceFactory(title="7月资费")
    client.force_login(analyst)
    sent: list[list[int]] = []

    def receiver(sender: object, plan_ids: list[int], **kwargs: object) -> None:
        sent.append(plan_ids)

    tiers_changed.connect(receiver)
    try:
        with django_capture_on_commit_callbacks(execute=True):
            response = client.post(
                admin_url(Tier, "change", tier.pk),
                tier_form(
                    tier,
                    price_cny="120.00",
                    effective_from="2025-07-01",
                    new_source=printed.pk,
                    reason="July price list",
                    _continue="1",
                ),
            )
    finally:
        tiers_changed.disconnect(receiver)

    successor = Tier.objects.get(plan=tier.plan, effective_to__isnull=True)
    tier.refresh_from_db()
    assert tier.price_cny == Decimal("100.00")
    assert tier.effective_from == datetime.date(2025, 5, 1)
    assert tier.effective_to == datetime.date(2025, 7, 1)
    assert successor.price_cny == Decimal("120.00")
    assert successor.effective_from == datetime.date(2025, 7, 1)
    # A new observation: the source the analyst named, none of the old row's notes.
    assert (successor.source, successor.notes) == (printed, "")
    assert successor.history.get().history_user == analyst
    assert successor.history.get().history_change_reason == "July price list"
    assert tier.history.latest().history_user == analyst
    # Continue editing lands on the tier that is current now, and the message says what happened.
    assert response["Location"] == admin_url(Tier, "change", successor.pk)
    notes = [str(message) for message in get_messages(response.wsgi_request)]
    assert any("now ends on 2025-07-01" in note for note in notes)
    assert sent == [[tier.plan_id]]


@pytest.mark.django_db
def test_the_messages_after_a_price_change_name_the_new_tier_and_its_price(client, analyst):
    plan = PlanFactory(name_zh="灵动卡", name_en="Smart Card")
    tier = TierFactory(plan=plan, validity_days=7, price_cny=Decimal("100"), effective_from=datetime.date(2025, 5, 1))
    client.force_login(analyst)

    response = client.post(
        admin_url(Tier, "change", tier.pk),
        tier_form(tier, price_cny="120.00", effective_from="2025-07-01", new_source=SourceFactory().pk),
        follow=True,
    )

    new = Tier.objects.get(plan=plan, effective_to__isnull=True)
    tier.refresh_from_db()
    notes = [str(message) for message in response.context["messages"]]
    assert notes == [
        f"New price: “{tier}” now ends on 2025-07-01 and “{new}” is current from that day.",
        f'The new price tier “<a href="{admin_url(Tier, "change", new.pk)}">{new}</a>” was saved.',
    ]
    assert "¥120.00" in str(new) and "¥100.00" in str(tier)


@pytest.mark.django_db
def test_a_price_change_without_a_new_start_date_starts_today(client, analyst):
    tier = TierFactory(validity_days=7, price_cny=Decimal("100"), effective_from=datetime.date(2025, 5, 1))
    client.force_login(analyst)

    response = client.post(
        admin_url(Tier, "change", tier.pk), tier_form(tier, price_cny="90.00", new_source=tier.source_id)
    )

    assert response.status_code == 302
    assert response["Location"] == admin_url(Tier, "changelist")
    successor = Tier.objects.get(plan=tier.plan, effective_to__isnull=True)
    assert successor.effective_from == timezone.localdate()
    assert successor.price_cny == Decimal("90.00")


@pytest.mark.django_db
def test_a_new_price_starting_before_the_current_one_is_an_error_on_effective_from(client, analyst):
    tier = TierFactory(validity_days=7, price_cny=Decimal("100"), effective_from=datetime.date(2025, 5, 1))
    client.force_login(analyst)

    response = client.post(
        admin_url(Tier, "change", tier.pk),
        tier_form(tier, price_cny="120.00", effective_from="2025-04-01", new_source=tier.source_id),
    )

    assert response.status_code == 200
    assert response.context["adminform"].form.errors == {
        "effective_from": ["A new price must start after the current one (2025-05-01)."]
    }
    tier.refresh_from_db()
    assert tier.effective_to is None
    assert tier.price_cny == Decimal("100.00")
    assert Tier.objects.count() == 1
    assert list(get_messages(response.wsgi_request)) == []


@pytest.mark.django_db
def test_a_notes_change_edits_the_tier_in_place(client, analyst):
    tier = TierFactory(validity_days=7, notes="")
    client.force_login(analyst)

    client.post(admin_url(Tier, "change", tier.pk), tier_form(tier, notes="表1 第3行"))

    tier.refresh_from_db()
    assert Tier.objects.count() == 1
    assert tier.notes == "表1 第3行"
    assert tier.effective_to is None
    assert tier.history.latest().history_user == analyst


@pytest.mark.django_db
def test_the_tier_add_form_shows_a_negative_price_on_its_field(client, analyst):
    data = {**tier_payload(), "price_cny": "-1"}
    client.force_login(analyst)

    response = client.post(admin_url(Tier, "add"), data)

    assert response.status_code == 200
    assert response.context["adminform"].form.errors == {"price_cny": ["The price cannot be negative."]}
    assert not Tier.objects.exists()


@pytest.mark.django_db
def test_a_second_open_tier_of_the_same_validity_is_an_overlap_on_effective_from(client, analyst):
    existing = TierFactory(validity_days=7)
    data = {**tier_form(existing), "price_cny": "50.00"}
    client.force_login(analyst)

    response = client.post(admin_url(Tier, "add"), data)

    assert response.status_code == 200
    assert response.context["adminform"].form.errors == {"effective_from": [OVERLAPS_AN_OPEN_TIER]}


@pytest.mark.django_db
def test_a_tier_added_inline_on_its_plan_goes_through_the_service(client, analyst):
    plan = PlanFactory()
    client.force_login(analyst)
    row = {
        "plan": plan.pk,
        "validity_days": 15,
        "price_cny": "125.00",
        "data_gb": "",
        "confidence": "confirmed",
        "price_qualifier": "exact",
        "source": plan.source_id,
    }

    response = client.post(admin_url(Plan, "change", plan.pk), plan_form(plan, [row]))

    assert response.status_code == 302
    tier = plan.tiers.get()
    assert (tier.validity_days, tier.price_cny, tier.data_gb) == (15, Decimal("125.00"), None)
    assert tier.history.get().history_user == analyst


@pytest.mark.django_db
def test_an_inline_price_change_supersedes_the_tier_and_says_so(client, analyst):
    plan = PlanFactory()
    tier = TierFactory(plan=plan, validity_days=7, price_cny=Decimal("100"), effective_from=datetime.date(2025, 5, 1))
    client.force_login(analyst)
    printed = SourceFactory()
    row = {
        "id": tier.pk,
        "plan": plan.pk,
        **tier_fields(tier),
        "price_cny": "110.00",
        "effective_from": "2025-08-01",
        "new_source": printed.pk,
    }

    response = client.post(admin_url(Plan, "change", plan.pk), plan_form(plan, [row], initial=1))

    assert response.status_code == 302
    tier.refresh_from_db()
    successor = plan.tiers.get(effective_to__isnull=True)
    assert tier.effective_to == datetime.date(2025, 8, 1)
    assert (successor.price_cny, successor.effective_from) == (Decimal("110.00"), datetime.date(2025, 8, 1))
    assert successor.source == printed
    notes = [str(message) for message in get_messages(response.wsgi_request)]
    assert any("is current from that day" in note for note in notes)


@pytest.mark.django_db
def test_two_new_inline_tiers_of_one_validity_show_the_error_on_the_second_row(client, analyst):
    plan = PlanFactory(notes="")
    client.force_login(analyst)
    row = {"plan": plan.pk, "validity_days": 7, "price_cny": "100.00", "confidence": "confirmed"}
    row["price_qualifier"] = "exact"
    rows = [{**row, "source": plan.source_id}, {**row, "price_cny": "90.00", "source": plan.source_id}]

    response = client.post(admin_url(Plan, "change", plan.pk), plan_form(plan, rows, notes="changed"))

    assert response.status_code == 200
    formset = response.context["inline_admin_formsets"][0].formset
    assert formset.forms[0].errors == {}
    assert formset.forms[1].errors == {"effective_from": [OVERLAPS_AN_OPEN_TIER]}
    # The whole save was rolled back: no tier, and the plan's own change did not stick either.
    assert not plan.tiers.exists()
    plan.refresh_from_db()
    assert plan.notes == ""


@pytest.mark.django_db
def test_an_inline_tier_deleted_on_the_plan_page_is_deleted_through_the_service(client, analyst):
    plan = PlanFactory()
    tier = TierFactory(plan=plan, validity_days=7)
    client.force_login(analyst)
    row = {"id": tier.pk, "plan": plan.pk, **tier_fields(tier), "DELETE": "on"}

    response = client.post(admin_url(Plan, "change", plan.pk), plan_form(plan, [row], initial=1))

    assert response.status_code == 302
    assert not plan.tiers.exists()
    assert Tier.history.filter(id=tier.pk).latest().history_user == analyst


@pytest.mark.django_db
def test_new_inline_rows_offer_the_plans_source(client, analyst):
    plan = PlanFactory()
    client.force_login(analyst)

    response = client.get(admin_url(Plan, "change", plan.pk))

    extra_row = response.context["inline_admin_formsets"][0].formset.forms[0]
    assert extra_row.initial["source"] == plan.source_id


@pytest.mark.django_db
def test_a_tier_added_inline_without_a_source_cites_the_plans_source(client, analyst):
    plan = PlanFactory()
    client.force_login(analyst)
    row = {"plan": plan.pk, "validity_days": 7, "price_cny": "85.00", "confidence": "confirmed", "source": ""}
    row["price_qualifier"] = "exact"

    response = client.post(admin_url(Plan, "change", plan.pk), plan_form(plan, [row]))

    assert response.status_code == 302
    assert plan.tiers.get().source_id == plan.source_id


@pytest.mark.django_db
def test_a_plan_added_with_a_tier_inline_and_no_tier_source_gives_the_tier_the_plans_source(client, analyst):
    data = plan_payload()
    row = {"validity_days": 7, "price_cny": "85.00", "confidence": "confirmed", "price_qualifier": "exact"}
    data.update(management("tiers", total=1))
    data.update({f"tiers-0-{name}": value for name, value in {**row, "source": ""}.items()})
    client.force_login(analyst)

    response = client.post(admin_url(Plan, "add"), data)

    assert response.status_code == 302
    plan = Plan.objects.get(name_zh="灵动卡")
    assert plan.tiers.get().source_id == data["source"]


@pytest.mark.django_db
def test_only_a_new_inline_row_may_leave_its_source_empty(client, analyst):
    plan = PlanFactory()
    TierFactory(plan=plan, validity_days=7)
    client.force_login(analyst)

    response = client.get(admin_url(Plan, "change", plan.pk))

    stored_row, extra_row = response.context["inline_admin_formsets"][0].formset.forms
    assert stored_row.fields["source"].required is True
    assert extra_row.fields["source"].required is False
    assert str(extra_row.fields["source"].help_text) == "Empty: the plan's source."


def test_the_tier_inline_lays_out_every_editable_field_but_the_plan_and_notes():
    from plans.admin.plans import TIER_INLINE_LINES
    from plans.services import TIER_EDITABLE_FIELDS

    laid_out = [name for line in TIER_INLINE_LINES for name in line]
    assert len(laid_out) == len(set(laid_out))
    assert set(laid_out) == (set(TIER_EDITABLE_FIELDS) - {"plan", "notes"}) | {
        "new_source",
        "reason",
        "per_gb",
        "per_day",
        "based_on_version",
    }


@pytest.mark.django_db
def test_deleting_a_plan_in_the_admin_uses_the_service(client, analyst, django_capture_on_commit_callbacks):
    plan = PlanFactory()
    TierFactory(plan=plan)
    plan_id = plan.pk
    client.force_login(analyst)

    with django_capture_on_commit_callbacks() as callbacks:
        response = client.post(admin_url(Plan, "delete", plan_id), {"post": "yes"})

    assert response.status_code == 302
    assert not Plan.objects.filter(pk=plan_id).exists()
    assert Plan.history.filter(id=plan_id).latest().history_user == analyst
    assert Tier.history.filter(plan_id=plan_id, history_type="-").get().history_user == analyst
    assert len(callbacks) == 1


def changelist_queries(client: Any, model: type[models.Model]) -> int:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(admin_url(model, "changelist"))
    assert response.status_code == 200
    return len(queries)


def perk_on_a_plan() -> Perk:
    perk = PerkFactory()
    PlanFactory().perks.add(perk)
    return perk


GROWERS: list[tuple[type[models.Model], Callable[[], object]]] = [
    (Perk, perk_on_a_plan),
    (Plan, lambda: TierFactory().plan),
    (Tier, TierFactory),
]


@pytest.mark.django_db
@pytest.mark.parametrize(("model", "grow"), GROWERS, ids=[model.__name__ for model, _ in GROWERS])
def test_the_changelist_query_count_does_not_grow_with_rows(client, analyst, model, grow):
    client.force_login(analyst)
    grow()
    few = changelist_queries(client, model)
    for _ in range(5):
        grow()

    assert model.objects.count() == 6
    assert changelist_queries(client, model) == few


@pytest.mark.django_db
def test_a_plan_added_with_tiers_inline_creates_all_of_them_through_the_services(client, analyst):
    data = plan_payload()
    rows = [
        {
            "validity_days": days,
            "price_cny": price,
            "data_gb": "",
            "confidence": "confirmed",
            "price_qualifier": "exact",
            "source": data["source"],
        }
        for days, price in ((7, "85.00"), (15, "125.00"), (30, "195.00"))
    ]
    data.update(management("tiers", total=len(rows)))
    for index, row in enumerate(rows):
        data.update({f"tiers-{index}-{name}": value for name, value in row.items()})
    client.force_login(analyst)

    response = client.post(admin_url(Plan, "add"), data)

    assert response.status_code == 302
    plan = Plan.objects.get(name_zh="灵动卡")
    assert list(plan.tiers.values_list("validity_days", "price_cny", "data_gb")) == [
        (7, Decimal("85.00"), None),
        (15, Decimal("125.00"), None),
        (30, Decimal("195.00"), None),
    ]
    assert {record.history_user for tier in plan.tiers.all() for record in tier.history.all()} == {analyst}


@pytest.mark.django_db
def test_reverting_a_tiers_price_from_history_starts_a_new_tier_from_the_named_source(client, analyst):
    tier = TierFactory(validity_days=7, price_cny=Decimal("100"), effective_from=datetime.date(2025, 5, 1))
    first = tier.history.get()
    Tier.objects.filter(pk=tier.pk).update(price_cny=Decimal("150"))  # a price change, outside the admin
    client.force_login(analyst)
    url = reverse("admin:plans_tier_simple_history", args=[tier.pk, first.history_id])

    # The revert form is based on what is stored now, not on the old record it shows.
    assert client.get(url).context["adminform"].form["based_on_version"].initial == 1
    response = client.post(url, tier_form(tier, price_cny="100.00", new_source=tier.source_id))

    assert response.status_code == 302
    current = Tier.objects.get(plan=tier.plan, effective_to__isnull=True)
    assert current.price_cny == Decimal("100.00")
    assert current.pk != tier.pk
    assert current.history.get().history_user == analyst


@pytest.mark.django_db
def test_reverting_a_mistaken_price_from_history_as_a_correction_keeps_the_row(client, analyst):
    tier = TierFactory(validity_days=7, price_cny=Decimal("100"), effective_from=datetime.date(2025, 5, 1))
    first = tier.history.get()
    Tier.objects.filter(pk=tier.pk).update(price_cny=Decimal("150"))  # a mistaken edit, outside the admin
    client.force_login(analyst)

    response = client.post(
        reverse("admin:plans_tier_simple_history", args=[tier.pk, first.history_id]),
        tier_form(tier, price_cny="100.00", is_correction="on", reason="150 was a typo"),
    )

    assert response.status_code == 302
    tier.refresh_from_db()
    assert (tier.price_cny, tier.effective_to, Tier.objects.count()) == (Decimal("100.00"), None, 1)
    assert tier.history.latest().history_change_reason == "Correction: 150 was a typo"


@pytest.mark.django_db
def test_editing_only_an_inline_tier_leaves_the_plan_row_alone_and_signals_once(
    client, analyst, django_capture_on_commit_callbacks
):
    plan = PlanFactory()
    tier = TierFactory(plan=plan, validity_days=7, notes="")
    client.force_login(analyst)
    row = {"id": tier.pk, "plan": plan.pk, **tier_fields(tier), "price_cny": "95.00", "new_source": tier.source_id}
    sent: list[list[int]] = []

    def receiver(sender: object, plan_ids: list[int], **kwargs: object) -> None:
        sent.append(plan_ids)

    tiers_changed.connect(receiver)
    try:
        with django_capture_on_commit_callbacks(execute=True):
            response = client.post(admin_url(Plan, "change", plan.pk), plan_form(plan, [row], initial=1))
    finally:
        tiers_changed.disconnect(receiver)

    assert response.status_code == 302
    assert plan.history.count() == 1  # only its creation
    assert sent == [[plan.pk]]


@pytest.mark.django_db
def test_a_service_refusing_a_row_marked_for_deletion_is_reported_not_a_server_error(client, analyst, monkeypatch):
    plan = PlanFactory()
    tier = TierFactory(plan=plan, validity_days=7)
    client.force_login(analyst)

    def refuse(**kwargs: object) -> None:
        raise ValidationError("This tier is cited by a published benchmark.")

    # A deleted row's form is not validated again, so its error cannot land on the form.
    monkeypatch.setattr("plans.admin.plans.tier_delete", refuse)
    row = {"id": tier.pk, "plan": plan.pk, **tier_fields(tier), "DELETE": "on"}

    response = client.post(admin_url(Plan, "change", plan.pk), plan_form(plan, [row], initial=1))

    assert response.status_code == 302
    assert response["Location"] == admin_url(Plan, "change", plan.pk)
    assert [str(message) for message in get_messages(response.wsgi_request)] == [
        "This tier is cited by a published benchmark."
    ]
    assert plan.tiers.get() == tier


# --------------------------------------------------------------------------- new observations, history, versions


def form_errors(response: Any) -> dict[str, list[str]]:
    return response.context["adminform"].form.errors


@pytest.mark.django_db
def test_the_tier_form_asks_for_the_new_prices_source_empty_and_a_reason(client, analyst):
    tier = TierFactory(validity_days=7)
    client.force_login(analyst)

    form = client.get(admin_url(Tier, "change", tier.pk)).context["adminform"].form

    assert form["new_source"].value() is None  # never the old price's source
    assert form["source"].value() == tier.source_id
    assert form["reason"].value() is None
    assert form["based_on_version"].value() == 1
    assert form.fields["based_on_version"].widget.is_hidden


@pytest.mark.django_db
def test_a_price_change_without_its_source_is_an_error_on_that_field_and_saves_nothing(client, analyst):
    tier = TierFactory(validity_days=7, price_cny=Decimal("100"), effective_from=datetime.date(2025, 5, 1))
    client.force_login(analyst)

    response = client.post(admin_url(Tier, "change", tier.pk), tier_form(tier, price_cny="120.00"))

    assert response.status_code == 200
    assert form_errors(response) == {
        "new_source": ["A new price is a new observation: name the source that printed it."]
    }
    tier.refresh_from_db()
    assert (tier.price_cny, tier.effective_to, tier.version, Tier.objects.count()) == (Decimal("100.00"), None, 1, 1)


@pytest.mark.django_db
def test_a_stale_tier_form_says_someone_changed_it_and_saves_nothing(client, analyst):
    tier = TierFactory(validity_days=7, notes="")
    opened = tier_form(tier)  # the page as the analyst opened it, at version 1
    tier_update(tier=tier, changes={"notes": "their change"}, actor=AnalystFactory(username="colleague"))
    client.force_login(analyst)

    response = client.post(admin_url(Tier, "change", tier.pk), {**opened, "notes": "my change"})

    assert response.status_code == 200
    assert form_errors(response) == {
        "__all__": ["Someone changed this tier since you opened it (now version 2); reload to see their change."]
    }
    tier.refresh_from_db()
    assert (tier.notes, tier.version) == ("their change", 2)


@pytest.mark.django_db
def test_a_tier_form_posted_without_its_version_is_refused_and_saves_nothing(client, analyst):
    tier = TierFactory(validity_days=7, notes="")
    posted = {name: value for name, value in tier_form(tier).items() if name != "based_on_version"}
    client.force_login(analyst)

    response = client.post(admin_url(Tier, "change", tier.pk), {**posted, "notes": "my change"})

    assert response.status_code == 200
    assert form_errors(response)["based_on_version"] == [
        "This form lacks the version it was opened on; reload the page and edit again."
    ]
    tier.refresh_from_db()
    assert (tier.notes, tier.version) == ("", 1)


@pytest.mark.django_db
def test_a_stale_inline_row_says_someone_changed_it_and_the_plan_page_saves_nothing(client, analyst):
    plan = PlanFactory(notes="")
    tier = TierFactory(plan=plan, validity_days=7, price_cny=Decimal("100"), effective_from=datetime.date(2025, 5, 1))
    row = {"id": tier.pk, "plan": plan.pk, **tier_fields(tier), "price_cny": "90.00", "new_source": tier.source_id}
    tier_update(tier=tier, changes={"notes": "their change"}, actor=AnalystFactory(username="colleague"))
    client.force_login(analyst)

    response = client.post(admin_url(Plan, "change", plan.pk), plan_form(plan, [row], initial=1, notes="mine"))

    assert response.status_code == 200
    formset = response.context["inline_admin_formsets"][0].formset
    assert formset.forms[0].non_field_errors() == [
        "Someone changed this tier since you opened it (now version 2); reload to see their change."
    ]
    assert Tier.objects.count() == 1
    plan.refresh_from_db()
    assert plan.notes == ""  # the plan's own change was rolled back with the rest


@pytest.mark.django_db
def test_a_stale_plan_form_says_someone_changed_it_and_saves_nothing(client, analyst):
    plan = PlanFactory(name_en="Panda Card")
    opened = plan_form(plan)
    plan_update(plan=plan, changes={"name_en": "Their Card"}, actor=AnalystFactory(username="colleague"))
    client.force_login(analyst)

    response = client.post(admin_url(Plan, "change", plan.pk), {**opened, "name_en": "My Card"})

    assert response.status_code == 200
    assert form_errors(response) == {
        "__all__": ["Someone changed this plan since you opened it (now version 2); reload to see their change."]
    }
    plan.refresh_from_db()
    assert (plan.name_en, plan.version) == ("Their Card", 2)


@pytest.fixture
def ended(db) -> Tier:
    return TierFactory(
        validity_days=7,
        price_cny=Decimal("100"),
        effective_from=datetime.date(2025, 1, 1),
        effective_to=datetime.date(2025, 5, 1),
    )


@pytest.mark.django_db
def test_an_ordinary_edit_of_a_tier_that_is_history_is_refused_with_the_way_to_correct_it(client, analyst, ended):
    client.force_login(analyst)

    response = client.post(
        admin_url(Tier, "change", ended.pk), tier_form(ended, price_cny="99.00", new_source=ended.source_id)
    )

    assert response.status_code == 200
    assert form_errors(response) == {
        "__all__": ["This tier is history (ended 2025-05-01); use a correction to fix a recorded figure."]
    }
    ended.refresh_from_db()
    assert ended.price_cny == Decimal("100.00")


@pytest.mark.django_db
def test_a_correction_of_a_tier_that_is_history_needs_a_reason_and_is_audited(client, analyst, ended):
    client.force_login(analyst)
    url = admin_url(Tier, "change", ended.pk)

    without = client.post(url, tier_form(ended, price_cny="99.00", is_correction="on"))
    corrected = client.post(url, tier_form(ended, price_cny="99.00", is_correction="on", reason="表1 prints 99"))

    assert form_errors(without) == {"reason": ["A correction needs a reason: say what was wrong."]}
    assert corrected.status_code == 302
    ended.refresh_from_db()
    assert (ended.price_cny, ended.effective_to, ended.version) == (Decimal("99.00"), datetime.date(2025, 5, 1), 2)
    latest = ended.history.latest()
    assert (latest.history_user, latest.history_change_reason) == (analyst, "Correction: 表1 prints 99")
