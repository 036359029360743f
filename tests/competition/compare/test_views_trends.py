"""/compare/trends/: a bucket's median and cheapest over time as step lines, from the benchmark history."""

from __future__ import annotations

import csv
import io

import pytest
from django.test import Client

from competition.benchmarks import services
from competition.benchmarks.history import services as history_services
from tests.competition.benchmarks.dated_changes import LATER, first_change, on, second_change

pytestmark = pytest.mark.django_db


@pytest.fixture
def signed_in(client: Client, viewer, seed) -> Client:
    first_change()
    second_change()
    with on(LATER):
        history_services.benchmark_history_fill(parameters=services.benchmark_parameters_default())
        client.force_login(viewer)
        yield client


def line(chart: dict, code: str) -> list[tuple[str, float | None]]:
    dataset = next(d for d in chart["datasets"] if d["code"] == code)
    assert (dataset["stepped"], dataset["spanGaps"]) == (True, False)
    return [(point["x"], point["y"]) for point in dataset["data"]]


def test_it_draws_the_market_median_and_one_line_per_operator(signed_in: Client) -> None:
    response = signed_in.get("/compare/trends/", {"bucket": "1-7"})

    median = response.context["charts"]["median_cny"]
    assert median["xAxis"] == "date"
    assert line(median, "") == [
        ("2026-12-31", 3.0),
        ("2027-01-01", 2.33),
        ("2027-02-01", 3.33),
        ("2027-03-01", 3.33),
        ("2027-03-15", 3.33),
    ]
    assert [d["code"] for d in median["datasets"]] == ["", "cmcc", "cucc"]  # 中国电信's 7-day card has no per-GB
    assert line(response.context["charts"]["min_cny"], "cmcc")[:3] == [
        ("2026-12-31", 2.33),
        ("2027-01-01", 2.0),
        ("2027-02-01", 2.0),
    ]


def test_it_draws_one_line_per_chosen_province(signed_in: Client) -> None:
    response = signed_in.get("/compare/trends/", {"bucket": "1-7", "by": "province", "province": ["31", "36"]})

    cheapest = response.context["charts"]["min_cny"]
    assert [d["code"] for d in cheapest["datasets"]] == ["", "31", "36"]
    assert line(cheapest, "36")[:3] == [("2026-12-31", 2.33), ("2027-01-01", 2.33), ("2027-02-01", 3.67)]


def test_the_as_of_day_ends_the_lines(signed_in: Client) -> None:
    response = signed_in.get("/compare/trends/", {"bucket": "1-7", "as_of": "2027-01-15"})

    assert line(response.context["charts"]["median_cny"], "") == [("2026-12-31", 3.0), ("2027-01-01", 2.33)]


def test_its_csv_is_every_point_drawn(signed_in: Client) -> None:
    response = signed_in.get("/compare/trends/", {"bucket": "1-7", "format": "csv", "table": "trend"})

    rows = list(csv.DictReader(io.StringIO(response.content.decode().lstrip("\ufeff"))))
    market = [(r["date"], r["median_cny"], r["min_cny"], r["sample_count"]) for r in rows if r["scope"] == "market"]
    assert market[:2] == [("2026-12-31", "3.00", "1.67", "5"), ("2027-01-01", "2.33", "1.67", "5")]
    assert response["Content-Disposition"] == 'attachment; filename="trends-1-7-per_gb-operator.csv"'


def test_its_query_count_does_not_grow_with_the_history(signed_in: Client, django_assert_max_num_queries) -> None:
    with django_assert_max_num_queries(8):
        assert signed_in.get("/compare/trends/", {"bucket": "1-7"}).status_code == 200


def test_it_says_how_to_fill_an_empty_history(client: Client, viewer, seed) -> None:
    client.force_login(viewer)

    html = client.get("/compare/trends/").content.decode()

    assert "No benchmark history is recorded yet" in html
