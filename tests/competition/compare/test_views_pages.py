"""Province side by side, plans, plan detail, launches and strategies pages, on the real seed."""

from __future__ import annotations

import csv
import datetime
import io
import json
from decimal import Decimal

import pytest
import time_machine
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from plans.models import Plan
from tests.factories import BranchFactory, PlanFactory, TierFactory
from tests.responses import csv_dicts

# The header's unread notification count (competition.watching.context_processors.inbox): one COUNT.
HEADER_QUERIES = 1

pytestmark = pytest.mark.django_db


def plan_named(name_zh: str, branch_zh: str) -> Plan:
    return Plan.objects.get(name_zh=name_zh, branch__name_zh=branch_zh)


@pytest.mark.parametrize(
    "url",
    [
        "/compare/",
        "/compare/provinces/?province=11&province=31",
        "/compare/plans/",
        "/compare/benchmarks/",
        "/compare/basket/",
        "/compare/launches/",
        "/compare/strategies/",
        "/compare/launches/?format=csv&table=launches",
    ],
)
def test_it_sends_anonymous_visitors_to_the_login_page(client: Client, url: str) -> None:
    response = client.get(url)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


def test_it_sends_anonymous_visitors_of_a_plan_to_the_login_page(client: Client, seed) -> None:
    plan = plan_named("灵动卡", "北京移动")
    response = client.get(f"/compare/plans/{plan.pk}/")
    assert response.status_code == 302
    assert response["Location"] == f"{reverse('login')}?next=/compare/plans/{plan.pk}/"


def test_it_aligns_beijing_and_shanghai_tiers_by_validity(signed_in: Client) -> None:
    response = signed_in.get("/compare/provinces/?province=11&province=31")
    comparison = response.context["comparison"]
    assert [p.code for p in comparison.provinces] == ["11", "31"]
    week = next(row for row in comparison.rows if row.validity_days == 7)
    beijing, shanghai = week.cells
    assert [(t.plan.name_zh, t.price_per_gb.value.quantize(Decimal("0.01"))) for t in beijing] == [
        ("灵动卡", Decimal("3.33"))
    ]
    per_gb = {t.plan.name_zh: t.price_per_gb.value for t in shanghai}
    assert per_gb["熊猫卡"] == Decimal("3")
    # 上海电信's short-term card gives no data volume: per GB is undefined, not guessed.
    assert per_gb["中国电信短期卡"] is None
    html = response.content.decode()
    assert "<caption>" in html and '<th scope="row">' in html


def test_it_keeps_the_province_columns_in_the_order_the_link_names_them(signed_in: Client) -> None:
    response = signed_in.get("/compare/provinces/?province=36&province=11")
    assert [p.code for p in response.context["comparison"].provinces] == ["36", "11"]


def test_it_charts_the_cheapest_per_gb_of_each_province_by_validity(signed_in: Client) -> None:
    response = signed_in.get("/compare/provinces/?province=11&province=36")
    chart = response.context["chart"]
    assert chart["labels"][:1] == [7]
    beijing, jiangxi = chart["datasets"][:2]  # then the national reference line (tests/competition/context)
    assert beijing["data"][0] == {"x": 7, "y": 3.33}
    assert jiangxi["data"][0] == {"x": 7, "y": 2.33}
    assert '<script id="per-gb-chart-data" type="application/json">' in response.content.decode()


def test_its_chart_puts_validity_on_a_numeric_axis(signed_in: Client) -> None:
    chart = signed_in.get("/compare/provinces/?province=11&province=36").context["chart"]
    assert (chart["xType"], chart["spanGaps"]) == ("linear", False)
    # 北京移动 灵动卡 7/10/15/30 days: 100/30, 120/35, 150/50, 250/80 CNY per GB.
    assert chart["datasets"][0]["data"] == [
        {"x": 7, "y": 3.33},
        {"x": 10, "y": 3.43},
        {"x": 15, "y": 3.0},
        {"x": 30, "y": 3.13},
    ]


