"""CNY beside USD or EUR: exact Decimal conversion, and only with a rate dated the very day."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from competition.context.currency import Conversion, conversion_for, conversion_requested, convert_cny
from tests.factories import ExchangeRateFactory

JUNE_1 = datetime.date(2025, 6, 1)


def test_it_divides_by_the_rate_and_rounds_half_up_to_cents():
    # 60.00 / 7.1883 = 8.34689...; 1.67 / 7.2 = 0.231944...; 0.09 / 7.2 = 0.0125 (exactly half a cent: up)
    assert convert_cny(Decimal("60.00"), cny_per_unit=Decimal("7.1883")) == Decimal("8.35")
    assert convert_cny(Decimal("1.67"), cny_per_unit=Decimal("7.2")) == Decimal("0.23")
    assert convert_cny(Decimal("0.09"), cny_per_unit=Decimal("7.2")) == Decimal("0.01")


def test_it_rounds_an_exact_half_cent_up_as_decimals_do_and_floats_would_not():
    # 0.18 / 7.2 is exactly 0.025; as floats it is 0.024999999999999998 and would round down to 0.02.
    assert convert_cny(Decimal("0.18"), cny_per_unit=Decimal("7.2")) == Decimal("0.03")


def test_it_refuses_a_rate_that_is_not_positive():
    with pytest.raises(ValueError, match="positive"):
        convert_cny(Decimal("10"), cny_per_unit=Decimal("0"))


@pytest.mark.django_db
def test_it_converts_with_the_rate_of_that_very_day():
    ExchangeRateFactory(currency="USD", rate_on=JUNE_1, cny_per_unit=Decimal("7.1883"))

    conversion = conversion_for(currency="USD", on=JUNE_1)

    assert conversion is not None
    assert conversion.convert(Decimal("60.00")) == Decimal("8.35")


@pytest.mark.django_db
def test_it_does_not_carry_a_rate_to_the_next_day():
    ExchangeRateFactory(currency="USD", rate_on=JUNE_1, cny_per_unit=Decimal("7.1883"))

    conversion = conversion_for(currency="USD", on=JUNE_1 + datetime.timedelta(days=1))

    assert conversion is not None and conversion.rate is None
    assert conversion.convert(Decimal("60.00")) is None


@pytest.mark.django_db
def test_it_does_not_use_another_currency_s_rate():
    ExchangeRateFactory(currency="EUR", rate_on=JUNE_1, cny_per_unit=Decimal("8.1"))

    assert conversion_for(currency="USD", on=JUNE_1).rate is None  # type: ignore[union-attr]


def test_cny_asks_for_no_conversion():
    assert conversion_for(currency="CNY", on=JUNE_1) is None
    assert conversion_for(currency="", on=JUNE_1) is None


def test_it_adds_converted_columns_keeping_the_api_s_decimal_strings():
    rate = ExchangeRateFactory.build(currency="EUR", rate_on=JUNE_1, cny_per_unit=Decimal("8"))
    conversion = Conversion(currency="EUR", on=JUNE_1, rate=rate)

    added = conversion.columns({"price_cny": "60.00", "price_per_gb_cny": None}, ["price_cny", "price_per_gb_cny"])

    assert added == {"price_eur": "7.50", "price_per_gb_eur": None, "cny_per_eur": "8", "eur_rate_on": "2025-06-01"}


@pytest.mark.django_db
def test_an_unknown_currency_is_an_error_naming_the_parameter():
    with pytest.raises(ValidationError) as raised:
        conversion_requested({"currency": "JPY"}, default_on=JUNE_1)

    assert raised.value.message_dict == {"currency": ["Unknown currency 'JPY'; use one of: CNY, USD, EUR."]}


@pytest.mark.django_db
def test_a_malformed_rate_day_is_an_error_naming_the_parameter():
    with pytest.raises(ValidationError) as raised:
        conversion_requested({"currency": "USD", "rate_on": "June 1"}, default_on=JUNE_1)

    assert raised.value.message_dict == {"rate_on": ["'June 1' is not a date; use YYYY-MM-DD."]}
