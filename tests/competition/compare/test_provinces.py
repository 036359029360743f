"""The province comparison at scale: a summary aggregated in the database, a page of tiers, a streamed CSV."""

from __future__ import annotations

import csv
import io
from decimal import Decimal

import pytest
from django.test import Client
from django.utils import timezone

from competition.benchmarks.analytics.eligibility import price_counts
from competition.compare.selectors import province_summary, provinces
from operators.models import Branch
from plans.models import Tier
from plans.pricing import round_cny
from tests.factories import PlanFactory, TierFactory

pytestmark = pytest.mark.django_db


def _chart_from_every_tier(codes: list[str]) -> dict[str, list[dict]]:
    """The chart as the page drew it before it aggregated: every tier loaded, per-GB in Python."""
    tiers = list(
        Tier.objects.in_effect(on=timezone.localdate())
        .filter(plan__branch__province__code__in=codes)
        .select_related("plan__branch__province")
    )
    labels = sorted({t.validity_days for t in tiers})
    lines = {}
    for code in codes:
        points = []
        for days in labels:
            values = [
                t.price_per_gb.value
                for t in tiers
                if t.plan.branch.province.code == code
                and t.validity_days == days
                and t.price_per_gb.value is not None
                and price_counts(t.is_promotional, t.price_qualifier == Tier.PriceQualifier.FROM)
            ]
            points.append({"x": days, "y": float(round_cny(min(values))) if values else None})
        lines[code] = points
    return lines


def test_its_chart_from_the_database_equals_the_chart_from_every_tier(seed) -> None:
    codes = ["31", "11", "44"]

    chart = provinces.province_side_by_side(province_codes=codes).chart()

    assert {d["label_zh"]: d["data"] for d in chart["datasets"]} == {
        "上海": _chart_from_every_tier(codes)["31"],
        "北京": _chart_from_every_tier(codes)["11"],
        "广东": _chart_from_every_tier(codes)["44"],
    }


def test_its_summary_counts_every_tier_but_prices_only_those_that_count(seed) -> None:
    summary = province_summary.province_summary(province_codes=["31", "11"])

    by_key = {(r.province_code, r.operator_code, r.validity_days): r for r in summary}
    # 上海移动's free first-day card: a tier of the province, not a price (promotional).
    free_day = by_key[("31", "cmcc", 1)]
    assert (free_day.tiers, free_day.priced, free_day.cheapest_per_gb, free_day.low_sample) == (1, 0, None, True)
    # 北京移动 灵动卡 7 days: 100 CNY for 30 GB.
    week = by_key[("11", "cmcc", 7)]
    assert (week.tiers, week.priced, round_cny(week.cheapest_per_gb)) == (1, 1, Decimal("3.33"))
    # Rows by validity, then in the order the provinces were asked for.
    assert [(r.validity_days, r.province_code) for r in summary][:3] == [(1, "31"), (7, "31"), (7, "31")]


def test_its_summary_leaves_a_from_price_unpriced(seed) -> None:
    foodie = Tier.objects.get(plan__name_zh="吃货卡", plan__branch__name_zh="上海移动")
    summary = province_summary.province_summary(province_codes=["31", "11"])

    key = ("31", "cmcc", foodie.validity_days)
    row = next(r for r in summary if (r.province_code, r.operator_code, r.validity_days) == key)
    assert foodie.price_qualifier == "from"
    assert row.tiers > row.priced


def _grow(province_code: str, count: int, *, validity_days: int = 7) -> list[Tier]:
    branch = Branch.objects.filter(province__code=province_code, operator__code="cmcc").first()
    return [
        TierFactory(
            plan=PlanFactory(branch=branch),
            validity_days=validity_days,
            price_cny=Decimal(10 + index),
            data_gb=Decimal("10"),
        )
        for index in range(count)
    ]