def test_its_chart_breaks_a_provinces_line_at_validities_it_does_not_sell(signed_in: Client) -> None:
    chart = signed_in.get("/compare/provinces/?province=31&province=11").context["chart"]
    shanghai = chart["datasets"][0]["data"]
    # 上海移动 sells 7, 15 and 30 days, not 10 (北京移动 does): a null there, so no line from 7 to 15.
    assert shanghai == [
        {"x": 1, "y": None},
        {"x": 7, "y": 3.0},
        {"x": 10, "y": None},
        {"x": 15, "y": 2.6},
        {"x": 30, "y": 2.5},
    ]


def test_it_asks_for_two_to_four_provinces(signed_in: Client) -> None:
    response = signed_in.get("/compare/provinces/?province=11")
    assert response.context["comparison"] is None
    assert "Pick two to four provinces." in response.content.decode()


def test_its_side_by_side_csv_has_the_rows_of_the_table(signed_in: Client) -> None:
    page = signed_in.get("/compare/provinces/?province=11&province=44")
    rows = csv_dicts(signed_in.get("/compare/provinces/?province=11&province=44&format=csv&table=tiers"))
    assert [int(r["tier_id"]) for r in rows] == [t.pk for t in page.context["comparison"].tiers]
    shenzhen = next(r for r in rows if r["branch_name_zh"] == "深圳联通" and r["validity_days"] == "7")
    assert (shenzhen["price_cny"], shenzhen["data_gb"], shenzhen["price_per_gb_cny"]) == ("79.00", "18", "4.39")
    beijing = next(r for r in rows if r["plan_name_zh"] == "灵动卡" and r["validity_days"] == "7")
    assert (beijing["price_per_gb_cny"], beijing["price_per_day_cny"], beijing["intl_discount_cap_cny"]) == (
        "3.33",
        "14.29",
        "50.00",
    )


def test_it_lists_every_plan_with_a_link_to_its_page(signed_in: Client) -> None:
    response = signed_in.get("/compare/plans/")
    plan = plan_named("熊猫卡", "上海移动")
    assert f'href="/compare/plans/{plan.pk}/"' in response.content.decode()
    row = next(r for r in response.context["tables"]["plans"].rows if r["plan_id"] == plan.pk)
    assert (row["current_tiers"], row["validity_options_days"]) == (3, "7 15 30")


def test_it_shows_a_plans_allowances_perks_and_source(signed_in: Client) -> None:
    plan = plan_named("熊猫卡", "上海移动")
    response = signed_in.get(f"/compare/plans/{plan.pk}/")
    html = response.content.decode()
    assert "Migu Video Diamond membership (monthly)" in html  # the test settings speak English
    assert "免签政策红利下，运营商该如何把握机遇？" in html
    week = next(r for r in response.context["tables"]["tiers"].rows if r["validity_days"] == 7)
    assert (week["price_cny"], week["data_gb"], week["price_per_gb_cny"]) == (Decimal("90"), Decimal("30"), 3)
    assert (week["domestic_voice_min"], week["confidence"]) == (100, "confirmed")
    # Rows carried down from the merged cell above are marked as such.
    fortnight = next(r for r in response.context["tables"]["tiers"].rows if r["validity_days"] == 15)
    assert fortnight["confidence"] == "inferred"


