"""/api/v1/indicators/ and /api/v1/exchange-rates/ on the seed, and `currency=` on /benchmarks/per-gb/."""

from __future__ import annotations

import csv
import datetime
import io
from decimal import Decimal
from typing import Any

import pytest
from django.utils import timezone
from rest_framework.test import APIClient

from competition.context.models import ExchangeRate, IndicatorValue
from tests.factories import ExchangeRateFactory, IndicatorValueFactory, SourceFactory


def rows(client: APIClient, query: dict[str, Any]) -> list[dict[str, Any]]:
    response = client.get("/api/v1/indicators/", {**query, "page_size": 200})
    assert response.status_code == 200, response.json()
    return response.json()["results"]


def test_it_gives_the_national_average_data_price_with_its_citation(seed, viewer_client: APIClient):
    [row] = rows(viewer_client, {"indicator": "mobile_data_price_avg"})

    assert {key: row[key] for key in ("region", "period", "value", "unit", "confidence", "indicator_kind")} == {
        "region": "national",
        "period": "2020",
        "value": "0.3300",
        "unit": "元/GB",
        "confidence": "inferred",
        "indicator_kind": "figure",
    }
    assert row["source_citation"] == "«中国互联网行业发展态势暨景气指数报告», 互联网发展白皮书, 2021年"
    assert row["locator"] == "一、（二）网络设施演进升级"


def test_a_list_of_provinces_is_one_flag_row_per_province(seed, viewer_client: APIClient):
    listed = rows(viewer_client, {"indicator": "digital_economy_share_over_50"})

    assert sorted(row["region"] for row in listed) == ["11", "12", "31"]
    assert {row["value"] for row in listed} == {"1.0000"}
    assert len(rows(viewer_client, {"indicator": "digital_economy_over_1t"})) == 16


def test_it_filters_by_region(seed, viewer_client: APIClient):
    shanghai = rows(viewer_client, {"region": "31"})
    national = rows(viewer_client, {"region": "national"})

    assert sorted(row["indicator"] for row in shanghai) == [
        "digital_economy_over_1t",
        "digital_economy_share_over_50",
        "vas_enterprise_hub",
    ]
    assert {row["region"] for row in national} == {"national"}
    assert len(national) == 13


def test_a_period_filter_takes_the_months_within_a_year(seed, viewer_client: APIClient):
    in_2020 = rows(viewer_client, {"period": "2020", "region": "national"})
    in_april_2022 = rows(viewer_client, {"period": "2022-04"})

    assert sorted((row["indicator"], row["period"]) for row in in_2020) == [
        ("mobile_data_price_avg", "2020"),
        ("mobile_internet_penetration", "2020-12"),
        ("mobile_internet_users", "2020-12"),
    ]
    assert sorted(row["indicator"] for row in in_april_2022) == ["base_stations_5g", "gigabit_fibre_users"]


@pytest.mark.parametrize(
    ("query", "field", "message"),
    [
        (
            {"period": "2021-13"},
            "period",
            "'2021-13' is not a period. Use YYYY, YYYY-Qn or YYYY-MM, e.g. 2021, 2021-Q2 or 2021-04.",
        ),
        ({"region": "a;b"}, "region", "Use national or a GB/T 2260 province code, e.g. 31; 'a;b' is neither."),
        ({"region": " 31"}, "region", "Use national or a GB/T 2260 province code, e.g. 31; ' 31' is neither."),
        ({"period": "٢٠٢١"}, "period", None),  # Arabic-Indic digits: the schema's pattern is ASCII
        ({"period": " 2021"}, "period", None),
        ({"period": "0999"}, "period", None),
    ],
)
def test_a_filter_it_cannot_honour_is_a_400_naming_the_parameter(db, viewer_client: APIClient, query, field, message):
    response = viewer_client.get("/api/v1/indicators/", query)

    assert response.status_code == 400
    [error] = response.json()["errors"]
    assert error["field"] == field
    if message is not None:
        assert error["message"] == message