@pytest.mark.parametrize(
    "table",
    [{}, {"operator": "cmcc"}, {"validity_days": 7}, {"sort": "per_gb"}, {"sort": "price", "operator": "cmcc"}],
)
def test_its_pages_show_every_tier_once_in_the_order_of_the_full_sort(seed, table) -> None:
    """Paged (the default order from the summary's blocks, the others sorted in SQL) as the CSV sorts every row."""
    codes = ["44", "11", "31"]
    _grow("11", 9)
    first = provinces.province_side_by_side(province_codes=codes, page_size=7, **table)
    seen = []
    for page in range(1, first.page_count + 1):
        side = provinces.province_side_by_side(province_codes=codes, page=page, page_size=7, **table)
        seen += [t.pk for t in side.tiers]

    every = [t.pk for t in provinces.province_tiers_stream(province_codes=codes, **table)]
    assert seen == every
    assert first.total == len(every) > 7
    assert first.page_count == -(-len(every) // 7)


def test_a_page_past_the_last_shows_the_last(seed) -> None:
    last = provinces.province_side_by_side(province_codes=["11", "31"], page=999, page_size=7)

    assert last.page == last.page_count
    assert 0 < len(last.tiers) <= 7


def test_its_table_filters_narrow_the_tiers_and_leave_the_summary_whole(seed) -> None:
    whole = provinces.province_side_by_side(province_codes=["11", "31"])
    narrowed = provinces.province_side_by_side(province_codes=["11", "31"], operator="cmcc", validity_days=7)

    assert {(t.plan.branch.operator.code, t.validity_days) for t in narrowed.tiers} == {("cmcc", 7)}
    assert narrowed.total == sum(r.tiers for r in whole.summary if (r.operator_code, r.validity_days) == ("cmcc", 7))
    assert narrowed.summary == whole.summary


def test_it_sorts_the_tiers_cheapest_per_gb_first_with_undefined_last(seed) -> None:
    tiers = provinces.province_side_by_side(province_codes=["11", "31"], sort="per_gb").tiers

    figures = [t.price_per_gb.value for t in tiers]
    defined = [f for f in figures if f is not None]
    assert defined == sorted(defined)
    assert figures[len(defined) :] == [None] * (len(figures) - len(defined))


def test_its_page_shows_one_page_and_its_csv_streams_every_tier(signed_in: Client) -> None:
    added = _grow("11", 60)

    page = signed_in.get("/compare/provinces/?province=11&province=31")
    response = signed_in.get("/compare/provinces/?province=11&province=31&format=csv&table=tiers")

    comparison = page.context["comparison"]
    assert len(comparison.tiers) == provinces.PAGE_SIZE
    assert response.streaming
    rows = list(csv.DictReader(io.StringIO(b"".join(response.streaming_content).decode().lstrip("\ufeff"))))
    assert len(rows) == comparison.total
    assert {t.pk for t in added} <= {int(r["tier_id"]) for r in rows}


def test_its_pager_keeps_the_provinces_filters_and_as_of(signed_in: Client) -> None:
    _grow("11", 60)
    day = timezone.localdate().isoformat()

    response = signed_in.get(f"/compare/provinces/?province=11&province=31&operator=cmcc&sort=price&as_of={day}")

    next_url = response.context["pager"].next_url
    assert next_url == f"?province=11&province=31&operator=cmcc&sort=price&as_of={day}&page=2"
    assert f'href="{next_url.replace("&", "&amp;")}" rel="next"' in response.content.decode()


def test_a_bad_page_or_sort_leaves_the_comparison_standing(signed_in: Client) -> None:
    response = signed_in.get("/compare/provinces/?province=11&province=31&page=abc&sort=nope")

    comparison = response.context["comparison"]
    assert [p.code for p in comparison.provinces] == ["11", "31"]
    assert comparison.page == 1


def test_its_summary_csv_has_the_cheapest_per_gb_of_each_operator_and_validity(signed_in: Client) -> None:
    response = signed_in.get("/compare/provinces/?province=11&province=31&format=csv&table=summary")

    rows = list(csv.DictReader(io.StringIO(response.content.decode().lstrip("\ufeff"))))
    week = next(r for r in rows if (r["province_code"], r["operator_code"], r["validity_days"]) == ("11", "cmcc", "7"))
    assert (week["tiers"], week["priced_tiers"], week["cheapest_per_gb_cny"], week["low_sample"]) == (
        "1",
        "1",
        "3.33",
        "true",
    )