def test_it_draws_a_price_history_as_steps_over_real_dates(signed_in: Client) -> None:
    plan = plan_named("灵动卡", "北京移动")
    old = plan.tiers.get(validity_days=7)
    # A price change is a new row: the old 7-day tier ends when the cheaper one starts.
    old.effective_from = "2025-01-01"
    old.effective_to = "2025-06-01"
    old.save()
    TierFactory(plan=plan, validity_days=7, price_cny=Decimal("90"), data_gb=Decimal("30"), effective_from="2025-06-01")
    with time_machine.travel(datetime.datetime(2026, 3, 1, 12, tzinfo=timezone.get_default_timezone()), tick=False):
        response = signed_in.get(f"/compare/plans/{plan.pk}/")
    chart = response.context["chart"]
    assert chart["xAxis"] == "date"
    # Only the dated 7-day rows are on the time axis; 90 holds from 2025-06-01 to today.
    (week,) = chart["datasets"]
    assert week["data"] == [
        {"x": "2025-01-01", "y": 100.0},
        {"x": "2025-06-01", "y": 90.0},
        {"x": "2026-03-01", "y": 90.0},
    ]
    assert (week["label"], week["stepped"], week["spanGaps"]) == ("7 days", True, False)
    history = [(r["validity_days"], r["price_cny"], r["current"]) for r in response.context["tables"]["history"].rows]
    assert history[:2] == [(7, Decimal("100.00"), False), (7, Decimal("90"), True)]
    payload = json.loads(
        response.content.decode().split('id="price-history-data" type="application/json">')[1].split("<")[0]
    )
    assert payload["datasets"][0]["data"] == week["data"]


def test_an_undated_price_is_listed_once_and_not_placed_on_the_time_axis(signed_in: Client) -> None:
    plan = plan_named("灵动卡", "北京移动")  # the seed gives none of its prices a date

    response = signed_in.get(f"/compare/plans/{plan.pk}/")

    assert response.context["chart"]["datasets"] == []
    assert [(t.validity_days, t.price_cny) for t in response.context["undated_prices"]] == [
        (7, Decimal("100.00")),
        (10, Decimal("120.00")),
        (15, Decimal("150.00")),
        (30, Decimal("250.00")),
    ]
    html = response.content.decode()
    assert html.count("7 days: 100.00 CNY") == 1
    assert 'id="price-history-chart"' not in html


def test_it_lists_in_place_corrections_from_the_audit_trail(signed_in: Client, analyst) -> None:
    plan = plan_named("灵动卡", "北京移动")
    tier = plan.tiers.get(validity_days=7)
    tier.price_cny = Decimal("95.00")
    tier._history_user = analyst  # who made the change, as the admin records it
    tier.save()
    response = signed_in.get(f"/compare/plans/{plan.pk}/")
    changes = response.context["tables"]["changes"].rows
    latest = changes[0]
    assert (latest["change"], latest["changed_by"], latest["tier_id"], latest["price_cny"]) == (
        "changed",
        "analyst",
        tier.pk,
        Decimal("95.00"),
    )
    assert {(r["change"], r["validity_days"]) for r in changes[1:]} >= {("created", 7), ("created", 30)}
    rows = csv_dicts(signed_in.get(f"/compare/plans/{plan.pk}/?format=csv&table=changes"))
    assert (rows[0]["change"], rows[0]["changed_by"], rows[0]["price_cny"]) == ("changed", "analyst", "95.00")


def test_its_plan_page_answers_404_for_an_unknown_plan(signed_in: Client) -> None:
    assert signed_in.get("/compare/plans/999999/").status_code == 404


def test_it_lists_launches_newest_first_with_undated_ones_last(signed_in: Client) -> None:
    response = signed_in.get("/compare/launches/")
    rows = response.context["tables"]["launches"].rows
    dates = [r["launched_on"] for r in rows]
    dated = [d for d in dates if d is not None]
    assert dated == sorted(dated, reverse=True)
    assert dates.index(None) == len(dated)
    rental = next(r for r in rows if r["name_zh"] == "联网终端设备租赁方案")
    assert rental["launched_on"] is None and rental["partners_zh"] == "浦发银行"


