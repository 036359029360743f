"""`load_seed`: what it loads, that a re-run changes nothing, and that a bad file writes nothing."""

from __future__ import annotations

import datetime
import re
import shutil
from decimal import Decimal
from io import StringIO
from pathlib import Path

import pytest
from django.apps import apps
from django.core.management import CommandError, call_command
from django.db import models

from competition.context.models import Indicator, IndicatorValue
from competition.models import KeyFigure, Launch, Partner, Strategy, StrategyMilestone
from competition.seed.loader import DEFAULT_SEED_DIR
from operators.models import Branch, Operator, Province, Source
from plans.models import Perk, Plan, Tier
from plans.signals import tiers_changed

pytestmark = pytest.mark.django_db

SEEDED_MODELS: tuple[type[models.Model], ...] = (
    Operator,
    Province,
    Source,
    Branch,
    Perk,
    Plan,
    Tier,
    Partner,
    Launch,
    Strategy,
    StrategyMilestone,
    KeyFigure,
    Indicator,
    IndicatorValue,
)

EXPECTED_COUNTS = {
    "Operator": 4,
    "Province": 31,
    "Source": 19,  # 15 of seed 003's articles and sections, 4 white papers (market_context.yaml)
    "Branch": 7,
    "Perk": 7,
    "Plan": 12,
    "Tier": 23,
    "Partner": 5,
    "Launch": 14,
    "Strategy": 20,
    "StrategyMilestone": 20,
    "KeyFigure": 75,
    "Indicator": 18,
    "IndicatorValue": 62,
}

MIANQIAN = "免签政策红利下，运营商该如何把握机遇？"


def row_counts() -> dict[str, int]:
    return {model.__name__: model._default_manager.count() for model in SEEDED_MODELS}


def history_counts() -> dict[str, int]:
    """Rows in every history table of the seeded apps, the many-to-many ones (plan perks …) included."""
    return {
        model.__name__: model._default_manager.count()
        for model in apps.get_models()
        if model._meta.app_label in {"operators", "plans", "competition"} and model.__name__.startswith("Historical")
    }


@pytest.fixture
def seed_copy(tmp_path: Path) -> Path:
    """A private copy of fixtures/ that a test may break."""
    target = tmp_path / "fixtures"
    shutil.copytree(DEFAULT_SEED_DIR, target)
    return target


