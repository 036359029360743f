"""Spot checks of the seeded plans and tiers against Table 1 and the text of 免签政策红利下 (seed 003)."""

from __future__ import annotations

from decimal import Decimal

import pytest

from plans.models import Plan, Tier

pytestmark = pytest.mark.django_db


def tier(branch: str, plan: str, days: int) -> Tier:
    return Tier.objects.get(plan__branch__name_zh=branch, plan__name_zh=plan, validity_days=days)


def test_beijing_mobiles_7_day_smart_card_matches_table_row_1(seed) -> None:
    smart = tier("北京移动", "灵动卡", 7)

    assert smart.plan.name_en == "Smart Card"
    assert (smart.price_cny, smart.data_gb) == (Decimal("100.00"), Decimal("30.000"))
    assert (smart.domestic_voice_min, smart.intl_voice_min) == (100, 0)
    assert smart.intl_discount_cap_cny == Decimal("50.00")
    assert smart.confidence == Tier.Confidence.CONFIRMED
    assert smart.notes.startswith("表1 Table 1 第1行 row 1.")


def test_the_smart_cards_10_day_tier_is_inferred_from_a_carried_down_label(seed) -> None:
    smart = tier("北京移动", "灵动卡", 10)

    assert (smart.price_cny, smart.data_gb, smart.intl_discount_cap_cny) == (
        Decimal("120.00"),
        Decimal("35.000"),
        Decimal("60.00"),
    )
    assert smart.confidence == Tier.Confidence.INFERRED
    assert smart.notes.startswith("表1 Table 1 第2行 row 2.")


def test_table_1_gives_every_row_1_to_17_exactly_one_tier(seed) -> None:
    rows = sorted(
        int(notes.split("第")[1].split("行")[0])
        for notes in Tier.objects.filter(notes__startswith="表1 Table 1").values_list("notes", flat=True)
    )
    assert rows == list(range(1, 18))


def test_only_rows_with_every_label_printed_are_confirmed(seed) -> None:
    confirmed = Tier.objects.filter(notes__startswith="表1 Table 1", confidence=Tier.Confidence.CONFIRMED)

    assert sorted((t.plan.name_zh, t.validity_days) for t in confirmed) == [
        ("浙江旅游卡", 15),
        ("深圳外籍来宾短期卡", 15),
        ("灵动卡", 7),
        ("熊猫卡", 7),
    ]


def test_jiangxi_mobiles_row_is_inferred_because_its_operator_cell_is_blank(seed) -> None:
    assert tier("江西移动", "畅行卡", 7).confidence == Tier.Confidence.INFERRED


def test_shanghai_mobiles_panda_card_carries_its_perks_on_the_plan_and_not_on_tiers(seed) -> None:
    panda = Plan.objects.get(branch__name_zh="上海移动", name_zh="熊猫卡")
    perks = set(panda.perks.values_list("name_zh", flat=True))

    assert perks == {"咪咕视频钻石会员包月", "来电显示", "同声译"}
    assert [(t.validity_days, t.price_cny, t.intl_voice_min) for t in panda.tiers.order_by("validity_days")] == [
        (7, Decimal("90.00"), 100),
        (15, Decimal("130.00"), 200),
        (30, Decimal("200.00"), 300),
    ]
    assert not any("咪咕" in t.notes for t in panda.tiers.all())


def test_shanghai_telecoms_7_day_short_card_costs_85_with_data_unknown(seed) -> None:
    short = tier("上海电信", "中国电信短期卡", 7)

    assert short.price_cny == Decimal("85.00")
    assert short.data_gb is None
    assert short.domestic_voice_min is None
    assert short.price_per_gb.value is None
    assert short.price_per_gb.undefined_reason == "data_unknown"


def test_shanghai_telecoms_short_card_costs_85_125_195_for_7_15_30_days(seed) -> None:
    prices = Tier.objects.filter(plan__name_zh="中国电信短期卡").order_by("validity_days")

    assert [(t.validity_days, t.price_cny) for t in prices] == [
        (7, Decimal("85.00")),
        (15, Decimal("125.00")),
        (30, Decimal("195.00")),
    ]


