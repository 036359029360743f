"""Dates as precise as their source (competition.market.dating): display, and the one rule every door applies."""

from __future__ import annotations

import datetime

import pytest
from django.core.exceptions import ValidationError

from competition.market.dating import date_display, dating_clean
from tests.factories import KeyFigureFactory, LaunchFactory, StrategyFactory


def test_it_shows_a_month_precise_date_as_year_and_month() -> None:
    assert date_display(datetime.date(2024, 12, 1), "month") == "2024-12"


def test_it_shows_a_quarter_precise_date_as_its_quarter() -> None:
    assert date_display(datetime.date(2024, 10, 1), "quarter") == "2024-Q4"


def test_it_shows_a_year_precise_date_as_the_year_and_a_day_in_full() -> None:
    assert (date_display(datetime.date(2030, 1, 1), "year"), date_display(datetime.date(2024, 12, 17), "day")) == (
        "2030",
        "2024-12-17",
    )


def test_it_shows_nothing_for_no_date() -> None:
    assert date_display(None, None) == ""


def test_it_reads_a_full_date_without_a_precision_as_a_day() -> None:
    assert dating_clean(date=datetime.date(2025, 3, 1), precision=None, date_field="launched_on") == "day"


def test_it_gives_an_undated_fact_no_precision() -> None:
    assert dating_clean(date=None, precision=None, date_field="launched_on") is None


def test_it_refuses_a_precision_without_a_date_on_the_precision_field() -> None:
    with pytest.raises(ValidationError) as caught:
        dating_clean(date=None, precision="day", date_field="launched_on")

    assert caught.value.message_dict == {"date_precision": ["An undated fact has no date precision; leave it empty."]}


def test_it_refuses_a_month_precise_date_that_is_not_the_first_of_its_month() -> None:
    with pytest.raises(ValidationError) as caught:
        dating_clean(
            date=datetime.date(2024, 12, 17), precision="month", date_field="as_of", precision_field="as_of_precision"
        )

    assert caught.value.message_dict == {
        "as_of": ["With precision “Month” the date is the first day of its period: 2024-12-01."]
    }


@pytest.mark.django_db
def test_a_launch_saved_without_a_date_keeps_no_precision() -> None:
    launch = LaunchFactory(launched_on=None, date_precision=None)

    launch.full_clean()

    assert launch.date_precision is None


@pytest.mark.django_db
def test_a_key_figure_dated_by_month_validates_its_as_of() -> None:
    figure = KeyFigureFactory.build(
        strategy=StrategyFactory(), as_of=datetime.date(2024, 12, 1), as_of_precision="month", status="happened"
    )

    figure.full_clean()

    assert (figure.as_of_precision, figure.status) == ("month", "happened")


@pytest.mark.django_db
def test_the_api_refuses_a_precision_for_an_undated_milestone(analyst_client) -> None:
    strategy = StrategyFactory()

    response = analyst_client.post(
        f"/api/v1/strategies/{strategy.pk}/milestones/",
        {"date_precision": "month", "description_zh": "成立量子公司"},
        format="json",
    )

    assert response.status_code == 400
    assert response.json()["errors"] == [
        {
            "field": "date_precision",
            "message": "An undated fact has no date precision; leave it empty.",
            "code": "invalid",
        }
    ]


@pytest.mark.django_db
def test_the_api_stores_a_dated_key_figure_with_its_precision_and_status(analyst_client) -> None:
    strategy = StrategyFactory()

    response = analyst_client.post(
        f"/api/v1/strategies/{strategy.pk}/key-figures/",
        {
            "label_zh": "市场规模",
            "amount": "680",
            "unit": "亿美元",
            "as_of": "2030-01-01",
            "as_of_precision": "year",
            "status": "expected",
        },
        format="json",
    )

    assert response.status_code == 201, response.json()
    assert (response.json()["as_of"], response.json()["as_of_precision"], response.json()["status"]) == (
        "2030-01-01",
        "year",
        "expected",
    )