def test_it_filters_launches_by_operator_province_kind_and_dates(signed_in: Client) -> None:
    response = signed_in.get("/compare/launches/?operator=cucc&province=11&date_from=2025-03-01&date_to=2025-03-31")
    rows = response.context["tables"]["launches"].rows
    assert sorted(r["name_zh"] for r in rows) == ["幂方卡", "畅游通"]
    assert {str(r["launched_on"]) for r in rows} == {"2025-03-01"}
    device = signed_in.get("/compare/launches/?operator=cucc&kind=device").context["tables"]["launches"].rows
    assert [(r["name_zh"], r["partners_zh"]) for r in device] == [("畅游通", "中国银联; 北京银行")]


def test_it_links_a_launch_to_the_plans_it_concerns(signed_in: Client) -> None:
    response = signed_in.get("/compare/launches/?operator=ctcc&kind=sim")
    plan = plan_named("中国电信短期卡", "上海电信")
    assert f'href="/compare/plans/{plan.pk}/"' in response.content.decode()


def test_it_explains_a_backwards_date_range(signed_in: Client) -> None:
    response = signed_in.get("/compare/launches/?date_from=2025-03-01&date_to=2025-01-01")
    assert "The end date must not be before the start date." in response.content.decode()


def test_its_launch_csv_has_the_filtered_rows(signed_in: Client) -> None:
    rows = csv_dicts(
        signed_in.get("/compare/launches/?operator=cucc&province=11&kind=bundle&format=csv&table=launches")
    )
    assert [(r["name_zh"], r["launched_on"], r["partners_zh"]) for r in rows] == [
        ("幂方卡", "2025-03-01", "中国银行; 北京一卡通公司")
    ]


def test_it_groups_strategies_by_theme_and_filters_by_operator(signed_in: Client) -> None:
    response = signed_in.get("/compare/strategies/?theme=quantum&operator=ctcc")
    groups = response.context["groups"]
    assert [(g.theme, [s.title_zh for s in g.strategies]) for g in groups] == [
        ("quantum", ["中国电信：中电信量子集团与量子城域网"])
    ]
    industry = signed_in.get("/compare/strategies/?operator=industry").context["groups"]
    assert {g.theme for g in industry} == {
        "inbound_visitors",
        "short_drama",
        "quantum",
        "digital_government",
        "ai_saas",
    }
    assert all(s.operator_id is None for g in industry for s in g.strategies)


def test_its_strategy_csvs_carry_milestones_and_key_figures(signed_in: Client) -> None:
    base = "/compare/strategies/?theme=quantum&operator=ctcc&format=csv"
    strategies = csv_dicts(signed_in.get(f"{base}&table=strategies"))
    figures = csv_dicts(signed_in.get(f"{base}&table=figures"))
    assert [r["title_zh"] for r in strategies] == ["中国电信：中电信量子集团与量子城域网"]
    assert int(strategies[0]["key_figures"]) == len(figures) > 0
    assert {r["operator_code"] for r in figures} == {"ctcc"}


def test_it_answers_404_for_a_table_the_page_does_not_have(signed_in: Client) -> None:
    assert signed_in.get("/compare/launches/?format=csv&table=nope").status_code == 404


