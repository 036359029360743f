"""As of a day: the one parser, and the benchmark endpoints before, on and after a price change day."""

from __future__ import annotations

import datetime

import pytest

from competition.benchmarks import scheduling
from competition.benchmarks.as_of import as_of_parse
from competition.benchmarks.models import BenchmarkRun
from tests.competition.benchmarks.dated_changes import FIRST_CHANGE, LATER, first_change, on

pytestmark = pytest.mark.django_db

PER_GB = "/api/v1/benchmarks/per-gb/"
MATRIX = "/api/v1/benchmarks/matrix/"
BASKETS = "/api/v1/benchmarks/baskets/"
TODAY = datetime.date(2027, 3, 15)


def test_the_parser_reads_an_iso_date_and_defaults_to_today() -> None:
    assert as_of_parse("2025-05-01", today=TODAY) == datetime.date(2025, 5, 1)
    assert as_of_parse("", today=TODAY) == TODAY
    assert as_of_parse(None, today=TODAY) == TODAY


@pytest.mark.parametrize("value", ["2025-5-1", "01/05/2025", "2025-02-30", "today", "2025-05-01T00:00"])
def test_the_parser_refuses_anything_but_yyyy_mm_dd(value: str) -> None:
    with pytest.raises(ValueError, match=r"^Enter the date as YYYY-MM-DD, e.g. 2025-05-01.$"):
        as_of_parse(value, today=TODAY)


def test_the_parser_refuses_a_day_after_today() -> None:
    with pytest.raises(ValueError, match=r"^The date must not be after today \(2027-03-15\).$"):
        as_of_parse("2027-03-16", today=TODAY)


@pytest.fixture
def changed(seed):
    """熊猫卡 7 days: 90 CNY (3.00 per GB) until FIRST_CHANGE, 60 (2.00) from it; today is LATER."""
    first_change()
    with on(LATER):
        yield scheduling.benchmarks_recompute(trigger="cli")


def panda(body: dict) -> tuple[str, str]:
    row = next(r for r in body["results"] if r["plan"] == "熊猫卡")
    return row["price_cny"], row["price_per_gb_cny"]


@pytest.mark.parametrize(
    ("day", "price", "per_gb", "median"),
    [
        (FIRST_CHANGE - datetime.timedelta(days=1), "90.00", "3.00", "3.00"),
        (FIRST_CHANGE, "60.00", "2.00", "2.33"),
        (FIRST_CHANGE + datetime.timedelta(days=1), "60.00", "2.00", "2.33"),
    ],
    ids=["before", "on", "after"],
)
def test_the_per_gb_table_answers_with_the_tiers_in_effect_that_day(
    viewer_client, changed, day, price, per_gb, median
) -> None:
    with on(LATER):
        response = viewer_client.get(PER_GB, {"bucket": "1-7", "as_of": day.isoformat()})

    assert response.status_code == 200, response.json()
    body = response.json()
    assert body["as_of"] == day.isoformat()
    assert panda(body) == (price, per_gb)
    assert body["median_per_gb_cny"] == median


def test_today_is_the_latest_run_and_carries_todays_date(viewer_client, changed) -> None:
    with on(LATER):
        body = viewer_client.get(PER_GB, {"bucket": "1-7"}).json()

    assert (body["as_of"], body["run_id"]) == ("2027-03-15", changed.pk)
    assert panda(body) == ("60.00", "2.00")


def test_the_matrix_and_baskets_take_as_of_too(viewer_client, changed) -> None:
    eve = (FIRST_CHANGE - datetime.timedelta(days=1)).isoformat()
    with on(LATER):
        matrix = viewer_client.get(MATRIX, {"bucket": "1-7", "as_of": eve}).json()
        baskets = viewer_client.get(BASKETS, {"profile": "week-data", "province": "31", "as_of": eve}).json()

    cell = next(c for c in matrix["results"] if (c["province"], c["operator"]) == ("31", "cmcc"))
    assert (matrix["as_of"], cell["value_cny"], cell["price_cny"]) == (eve, "3.00", "90.00")
    mobile = next(c for c in baskets["results"] if c["operator"] == "cmcc")
    assert (baskets["as_of"], mobile["cost_cny"]) == (eve, "90.00")


def test_a_past_day_is_computed_once_and_then_read(viewer_client, changed) -> None:
    with on(LATER):
        first = viewer_client.get(PER_GB, {"bucket": "1-7", "as_of": "2026-06-01"}).json()
        second = viewer_client.get(MATRIX, {"bucket": "8-14", "as_of": "2026-06-01"}).json()

    assert first["run_id"] == second["run_id"] != changed.pk
    assert list(BenchmarkRun.objects.filter(as_of__isnull=False).values_list("as_of", "trigger")) == [
        (datetime.date(2026, 6, 1), "as_of")
    ]


def test_an_as_of_run_is_never_the_latest_run(viewer_client, changed) -> None:
    with on(LATER):
        viewer_client.get(PER_GB, {"bucket": "1-7", "as_of": "2026-06-01"})
        body = viewer_client.get(PER_GB, {"bucket": "1-7"}).json()

    assert body["run_id"] == changed.pk


def test_a_tier_change_drops_the_stored_as_of_runs(viewer_client, changed) -> None:
    from competition.benchmarks.receivers import benchmarks_on_tiers_changed

    with on(LATER):
        viewer_client.get(PER_GB, {"bucket": "1-7", "as_of": "2026-06-01"})
        benchmarks_on_tiers_changed(sender=None, plan_ids=[])

    assert not BenchmarkRun.objects.filter(as_of__isnull=False).exists()


@pytest.mark.parametrize("url", [PER_GB, MATRIX, BASKETS])
def test_a_malformed_as_of_is_a_400_naming_it(viewer_client, changed, url: str) -> None:
    response = viewer_client.get(url, {"as_of": "2025-13-01"})

    assert response.status_code == 400
    assert response.json()["errors"] == [
        {"field": "as_of", "message": "Enter the date as YYYY-MM-DD, e.g. 2025-05-01.", "code": "invalid"}
    ]


def test_a_future_as_of_is_a_404_naming_today(viewer_client, changed) -> None:
    with on(LATER):
        response = viewer_client.get(PER_GB, {"as_of": "2027-03-16"})

    assert response.status_code == 404
    assert response.json()["errors"][0]["code"] == "does_not_exist"
    assert response.json()["errors"][0]["message"] == "The date must not be after today (2027-03-15)."
