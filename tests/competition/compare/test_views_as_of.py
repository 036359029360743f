"""Every comparison page as of a day: the tiers in effect then, stamped with the date, links that keep it."""

from __future__ import annotations

import datetime

import pytest
from django.test import Client

from competition.benchmarks import scheduling
from plans.models import Plan
from tests.competition.benchmarks.dated_changes import FIRST_CHANGE, LATER, first_change, on

pytestmark = pytest.mark.django_db

EVE = (FIRST_CHANGE - datetime.timedelta(days=1)).isoformat()
DAY = FIRST_CHANGE.isoformat()


@pytest.fixture
def signed_in(client: Client, viewer, seed) -> Client:
    """熊猫卡 7 days costs 90 until FIRST_CHANGE and 60 from it; today is LATER."""
    first_change()
    with on(LATER):
        scheduling.benchmarks_recompute(trigger="test")
        client.force_login(viewer)
        yield client


def panda_row(response) -> dict:
    return next(r for r in response.context["tables"]["benchmark"].rows if r["plan_name_zh"] == "熊猫卡")


@pytest.mark.parametrize(("day", "price"), [(EVE, "90.00"), (DAY, "60.00")], ids=["before", "on"])
def test_the_benchmark_page_shows_the_tiers_in_effect_that_day_and_says_so(signed_in: Client, day, price) -> None:
    response = signed_in.get("/compare/benchmarks/", {"bucket": "1-7", "as_of": day})

    assert str(panda_row(response)["price_cny"]) == price
    assert response.context["as_of"] == datetime.date.fromisoformat(day)
    html = response.content.decode()
    assert f"As of {day}: the tiers in effect on that day." in html
    # The link to the plan keeps the day.
    assert f'/compare/plans/{panda_row(response)["plan_id"]}/?as_of={day}"' in html


def test_without_as_of_a_page_is_today_and_its_links_carry_no_date(signed_in: Client) -> None:
    response = signed_in.get("/compare/benchmarks/", {"bucket": "1-7"})

    assert str(panda_row(response)["price_cny"]) == "60.00"
    html = response.content.decode()
    assert "As of today, 2027-03-15: the tiers in effect on that day." in html
    assert "?as_of=" not in html.split('id="benchmark-table"')[1]


def test_the_matrix_cell_follows_the_day(signed_in: Client) -> None:
    def shanghai_mobile(day: str):
        response = signed_in.get("/compare/", {"bucket": "1-7", "as_of": day})
        return next(
            cell
            for row in response.context["matrix"].rows
            for cell in row.cells
            if (cell.province.code, cell.operator.code) == ("31", "cmcc")
        )

    assert (str(shanghai_mobile(EVE).value), str(shanghai_mobile(DAY).value)) == ("3.00", "2.00")


def test_a_bad_date_is_a_form_error_with_the_apis_words_and_the_page_shows_today(signed_in: Client) -> None:
    response = signed_in.get("/compare/benchmarks/", {"bucket": "1-7", "as_of": "2027-02-30"})

    assert response.status_code == 200
    assert response.context["form"].errors["as_of"] == ["Enter the date as YYYY-MM-DD, e.g. 2025-05-01."]
    assert response.context["as_of"] == LATER
    assert str(panda_row(response)["price_cny"]) == "60.00"


def test_a_bad_date_leaves_the_other_filters_working(signed_in: Client) -> None:
    response = signed_in.get("/compare/provinces/", {"province": ["11", "31"], "as_of": "soon"})

    assert response.context["form"].errors["as_of"] == ["Enter the date as YYYY-MM-DD, e.g. 2025-05-01."]
    assert [p.code for p in response.context["comparison"].provinces] == ["11", "31"]


def test_the_provinces_page_compares_the_tiers_of_that_day(signed_in: Client) -> None:
    def panda_prices(day: str) -> list[str]:
        response = signed_in.get("/compare/provinces/", {"province": ["11", "31"], "as_of": day})
        return [
            str(t.price_cny)
            for t in response.context["comparison"].tiers
            if t.plan.name_zh == "熊猫卡" and t.validity_days == 7
        ]

    assert (panda_prices(EVE), panda_prices(DAY)) == (["90.00"], ["60.00"])


def test_the_plan_page_lists_the_prices_of_that_day(signed_in: Client) -> None:
    plan = Plan.objects.get(name_zh="熊猫卡")

    def week(day: str) -> list[str]:
        response = signed_in.get(f"/compare/plans/{plan.pk}/", {"as_of": day})
        return [str(r["price_cny"]) for r in response.context["tables"]["tiers"].rows if r["validity_days"] == 7]

    assert (week(EVE), week(DAY)) == (["90.00"], ["60.00"])


def test_the_basket_page_costs_the_tiers_of_that_day(signed_in: Client) -> None:
    def shanghai_mobile(day: str) -> str:
        response = signed_in.get(
            "/compare/basket/", {"days": 7, "data_gb": 20, "domestic_min": 30, "intl_min": 0, "as_of": day}
        )
        row = next(
            r for r in response.context["answer"].costs if (r["province_code"], r["operator_code"]) == ("31", "cmcc")
        )
        return str(row["cost_cny"])

    assert (shanghai_mobile(EVE), shanghai_mobile(DAY)) == ("90.00", "60.00")


def test_the_launch_timeline_as_of_a_day_lists_what_had_launched_by_then(signed_in: Client) -> None:
    everything = signed_in.get("/compare/launches/").context["tables"]["launches"].rows
    by_then = signed_in.get("/compare/launches/", {"as_of": "2025-02-28"}).context["tables"]["launches"].rows

    dated = [r for r in everything if r["launched_on"]]
    assert dated and all(r["launched_on"] <= datetime.date(2025, 2, 28) for r in by_then)
    assert len(by_then) < len(everything)


@pytest.mark.parametrize(
    "url", ["/compare/", "/compare/plans/", "/compare/strategies/", "/compare/launches/", "/compare/basket/"]
)
def test_every_page_has_the_date_field_and_the_stamp(signed_in: Client, url: str) -> None:
    html = signed_in.get(url, {"as_of": EVE}).content.decode()

    assert f'name="as_of" value="{EVE}"' in html
    assert f'data-as-of="{EVE}"' in html


def test_the_plan_chart_is_the_whole_history_whatever_the_day(signed_in: Client) -> None:
    plan = Plan.objects.get(name_zh="熊猫卡")

    response = signed_in.get(f"/compare/plans/{plan.pk}/", {"as_of": EVE})

    week = next(d for d in response.context["chart"]["datasets"] if d["validity_days"] == 7)
    assert week["data"] == [{"x": DAY, "y": 60.0}, {"x": LATER.isoformat(), "y": 60.0}]
    # The old 90 CNY had no start date: listed once as published, until the change.
    undated = [(t.validity_days, str(t.price_cny), t.effective_to) for t in response.context["undated_prices"]]
    assert (7, "90.00", FIRST_CHANGE) in undated