def test_a_well_formed_indicator_code_that_names_none_is_a_404_naming_the_parameter(db, viewer_client: APIClient):
    response = viewer_client.get("/api/v1/indicators/", {"indicator": "no_such"})

    assert response.status_code == 404
    [error] = response.json()["errors"]
    assert (error["field"], error["code"]) == ("indicator", "does_not_exist")


def test_it_exports_the_filtered_rows_as_csv(seed, viewer_client: APIClient):
    response = viewer_client.get("/api/v1/indicators/", {"indicator": "telecom_revenue", "format": "csv"})

    [row] = list(csv.DictReader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert (row["value"], row["unit"], row["period"], row["region"]) == ("1.4700", "万亿元", "2021", "national")


def test_its_cost_does_not_grow_with_the_rows(db, viewer_client: APIClient, django_assert_max_num_queries):
    for _ in range(30):
        IndicatorValueFactory()

    # session user and groups, count, page
    with django_assert_max_num_queries(4):
        assert viewer_client.get("/api/v1/indicators/").status_code == 200


def test_an_analyst_adds_a_figure_audited(db, analyst_client: APIClient, analyst):
    source = SourceFactory()
    value = IndicatorValueFactory()

    response = analyst_client.post(
        "/api/v1/indicators/",
        {
            "indicator": value.indicator.code,
            "province": None,
            "period_start": "2022-01-01",
            "period_precision": "year",
            "value": "1.58",
            "unit": "万亿元",
            "confidence": "confirmed",
            "source": source.pk,
            "locator": "p. 3",
        },
        format="json",
    )

    assert response.status_code == 201, response.json()
    assert (response.json()["period"], response.json()["version"]) == ("2022", 1)
    assert IndicatorValue.objects.get(pk=response.json()["id"]).history.get().history_user == analyst


def test_a_viewer_cannot_write(db, viewer_client: APIClient):
    assert viewer_client.post("/api/v1/exchange-rates/", {}, format="json").status_code == 403


def test_a_stale_change_of_a_figure_is_a_412(db, analyst_client: APIClient):
    value = IndicatorValueFactory(version=2)

    response = analyst_client.patch(
        f"/api/v1/indicators/{value.pk}/", {"value": "2"}, format="json", HTTP_IF_MATCH='"1"'
    )

    assert response.status_code == 412
    assert IndicatorValue.objects.get(pk=value.pk).value == Decimal("1.47")


def test_a_rate_change_names_its_version(db, analyst_client: APIClient):
    rate = ExchangeRateFactory()
    url = f"/api/v1/exchange-rates/{rate.pk}/"

    assert analyst_client.patch(url, {"cny_per_unit": "7.2"}, format="json").status_code == 428
    response = analyst_client.patch(url, {"cny_per_unit": "7.2"}, format="json", HTTP_IF_MATCH='"1"')

    assert response.status_code == 200
    assert response["ETag"] == '"2"'
    assert ExchangeRate.objects.get(pk=rate.pk).cny_per_unit == Decimal("7.2")


def test_a_rate_requires_a_source(db, analyst_client: APIClient):
    response = analyst_client.post(
        "/api/v1/exchange-rates/", {"currency": "USD", "rate_on": "2025-06-01", "cny_per_unit": "7.1883"}, format="json"
    )

    assert response.status_code == 400
    assert [error["field"] for error in response.json()["errors"]] == ["source"]


def test_the_seed_ships_no_exchange_rate(seed, viewer_client: APIClient):
    assert viewer_client.get("/api/v1/exchange-rates/").json()["count"] == 0


# ----- currency on the benchmark endpoint ------------------------------------------------------------


@pytest.fixture
def benchmarked(seed):
    from django.core.management import call_command

    call_command("recompute_benchmarks", verbosity=0)


def test_the_per_gb_table_shows_usd_beside_cny_with_the_day_s_rate(benchmarked, viewer_client: APIClient):
    today = timezone.localdate()
    ExchangeRateFactory(currency="USD", rate_on=today, cny_per_unit=Decimal("7.2"))

    body = viewer_client.get("/api/v1/benchmarks/per-gb/", {"bucket": "1-7", "currency": "USD"}).json()

    # The seed's cheapest ranked 7-day tier: 浙江联通 rows 15-17, 50.00 CNY for 30 GB (1.67 per GB).
    [row] = [row for row in body["results"] if row["rank"] == 1]
    assert (row["price_cny"], row["price_usd"]) == ("50.00", "6.94")  # 50 / 7.2 = 6.944…
    assert (row["price_per_gb_cny"], row["price_per_gb_usd"]) == ("1.67", "0.23")  # 1.67 / 7.2 = 0.2319…
    assert (row["cny_per_usd"], row["usd_rate_on"]) == ("7.2", today.isoformat())
    assert (body["median_per_gb_cny"], body["median_per_gb_usd"]) == ("3.00", "0.42")


def test_without_a_rate_for_the_day_the_usd_columns_are_null(benchmarked, viewer_client: APIClient):
    ExchangeRateFactory(currency="USD", rate_on=timezone.localdate() - datetime.timedelta(days=1))

    body = viewer_client.get("/api/v1/benchmarks/per-gb/", {"bucket": "1-7", "currency": "USD"}).json()

    assert {row["price_usd"] for row in body["results"]} == {None}
    assert body["results"][0]["cny_per_usd"] is None
    assert body["results"][0]["price_cny"] is not None


def test_rate_on_picks_the_day_whose_rate_converts(benchmarked, viewer_client: APIClient):
    ExchangeRateFactory(currency="EUR", rate_on=datetime.date(2025, 6, 1), cny_per_unit=Decimal("8"))

    response = viewer_client.get(
        "/api/v1/benchmarks/per-gb/", {"bucket": "1-7", "currency": "EUR", "rate_on": "2025-06-01", "format": "csv"}
    )

    ranked = [row for row in csv.DictReader(io.StringIO(response.content.decode("utf-8-sig"))) if row["rank"] == "1"]
    assert (ranked[0]["price_eur"], ranked[0]["eur_rate_on"]) == ("6.25", "2025-06-01")


def test_an_unknown_currency_is_a_400(db, viewer_client: APIClient):
    response = viewer_client.get("/api/v1/benchmarks/per-gb/", {"currency": "JPY"})

    assert response.status_code == 400
    assert response.json()["errors"] == [
        {"field": "currency", "message": "Unknown currency 'JPY'; use one of: CNY, USD, EUR.", "code": "invalid"}
    ]


def test_a_quarter_that_starts_mid_quarter_is_a_400_naming_period_start(db, analyst_client: APIClient):
    value = IndicatorValueFactory()

    response = analyst_client.post(
        "/api/v1/indicators/",
        {
            "indicator": value.indicator.code,
            "period_start": "2021-02-01",
            "period_precision": "quarter",
            "value": "1",
            "unit": "",
            "source": value.source_id,
            "locator": "p. 1",
        },
        format="json",
    )

    assert response.status_code == 400
    assert response.json()["errors"] == [
        {
            "field": "period_start",
            "message": "A quarter starts on 1 January, 1 April, 1 July or 1 October.",
            "code": "invalid",
        }
    ]


def test_a_well_formed_region_of_no_province_is_a_404_in_the_province_filters_words(db, viewer_client: APIClient):
    response = viewer_client.get("/api/v1/indicators/", {"region": "99"})

    assert response.status_code == 404
    assert response.json()["errors"] == [
        {"field": "region", "message": "No province with code 99.", "code": "does_not_exist"}
    ]


def test_the_last_year_a_date_can_hold_is_a_period_too(seed, viewer_client: APIClient):
    # 9999 ends after the last date Python can hold: every figure from its first day on is in it.
    for period in ("9999", "9999-Q4", "9999-12"):
        response = viewer_client.get("/api/v1/indicators/", {"period": period})

        assert (response.status_code, response.json()["count"]) == (200, 0)