def test_zhejiang_unicoms_rows_15_to_17_form_a_separate_unnamed_plan(seed) -> None:
    plan = Plan.objects.get(branch__name_zh="浙江联通", name_zh="表1 浙江联通 第15-17行套餐")

    assert plan.name_en == "Table 1 Zhejiang Unicom plan, rows 15-17"
    assert [(t.validity_days, t.price_cny, t.confidence) for t in plan.tiers.order_by("validity_days")] == [
        (7, Decimal("50.00"), "inferred"),
        (15, Decimal("80.00"), "inferred"),
        (30, Decimal("150.00"), "inferred"),
    ]


def test_zhejiang_travel_card_keeps_only_its_15_and_30_day_tiers(seed) -> None:
    travel = Tier.objects.filter(plan__branch__name_zh="浙江联通", plan__name_zh="浙江旅游卡").order_by("validity_days")

    assert [(t.validity_days, t.price_cny) for t in travel] == [(15, Decimal("159.00")), (30, Decimal("259.00"))]


def test_shenzhen_unicoms_card_has_its_four_validities(seed) -> None:
    card = Tier.objects.filter(plan__name_zh="深圳外籍来宾短期卡").order_by("validity_days")

    assert [(t.validity_days, t.price_cny, t.data_gb) for t in card] == [
        (7, Decimal("79.00"), Decimal("18.000")),
        (11, Decimal("109.00"), Decimal("25.000")),
        (15, Decimal("100.00"), Decimal("50.000")),
        (30, Decimal("170.00"), Decimal("80.000")),
    ]


def test_the_free_first_day_card_is_a_promotional_one_day_tier_of_3_gb(seed) -> None:
    trial = tier("上海移动", "首日3GB免费流量体验卡", 1)

    assert (trial.price_cny, trial.data_gb, trial.is_promotional) == (Decimal("0.00"), Decimal("3.000"), True)
    assert trial.plan.segment == Plan.Segment.INBOUND_PROMOTIONAL


def test_the_free_first_day_cards_one_day_validity_is_inferred_from_shouri(seed) -> None:
    # "首日3GB免费" names a first day, not a validity: 1 day is read from it, like the perk packs' 30 days
    # read from 月租, so the tier is inferred, not confirmed.
    trial = tier("上海移动", "首日3GB免费流量体验卡", 1)

    assert trial.confidence == Tier.Confidence.INFERRED
    assert "首日" in trial.notes


def test_the_welcome_data_card_has_no_tier_because_its_validity_is_not_given(seed) -> None:
    welcome = Plan.objects.get(branch__name_zh="上海电信", name_zh="欢迎流量卡")

    assert welcome.segment == Plan.Segment.INBOUND_PROMOTIONAL
    assert welcome.tiers.count() == 0


def test_beijing_unicoms_travel_card_names_its_validities_without_prices(seed) -> None:
    card = Plan.objects.get(branch__name_zh="北京联通", name_zh="无忧短期旅行通信卡套餐")

    assert card.validity_options_days == [7, 10, 15, 30]
    assert card.tiers.count() == 0


def test_the_perk_packs_are_monthly_tiers_at_8_9_and_from_5_cny(seed) -> None:
    packs = {t.plan.name_zh: t for t in Tier.objects.filter(plan__segment=Plan.Segment.PERK_PACK)}

    assert {name: (t.validity_days, t.price_cny, t.data_gb) for name, t in packs.items()} == {
        "龙腾随心行轻享包": (30, Decimal("8.90"), None),
        "吃货卡": (30, Decimal("5.00"), None),
    }
    assert all(t.confidence == Tier.Confidence.INFERRED for t in packs.values())
    assert "from" in packs["吃货卡"].notes


def test_no_seeded_tier_has_an_effective_date_the_source_does_not_give(seed) -> None:
    assert not Tier.objects.filter(effective_from__isnull=False).exists()
