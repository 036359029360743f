"""Indicator values: periods as analysts write them, and the rules a value must meet."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from competition.context.models import PeriodPrecision, parse_period, period_end, period_label
from tests.factories import ExchangeRateFactory, IndicatorFactory, IndicatorValueFactory


@pytest.mark.parametrize(
    ("text", "start", "precision"),
    [
        ("2021", datetime.date(2021, 1, 1), PeriodPrecision.YEAR),
        ("2021-Q2", datetime.date(2021, 4, 1), PeriodPrecision.QUARTER),
        ("2021-q4", datetime.date(2021, 10, 1), PeriodPrecision.QUARTER),
        ("2022-04", datetime.date(2022, 4, 1), PeriodPrecision.MONTH),
    ],
)
def test_it_reads_a_period_as_written(text, start, precision):
    assert parse_period(text) == (start, precision)


@pytest.mark.parametrize("text", ["21", "2021-Q5", "2021-13", "2021/04", "2021-04-01", ""])
def test_it_refuses_what_is_not_a_period(text):
    with pytest.raises(ValueError):
        parse_period(text)


def test_it_writes_each_precision_back_as_analysts_do():
    assert period_label(datetime.date(2021, 1, 1), PeriodPrecision.YEAR) == "2021"
    assert period_label(datetime.date(2021, 7, 1), PeriodPrecision.QUARTER) == "2021-Q3"
    assert period_label(datetime.date(2020, 12, 1), PeriodPrecision.MONTH) == "2020-12"


def test_a_period_ends_on_the_first_day_after_it():
    assert period_end(datetime.date(2021, 1, 1), PeriodPrecision.YEAR) == datetime.date(2022, 1, 1)
    assert period_end(datetime.date(2021, 10, 1), PeriodPrecision.QUARTER) == datetime.date(2022, 1, 1)
    assert period_end(datetime.date(2020, 12, 1), PeriodPrecision.MONTH) == datetime.date(2021, 1, 1)


@pytest.mark.django_db
def test_a_quarter_must_start_on_a_quarter_s_first_day():
    value = IndicatorValueFactory.build(
        indicator=IndicatorFactory(), period_start=datetime.date(2021, 2, 1), period_precision="quarter"
    )
    value.source.save()

    with pytest.raises(ValidationError) as raised:
        value.full_clean()

    assert raised.value.message_dict["period_start"] == ["A quarter starts on 1 January, 1 April, 1 July or 1 October."]


@pytest.mark.django_db
def test_a_year_must_start_on_the_first_of_january():
    value = IndicatorValueFactory.build(
        indicator=IndicatorFactory(), period_start=datetime.date(2021, 6, 1), period_precision="year"
    )
    value.source.save()

    with pytest.raises(ValidationError) as raised:
        value.full_clean()

    assert raised.value.message_dict["period_start"] == ["A year starts on 1 January (e.g. 2021-01-01 for 2021)."]


@pytest.mark.django_db
def test_a_flag_s_value_is_one():
    value = IndicatorValueFactory.build(indicator=IndicatorFactory(kind="flag", unit=""), value=Decimal("2"))
    value.source.save()

    with pytest.raises(ValidationError) as raised:
        value.full_clean()

    assert raised.value.message_dict["value"] == ["A flag's value is 1: the region is on the source's list."]


@pytest.mark.django_db
def test_two_national_values_of_one_period_from_one_source_collide():
    first = IndicatorValueFactory()
    second = IndicatorValueFactory.build(
        indicator=first.indicator, source=first.source, period_start=first.period_start, period_precision="year"
    )

    with pytest.raises(ValidationError) as raised:
        second.full_clean()

    assert "__all__" in raised.value.message_dict


@pytest.mark.django_db
def test_a_rate_must_be_positive():
    rate = ExchangeRateFactory.build(cny_per_unit=Decimal("-7"))
    rate.source.save()

    with pytest.raises(ValidationError) as raised:
        rate.full_clean()

    assert raised.value.message_dict["cny_per_unit"] == ["A rate is a positive number of CNY per unit."]


@pytest.mark.django_db
def test_one_rate_per_currency_and_day():
    first = ExchangeRateFactory()
    second = ExchangeRateFactory.build(currency=first.currency, rate_on=first.rate_on, source=first.source)

    with pytest.raises(ValidationError) as raised:
        second.full_clean()

    assert "__all__" in raised.value.message_dict
