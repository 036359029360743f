"""GET /api/v1/benchmarks/history/: a bucket's series, strict filters, CSV/XLSX."""

from __future__ import annotations

import csv
import io

import pytest

from competition.benchmarks import services
from competition.benchmarks.history import services as history_services
from tests.competition.benchmarks.dated_changes import LATER, first_change, on, second_change

pytestmark = pytest.mark.django_db

HISTORY = "/api/v1/benchmarks/history/"


@pytest.fixture
def history(seed):
    first_change()
    second_change()
    with on(LATER):
        history_services.benchmark_history_fill(parameters=services.benchmark_parameters_default())


def test_it_requires_login(api_client, history) -> None:
    assert api_client.get(HISTORY, {"bucket": "1-7"}).status_code in (401, 403)


def test_it_returns_the_market_series_oldest_first(viewer_client, history) -> None:
    response = viewer_client.get(HISTORY, {"bucket": "1-7", "metric": "per_gb"})

    assert response.status_code == 200
    body = response.json()
    assert (body["bucket"], body["metric"], body["province"], body["operator"], body["count"]) == (
        "1-7",
        "per_gb",
        None,
        None,
        5,
    )
    assert [(p["date"], p["median_cny"], p["min_cny"], p["max_cny"], p["sample_count"]) for p in body["results"]] == [
        ("2026-12-31", "3.00", "1.67", "4.39", 5),
        ("2027-01-01", "2.33", "1.67", "4.39", 5),
        ("2027-02-01", "3.33", "1.67", "4.39", 5),
        ("2027-03-01", "3.33", "1.67", "4.39", 5),
        ("2027-03-15", "3.33", "1.67", "4.39", 5),
    ]
    assert body["results"][0]["run"] is None  # computed for the day by the backfill, not by a run


def test_it_filters_by_province_and_operator(viewer_client, history) -> None:
    body = viewer_client.get(HISTORY, {"bucket": "1-7", "province": "31", "operator": "cmcc"}).json()

    assert [(p["date"], p["min_cny"], p["sample_count"]) for p in body["results"]][:2] == [
        ("2026-12-31", "3.00", 1),
        ("2027-01-01", "2.00", 1),
    ]
    assert (body["province"], body["operator"]) == ("31", "cmcc")


@pytest.mark.parametrize(
    ("query", "field", "message"),
    [
        ({"bucket": "1-8"}, "bucket", "Unknown bucket '1-8'; use one of 1-7, 8-14, 15-29, 30+."),
        ({"metric": "per_mb"}, "metric", "Unknown metric 'per_mb'; use one of per_gb, per_day, per_30_days."),
    ],
)
def test_an_unknown_filter_value_is_a_400_naming_the_parameter(viewer_client, history, query, field, message) -> None:
    response = viewer_client.get(HISTORY, {"bucket": "1-7", **query})

    assert response.status_code == 400
    assert response.json()["errors"] == [{"field": field, "message": message, "code": "invalid"}]


@pytest.mark.parametrize(
    ("query", "field", "message"),
    [
        ({"operator": "nope"}, "operator", "No operator with code 'nope'."),
        ({"province": "99"}, "province", "No province with code '99'."),
    ],
)
def test_a_well_formed_code_that_names_nothing_is_a_404_naming_the_parameter(
    viewer_client, history, query, field, message
) -> None:
    response = viewer_client.get(HISTORY, {"bucket": "1-7", **query})

    assert response.status_code == 404
    assert response.json()["errors"] == [{"field": field, "message": message, "code": "does_not_exist"}]


def test_it_exports_the_series_as_csv(viewer_client, history) -> None:
    response = viewer_client.get(HISTORY, {"bucket": "1-7", "operator": "cmcc", "format": "csv"})

    assert response.status_code == 200
    rows = list(csv.DictReader(io.StringIO(response.content.decode().lstrip("\ufeff"))))
    assert [(r["date"], r["median_cny"], r["min_cny"]) for r in rows][:3] == [
        ("2026-12-31", "3.00", "2.33"),
        ("2027-01-01", "2.33", "2.00"),
        ("2027-02-01", "3.33", "2.00"),
    ]


def test_it_exports_the_series_as_xlsx(viewer_client, history) -> None:
    response = viewer_client.get(HISTORY, {"bucket": "1-7", "format": "xlsx"})

    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")


def test_its_query_count_does_not_grow_with_the_series(viewer_client, history, django_assert_max_num_queries) -> None:
    # Session and user, the two code checks, the series.
    with django_assert_max_num_queries(6):
        assert viewer_client.get(HISTORY, {"bucket": "1-7", "province": "31", "operator": "cmcc"}).status_code == 200


def test_the_schema_documents_it(viewer_client) -> None:
    schema = viewer_client.get("/api/schema/", {"format": "json"}).json()

    operation = schema["paths"]["/api/v1/benchmarks/history/"]["get"]
    assert {p["name"] for p in operation["parameters"]} >= {"bucket", "metric", "province", "operator", "format"}
    assert "as_of" in {p["name"] for p in schema["paths"]["/api/v1/benchmarks/per-gb/"]["get"]["parameters"]}
