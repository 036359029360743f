"""CNY shown beside USD or EUR: the one conversion, and the one rule for which rate applies.

The rule: an amount is converted only with a rate dated exactly the day asked for. There is no
"latest rate before": a rate is a fact a source printed for one day, and carrying it to other
days would show a conversion nobody published. Without a rate for the day the converted column
is empty (null), never estimated. Money is quantised as everywhere else (plans.pricing.round_cny:
half-up to cents), after an exact Decimal division.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from competition.context.models import ExchangeRate
from plans.pricing import round_cny

CURRENCIES: tuple[str, ...] = tuple(ExchangeRate.Currency.values)


def exchange_rate_on(*, currency: str, on: datetime.date) -> ExchangeRate | None:
    """The rate of `currency` dated `on`, or None: no other day's rate stands in for it."""
    return ExchangeRate.objects.select_related("source").filter(currency=currency, rate_on=on).first()


def convert_cny(amount_cny: Decimal, *, cny_per_unit: Decimal) -> Decimal:
    """CNY to the other currency: amount / rate, half-up to cents."""
    if cny_per_unit <= 0:
        raise ValueError("A rate is a positive number of CNY per unit.")
    return round_cny(amount_cny / cny_per_unit)


def currency_problem(value: str) -> str:
    """Why a `currency` parameter cannot be honoured, or "" when it can (CNY or empty: no conversion)."""
    if value in ("", "CNY") or value in CURRENCIES:
        return ""
    return _("Unknown currency %(value)r; use one of: %(valid)s.") % {
        "value": value[:20],
        "valid": ", ".join(("CNY", *CURRENCIES)),
    }


@dataclass(frozen=True)
class Conversion:
    """A currency asked for on a day, and the rate for that day if an analyst entered one."""

    currency: str
    on: datetime.date
    rate: ExchangeRate | None

    @property
    def suffix(self) -> str:
        return self.currency.lower()

    def convert(self, amount_cny: Decimal | None) -> Decimal | None:
        if amount_cny is None or self.rate is None:
            return None
        return convert_cny(amount_cny, cny_per_unit=self.rate.cny_per_unit)

    def columns(self, row: Mapping[str, Any], fields: Iterable[str]) -> dict[str, Any]:
        """The converted columns for one row: `price_cny` -> `price_usd`, plus the rate and its date.

        Values in `row` may be Decimals or the API's decimal strings; converted values keep the
        row's type (strings stay strings), so JSON and CSV show them alike.
        """
        added: dict[str, Any] = {}
        for name in fields:
            value = row.get(name)
            as_text = isinstance(value, str)
            amount: Decimal | None = None
            if isinstance(value, str) and value != "":
                amount = Decimal(value)
            elif isinstance(value, Decimal):
                amount = value
            converted = self.convert(amount)
            key = f"{name.removesuffix('_cny')}_{self.suffix}"
            added[key] = None if converted is None else (f"{converted:.2f}" if as_text else converted)
        added[f"cny_per_{self.suffix}"] = None if self.rate is None else f"{self.rate.cny_per_unit.normalize():f}"
        added[f"{self.suffix}_rate_on"] = self.on.isoformat()
        return added


def conversion_for(*, currency: str, on: datetime.date) -> Conversion | None:
    """The conversion a page or endpoint was asked for; None for CNY (nothing to add)."""
    if currency in ("", "CNY"):
        return None
    return Conversion(currency=currency, on=on, rate=exchange_rate_on(currency=currency, on=on))


def conversion_requested(params: Mapping[str, str], *, default_on: datetime.date) -> Conversion | None:
    """The `currency` (and optional `rate_on`, YYYY-MM-DD, default `default_on`) a query asks for.

    Raises ValidationError naming the parameter for a currency or a date we cannot honour; the
    API turns it into its JSON 400, a page into a form error.
    """
    currency = (params.get("currency") or "").strip().upper()
    problem = currency_problem(currency)
    if problem:
        raise ValidationError({"currency": problem})
    on = default_on
    text = (params.get("rate_on") or "").strip()
    if text:
        try:
            on = datetime.date.fromisoformat(text)
        except ValueError as error:
            raise ValidationError(
                {"rate_on": _("%(value)r is not a date; use YYYY-MM-DD.") % {"value": text[:20]}}
            ) from error
    return conversion_for(currency=currency, on=on)


def with_conversion(
    rows: Iterable[Mapping[str, Any]], conversion: Conversion | None, *, fields: Iterable[str]
) -> list[dict[str, Any]]:
    """The rows with the converted columns of `fields` added (unchanged without a conversion)."""
    names = tuple(fields)
    if conversion is None:
        return [dict(row) for row in rows]
    return [{**row, **conversion.columns(row, names)} for row in rows]