def replace_in(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert text.count(old) == 1, f"{old!r} must occur exactly once in {path.name}"
    path.write_text(text.replace(old, new), encoding="utf-8")


def test_it_loads_the_expected_rows_per_entity(seed) -> None:
    assert row_counts() == EXPECTED_COUNTS


def test_it_changes_no_row_and_adds_no_history_when_run_twice(seed) -> None:
    rows_before, history_before = row_counts(), history_counts()
    tiers_before = list(Tier.objects.order_by("pk").values())

    call_command("load_seed", verbosity=0, stdout=StringIO())

    assert row_counts() == rows_before
    assert history_counts() == history_before
    assert list(Tier.objects.order_by("pk").values()) == tiers_before


def test_it_queues_no_tiers_changed_signal_or_other_after_commit_work_when_run_twice(
    seed, django_capture_on_commit_callbacks
) -> None:
    with django_capture_on_commit_callbacks() as callbacks:
        call_command("load_seed", verbosity=0, stdout=StringIO())

    assert callbacks == []


def test_it_tells_the_benchmarks_about_every_seeded_plan_on_a_first_run(django_capture_on_commit_callbacks) -> None:
    received: list[int] = []

    def receiver(sender: object, plan_ids: list[int], **kwargs: object) -> None:
        received.extend(plan_ids)

    tiers_changed.connect(receiver, dispatch_uid="test_load_seed_receiver")
    try:
        with django_capture_on_commit_callbacks() as callbacks:
            call_command("load_seed", verbosity=0, stdout=StringIO())
        # Send the loader's notifications; the benchmark receiver's own task waits for a commit a test never makes.
        for callback in callbacks:
            callback()
    finally:
        tiers_changed.disconnect(dispatch_uid="test_load_seed_receiver")

    assert set(received) == set(Plan.objects.values_list("pk", flat=True))


def test_it_reports_everything_unchanged_on_a_second_run(seed) -> None:
    out = StringIO()

    call_command("load_seed", stdout=out)

    lines = out.getvalue().splitlines()
    assert "tiers                created   0  updated   0  unchanged  23  skipped   0" in lines
    assert "key figures          created   0  updated   0  unchanged  75  skipped   0" in lines


def test_it_reports_what_it_created_on_a_first_run() -> None:
    out = StringIO()

    call_command("load_seed", stdout=out)

    assert "provinces            created  31  updated   0  unchanged   0  skipped   0" in out.getvalue().splitlines()


def test_every_tier_launch_and_strategy_cites_an_article_of_the_may_2025_issue(seed) -> None:
    cited = (
        set(Tier.objects.values_list("source__issue", flat=True))
        | set(Launch.objects.values_list("source__issue", flat=True))
        | set(Strategy.objects.values_list("source__issue", flat=True))
        | set(Plan.objects.values_list("source__issue", flat=True))
    )
    assert cited == {"2025年5月 VOL.71"}


def test_every_tier_and_launch_cites_the_visa_free_article(seed) -> None:
    # The article itself (its Table 1) or one of its text's sections ("<title> · <section>").
    titles = set(Tier.objects.values_list("source__title", flat=True)) | set(
        Launch.objects.values_list("source__title", flat=True)
    )
    assert all(title == MIANQIAN or title.startswith(f"{MIANQIAN} · ") for title in titles)


def section_of(row: Tier | Launch | Strategy) -> str:
    """The section of 免签政策红利下 a row cites: what its source's locator names after 正文."""
    locator = row.source.locator
    assert "表1" not in locator, f"{row} cites Table 1 for a fact of the article's text: {locator}"
    return locator.split("正文「")[1].split("」")[0]


def test_table_1_tiers_cite_table_1(seed) -> None:
    locators = set(Tier.objects.filter(notes__startswith="表1 Table 1").values_list("source__locator", flat=True))

    assert locators == {"第08页起 from p. 8; 表1 Table 1 (中国个别省市运营商推出的入境短期通信套餐资费)"}


def test_shanghai_telecoms_85_125_195_short_card_cites_its_section_of_the_text_not_table_1(seed) -> None:
    tiers = Tier.objects.filter(plan__branch__name_zh="上海电信", plan__name_zh="中国电信短期卡")
    tiers = tiers.order_by("validity_days")

    assert [(t.validity_days, t.price_cny, section_of(t)) for t in tiers] == [
        (7, Decimal("85.00"), "上海电信：推出短期流量卡和无缝 WiFi 体验"),
        (15, Decimal("125.00"), "上海电信：推出短期流量卡和无缝 WiFi 体验"),
        (30, Decimal("195.00"), "上海电信：推出短期流量卡和无缝 WiFi 体验"),
    ]
    assert tiers[0].plan.source == tiers[0].source
    assert tiers[0].source.citation == (
        "钟翠霞, «免签政策红利下，运营商该如何把握机遇？ · 上海电信：推出短期流量卡和无缝 WiFi 体验», "
        "通信竞争 Communications Competition, 2025年5月 VOL.71, "
        "第08页起 from p. 8; 正文「上海电信：推出短期流量卡和无缝 WiFi 体验」 "
        "(article text, section on China Telecom Shanghai)"
    )


def test_beijing_unicoms_launches_cite_their_section_of_the_text(seed) -> None:
    launches = Launch.objects.filter(branch__name_zh="北京联通", name_zh__in=["畅游通", "幂方卡"])

    assert {(launch.name_zh, section_of(launch)) for launch in launches} == {
        ("畅游通", "北京联通：推出短期通信卡与“多合一”融合方案"),
        ("幂方卡", "北京联通：推出短期通信卡与“多合一”融合方案"),
    }


def test_shanghai_mobiles_perk_packs_cite_their_section_of_the_text(seed) -> None:
    packs = Tier.objects.filter(plan__segment=Plan.Segment.PERK_PACK).order_by("price_cny")

    assert [(t.plan.name_zh, t.price_cny, section_of(t)) for t in packs] == [
        ("吃货卡", Decimal("5.00"), "上海移动：推出短期卡片搭配多元权益和联网终端设备租赁方案"),
        ("龙腾随心行轻享包", Decimal("8.90"), "上海移动：推出短期卡片搭配多元权益和联网终端设备租赁方案"),
    ]


def test_no_fact_of_the_visa_free_articles_text_cites_table_1(seed) -> None:
    # Every launch and inbound-visitor strategy comes from the text; so does every tier outside Table 1.
    text_rows: list[Tier | Launch | Strategy] = [
        *Tier.objects.exclude(notes__startswith="表1 Table 1"),
        *Launch.objects.all(),
        *Strategy.objects.filter(theme="inbound_visitors"),
    ]
    sections = {section_of(row) for row in text_rows}

    assert sections == {
        "免签政策优化：入境人员规模持续攀升",
        "北京联通：推出短期通信卡与“多合一”融合方案",
        "上海移动：推出短期卡片搭配多元权益和联网终端设备租赁方案",
        "上海电信：推出短期流量卡和无缝 WiFi 体验",
    }
    text_plans = Plan.objects.filter(tiers__isnull=True) | Plan.objects.filter(segment=Plan.Segment.PERK_PACK)
    assert all("表1" not in plan.source.locator for plan in text_plans)


def test_it_gives_each_theme_its_article(seed) -> None:
    pairs = set(Strategy.objects.values_list("theme", "source__author"))
    assert pairs == {
        ("inbound_visitors", "钟翠霞"),
        ("short_drama", "追赶太阳"),
        ("quantum", "曹先震"),
        ("digital_government", "Hao"),
        ("ai_saas", "邱欢欢"),
    }


def test_it_launches_changyoutong_on_1_march_2025_with_unionpay_and_bank_of_beijing(seed) -> None:
    launch = Launch.objects.get(branch__name_zh="北京联通", name_zh="畅游通")

    assert launch.launched_on == datetime.date(2025, 3, 1)
    assert launch.date_precision == "day"
    assert launch.kind == Launch.Kind.DEVICE
    assert sorted(launch.partners.values_list("name_zh", flat=True)) == ["中国银联", "北京银行"]


def test_it_launches_the_cube_card_with_bank_of_china_and_yikatong(seed) -> None:
    launch = Launch.objects.get(branch__name_zh="北京联通", name_zh="幂方卡")

    assert (launch.name_en, launch.kind, launch.launched_on) == ("CUBe Card", "bundle", datetime.date(2025, 3, 1))
    assert sorted(launch.partners.values_list("name_zh", flat=True)) == ["中国银行", "北京一卡通公司"]


def test_it_leaves_the_device_rental_with_spd_bank_undated(seed) -> None:
    launch = Launch.objects.get(branch__name_zh="上海移动", name_zh="联网终端设备租赁方案")

    assert launch.launched_on is None
    assert list(launch.partners.values_list("name_zh", flat=True)) == ["浦发银行"]


def test_it_links_the_perk_pack_launches_to_their_plans(seed) -> None:
    linked = {
        launch.name_zh: list(launch.plans.values_list("name_zh", flat=True))
        for launch in Launch.objects.filter(kind=Launch.Kind.PERK_PACK)
    }
    assert linked == {"龙腾随心行轻享包": ["龙腾随心行轻享包"], "吃货卡": ["吃货卡"]}


def test_it_dates_short_drama_milestones_to_the_month_the_text_gives(seed) -> None:
    milestones = StrategyMilestone.objects.filter(strategy__operator__code="cmcc", strategy__theme="short_drama")

    assert [(m.happened_on, m.date_precision) for m in milestones.order_by("happened_on")] == [
        (datetime.date(2024, 4, 1), "month"),
        (datetime.date(2024, 11, 1), "month"),
    ]


def test_it_names_shiguang_zuobiao_time_coordinate_not_time_axis(seed) -> None:
    # 时光坐标股份有限公司: 坐标 is a coordinate; 时光轴 would be a time axis.
    milestone = StrategyMilestone.objects.get(description_zh__contains="时光坐标股份有限公司")

    assert "Time Coordinate Co." in milestone.description_en
    assert not StrategyMilestone.objects.filter(description_en__contains="Time Axis").exists()


def test_it_keeps_industry_figures_without_an_operator(seed) -> None:
    figure = KeyFigure.objects.get(label_zh="2024年全国口岸免签入境外国人")

    assert figure.strategy.operator is None
    assert (figure.amount, figure.unit) == (Decimal("2011.5"), "万人次")


def test_it_records_china_telecom_quantum_groups_registered_capital(seed) -> None:
    figure = KeyFigure.objects.get(strategy__operator__code="ctcc", label_zh="中电信量子集团注册资金")

    assert (figure.amount, figure.unit) == (Decimal("30"), "亿元")


def test_it_rejects_a_negative_price_naming_the_row_and_field_and_writes_nothing(seed_copy: Path) -> None:
    replace_in(seed_copy / "plans.yaml", "price_cny: 79\n", "price_cny: -79\n")

    with pytest.raises(CommandError) as error:
        call_command("load_seed", path=seed_copy, verbosity=0, stdout=StringIO())

    message = str(error.value)
    assert "深圳外籍来宾短期卡" in message
    assert "Table 1 row 11" in message
    assert "price_cny: The price cannot be negative." in message
    assert all(count == 0 for count in row_counts().values())


def test_it_rolls_back_earlier_changes_when_a_later_row_is_bad(seed, seed_copy: Path) -> None:
    rows_before, history_before = row_counts(), history_counts()
    replace_in(seed_copy / "operators.yaml", "name_en: China Mobile\n", "name_en: China Mobile Renamed\n")
    replace_in(seed_copy / "plans.yaml", "price_cny: 79\n", "price_cny: -79\n")

    with pytest.raises(CommandError):
        call_command("load_seed", path=seed_copy, verbosity=0, stdout=StringIO())

    assert Operator.objects.get(code="cmcc").name_en == "China Mobile"
    assert row_counts() == rows_before
    assert history_counts() == history_before


def test_it_corrects_only_the_row_whose_value_differs(seed, seed_copy: Path) -> None:
    tier = Tier.objects.get(plan__branch__name_zh="江西移动", validity_days=7)
    history_before = tier.history.count()
    replace_in(seed_copy / "plans.yaml", "price_cny: 70\n", "price_cny: 75\n")
    out = StringIO()

    call_command("load_seed", path=seed_copy, stdout=out)

    assert "tiers                created   0  updated   1  unchanged  22  skipped   0" in out.getvalue().splitlines()
    tier.refresh_from_db()
    # A corrected data file corrects the tier it names in place; it is not a dated price change.
    assert (tier.price_cny, tier.effective_from, tier.effective_to) == (Decimal("75.00"), None, None)
    assert tier.history.count() == history_before + 1
    assert row_counts() == EXPECTED_COUNTS


def test_it_rejects_an_unknown_field_instead_of_loading_it_as_empty(seed_copy: Path) -> None:
    replace_in(seed_copy / "plans.yaml", "data_gb: 18\n", "data_gbb: 18\n")

    with pytest.raises(CommandError, match=r"Table 1 row 11\): unknown field\(s\): data_gbb"):
        call_command("load_seed", path=seed_copy, verbosity=0, stdout=StringIO())


def test_it_names_a_reference_to_a_missing_branch(seed_copy: Path) -> None:
    replace_in(seed_copy / "plans.yaml", "branch: 江西移动\n", "branch: 江西联通\n")

    with pytest.raises(CommandError, match=re.escape("plans.yaml plans[2] (江西联通 畅行卡): branch: no branch")):
        call_command("load_seed", path=seed_copy, verbosity=0, stdout=StringIO())


def test_it_refuses_a_directory_that_does_not_exist(tmp_path: Path) -> None:
    with pytest.raises(CommandError, match="is not a directory"):
        call_command("load_seed", path=tmp_path / "missing", verbosity=0)
