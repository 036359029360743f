"""Market context on the pages: the province page's figures and reference line, the benchmark page's currency."""

from __future__ import annotations

import csv
import datetime
import io
from decimal import Decimal

import pytest
from django.core.management import call_command
from django.test import Client
from django.utils import timezone

from tests.factories import ExchangeRateFactory

pytestmark = pytest.mark.django_db


def test_the_province_page_lists_the_chosen_provinces_and_the_national_figures(signed_in: Client) -> None:
    response = signed_in.get("/compare/provinces/?province=11&province=36")

    figures = response.context["market_context"]
    regions = {figure.region for figure in figures}
    assert regions == {"national", "11", "36"}
    beijing = sorted(figure.indicator.code for figure in figures if figure.region == "11")
    assert beijing == ["digital_economy_over_1t", "digital_economy_share_over_50", "vas_enterprise_hub"]
    jiangxi = sorted(figure.indicator.code for figure in figures if figure.region == "36")
    assert jiangxi == ["digital_economy_growth_above_avg", "digital_economy_over_1t"]


def test_the_province_page_cites_each_figure_with_its_words(signed_in: Client) -> None:
    html = signed_in.get("/compare/provinces/?province=11&province=31").content.decode()

    assert "«中国数字经济发展报告（2022年）», 中国数字经济发展白皮书, 2022年</span>" in html
    assert ", 二、（一）3. 各地数字经济发展平稳推进<br>" in html
    assert "北京、上海、天津等省市，数字经济已成为拉动地区经济发展的主导力量" in html


def test_the_province_page_s_context_table_downloads_as_csv(signed_in: Client) -> None:
    response = signed_in.get("/compare/provinces/?province=11&province=31&format=csv&table=context")

    rows = list(csv.DictReader(io.StringIO(response.content.decode().lstrip("\ufeff"))))
    price = next(row for row in rows if row["indicator"] == "mobile_data_price_avg")
    assert (price["region"], price["period"], price["value"], price["unit"], price["confidence"]) == (
        "national",
        "2020",
        "0.33",
        "元/GB",
        "inferred",
    )
    assert len([row for row in rows if row["region"] == "31"]) == 3


def test_the_per_gb_chart_draws_the_national_average_as_a_dashed_line(signed_in: Client) -> None:
    response = signed_in.get("/compare/provinces/?province=11&province=36")

    chart = response.context["chart"]
    line = chart["datasets"][-1]
    assert line["label"] == "National average 0.33 CNY/GB (2020)"
    assert line["data"] == [{"x": min(chart["labels"]), "y": 0.33}, {"x": max(chart["labels"]), "y": 0.33}]
    assert (line["borderDash"], line["pointRadius"], line["reference"]) == ([6, 4], 0, True)


def test_the_reference_line_names_its_source_under_the_chart(signed_in: Client) -> None:
    html = signed_in.get("/compare/provinces/?province=11&province=36").content.decode()

    note = html[html.index('class="meta reference-line"') :]
    note = note[: note.index("</p>")]
    assert "0.33 CNY per GB (2020)" in note
    assert "«中国互联网行业发展态势暨景气指数报告»" in note
    assert "一、（二）网络设施演进升级" in note


@pytest.fixture
def benchmarked(signed_in: Client) -> Client:
    call_command("recompute_benchmarks", verbosity=0)
    return signed_in


def test_the_benchmark_page_shows_usd_beside_cny_with_the_day_s_rate(benchmarked: Client) -> None:
    ExchangeRateFactory(currency="USD", rate_on=timezone.localdate(), cny_per_unit=Decimal("7.2"))

    response = benchmarked.get("/compare/benchmarks/?bucket=1-7&currency=USD")

    [first] = [row for row in response.context["tables"]["benchmark"].rows if row["rank"] == 1]
    assert first["fx"] == {"price": Decimal("6.94"), "price_per_gb": Decimal("0.23"), "price_per_day": Decimal("0.99")}
    html = response.content.decode()
    assert "1 USD = 7.2 CNY on" in html
    assert '<span class="cell-sub fx">USD 0.23</span>' in html


def test_the_benchmark_page_says_when_no_rate_exists_for_the_day(benchmarked: Client) -> None:
    ExchangeRateFactory(currency="EUR", rate_on=timezone.localdate() - datetime.timedelta(days=1))

    html = benchmarked.get("/compare/benchmarks/?bucket=1-7&currency=EUR").content.decode()

    assert "No EUR rate was entered for" in html
    assert 'class="cell-sub fx"' not in html


def test_the_benchmark_csv_carries_the_converted_columns(benchmarked: Client) -> None:
    ExchangeRateFactory(currency="EUR", rate_on=datetime.date(2025, 6, 1), cny_per_unit=Decimal("8"))

    response = benchmarked.get("/compare/benchmarks/?bucket=1-7&currency=EUR&rate_on=2025-06-01&format=csv")

    rows = list(csv.DictReader(io.StringIO(response.getvalue().decode().lstrip("\ufeff"))))
    [first] = [row for row in rows if row["rank"] == "1"]
    assert (first["price_cny"], first["price_eur"], first["cny_per_eur"], first["eur_rate_on"]) == (
        "50.00",
        "6.25",
        "8",
        "2025-06-01",
    )


def test_the_context_section_speaks_the_reader_s_language(signed_in: Client) -> None:
    url = "/compare/provinces/?province=11&province=36"
    response = signed_in.get(url, HTTP_ACCEPT_LANGUAGE="zh-hans")
    chinese = response.content.decode()
    english = signed_in.get(url, HTTP_ACCEPT_LANGUAGE="en").content.decode()

    assert '<h2 id="market-context-heading">市场背景</h2>' in chinese
    assert "<td>移动数据流量平均资费</td>" in chinese
    assert '<h2 id="market-context-heading">Market context</h2>' in english
    assert "<td>Average mobile data price</td>" in english
    assert response.context["chart"]["datasets"][-1]["label"] == "全国平均 0.33 元/GB（2020）"