def test_it_shows_english_names_when_the_browser_asks_for_english(client: Client, viewer, seed) -> None:
    client.force_login(viewer)
    plan = plan_named("灵动卡", "北京移动")
    english = client.get(f"/compare/plans/{plan.pk}/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    chinese = client.get(f"/compare/plans/{plan.pk}/", HTTP_ACCEPT_LANGUAGE="zh-hans").content.decode()
    assert "<h1>China Mobile Beijing · Smart Card</h1>" in english
    assert "<h1>北京移动 · 灵动卡</h1>" in chinese
    assert "当前资费" in chinese and "Current tiers" in english


@pytest.mark.parametrize(
    ("url", "queries"),
    [
        # Session, user, the province and operator choices, the branches, the summary GROUP BY, the page's tier
        # ids, those tiers and their perks, the market context figures.
        ("/compare/provinces/?province=11&province=31&province=44", 13),
        ("/compare/plans/", 5),  # session, user, the province and operator choices, a page of plans
        ("/compare/launches/", 7),
        ("/compare/launches/?operator=cucc&province=11&kind=device&date_from=2025-01-01", 9),
        ("/compare/strategies/?theme=quantum", 6),
    ],
)
def test_its_query_count_does_not_grow_with_the_data(signed_in: Client, django_assert_max_num_queries, url, queries):
    with django_assert_max_num_queries(queries + HEADER_QUERIES):
        assert signed_in.get(url).status_code == 200
    for _ in range(3):  # more plans, tiers and perks must not add queries
        plan = PlanFactory(branch=BranchFactory(province_id=Plan.objects.first().branch.province_id))
        TierFactory(plan=plan, validity_days=7)
    with django_assert_max_num_queries(queries + HEADER_QUERIES):
        assert signed_in.get(url).status_code == 200


def test_its_plan_page_query_count_is_fixed(signed_in: Client, django_assert_max_num_queries) -> None:
    plan = plan_named("灵动卡", "北京移动")
    for days in (3, 5, 60):
        TierFactory(plan=plan, validity_days=days)
    with django_assert_max_num_queries(6 + HEADER_QUERIES):
        assert signed_in.get(f"/compare/plans/{plan.pk}/").status_code == 200


def test_it_leaves_free_trial_tiers_out_of_the_per_gb_line(signed_in: Client) -> None:
    response = signed_in.get("/compare/provinces/?province=31&province=11")
    chart = response.context["chart"]
    assert chart["labels"][:2] == [1, 7]
    shanghai, beijing = chart["datasets"][:2]  # then the national reference line
    # 上海移动's free first-day card is listed in the table but does not pull the line to zero.
    assert shanghai["data"][:2] == [{"x": 1, "y": None}, {"x": 7, "y": 3.0}]
    assert beijing["data"][:2] == [{"x": 1, "y": None}, {"x": 7, "y": 3.33}]
    day_one = response.context["comparison"].rows[0]
    assert [t.plan.name_zh for t in day_one.cells[0]] == ["首日3GB免费流量体验卡"]


def test_its_launch_csv_names_the_province_beside_its_code_in_both_languages(signed_in: Client) -> None:
    response = signed_in.get("/compare/launches/", {"format": "csv", "table": "launches"})

    rows = list(csv.DictReader(io.StringIO(response.content.decode().lstrip("\ufeff"))))
    modu = next(r for r in rows if r["name_zh"] == "魔都WiFi")
    assert (modu["operator_code"], modu["province_code"], modu["province_name_zh"], modu["province_name_en"]) == (
        "ctcc",
        "31",
        "上海",
        "Shanghai",
    )
    assert (modu["branch_name_zh"], modu["branch_name_en"], modu["date_precision"], modu["status"]) == (
        "上海电信",
        "China Telecom Shanghai",
        "",
        "happened",
    )


def test_its_plan_csv_says_a_floor_is_a_from_price(signed_in: Client) -> None:
    foodie = plan_named("吃货卡", "上海移动")

    response = signed_in.get(f"/compare/plans/{foodie.pk}/", {"format": "csv", "table": "tiers"})

    (row,) = csv.DictReader(io.StringIO(response.content.decode().lstrip("\ufeff")))
    assert (row["price_cny"], row["price_qualifier"], row["plan_name_zh"], row["province_name_en"]) == (
        "5.00",
        "from",
        "吃货卡",
        "Shanghai",
    )


def test_it_shows_key_figure_units_in_the_reader_s_language(signed_in: Client) -> None:
    english = signed_in.get("/compare/strategies/?theme=short_drama").content.decode()
    signed_in.cookies["django_language"] = "zh-hans"
    chinese = signed_in.get("/compare/strategies/?theme=short_drama").content.decode()

    assert "<dd>504 100 million CNY" in english
    assert "<dd>504 亿元" in chinese
