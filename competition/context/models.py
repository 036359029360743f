"""Market context: dated, sourced figures about a region (indicators) and dated exchange rates.

An indicator value is one figure a source prints about the nation or a province for a period
(a year, a quarter or a month): 0.33 元/GB, the national average mobile data price of 2020. A
list of provinces in a source ("the 16 provinces whose digital economy passed 1 trillion") is a
flag indicator: one row per province, each with value 1. Exchange rates are data like any other:
an analyst enters each one with its date and its source; none is assumed.
"""

from __future__ import annotations

import datetime
import re
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from operators.models import Province, Source
from plans.models import Tier

NATIONAL = "national"
FLAG_VALUE = Decimal("1")
QUARTER_MONTHS = (1, 4, 7, 10)


class PeriodPrecision(models.TextChoices):
    YEAR = "year", _("Year")
    QUARTER = "quarter", _("Quarter")
    MONTH = "month", _("Month")


def region_of(*, province_code: str | None) -> str:
    """A value's region: `national`, or its province's GB/T 2260 code."""
    return province_code or NATIONAL


def period_label(start: datetime.date, precision: str) -> str:
    """The period as analysts write it: 2021, 2021-Q2, 2021-04."""
    if precision == PeriodPrecision.YEAR:
        return f"{start.year}"
    if precision == PeriodPrecision.QUARTER:
        return f"{start.year}-Q{(start.month - 1) // 3 + 1}"
    return f"{start.year}-{start.month:02d}"


def period_end(start: datetime.date, precision: str) -> datetime.date:
    """The first day after the period."""
    if precision == PeriodPrecision.YEAR:
        return datetime.date(start.year + 1, 1, 1)
    months = 3 if precision == PeriodPrecision.QUARTER else 1
    month_index = start.year * 12 + start.month - 1 + months
    return datetime.date(month_index // 12, month_index % 12 + 1, 1)


# A period as analysts write it: a year (1000-9999), a quarter (2021-Q2, 2021-q2) or a month (2021-04).
# ASCII digits only; the API's schema states the same pattern (competition.context.filters).
PERIOD_PATTERN = r"([1-9][0-9]{3})(?:-(?:[Qq]([1-4])|(0[1-9]|1[0-2])))?"  # year, quarter, month (ECMA too)
_PERIOD = re.compile(PERIOD_PATTERN)


def parse_period(text: str) -> tuple[datetime.date, str]:
    """`2021` (a year), `2021-Q2` (a quarter), `2021-04` (a month) -> (first day, precision); else ValueError."""
    match = _PERIOD.fullmatch(text)
    if match is None:
        raise ValueError(f"{text[:20]!r} is not a period")
    year, quarter, month = match.groups()
    if quarter:
        return datetime.date(int(year), QUARTER_MONTHS[int(quarter) - 1], 1), PeriodPrecision.QUARTER
    if month:
        return datetime.date(int(year), int(month), 1), PeriodPrecision.MONTH
    return datetime.date(int(year), 1, 1), PeriodPrecision.YEAR


class Indicator(models.Model):
    """What is measured: 移动数据流量平均资费 (CNY per GB), 电信业务收入, or a list a province can be on."""

    class Kind(models.TextChoices):
        FIGURE = "figure", _("Figure (a number)")
        FLAG = "flag", _("Flag (the region is on the source's list)")

    code = models.SlugField(
        _("code"), max_length=64, unique=True, help_text=_("Stable short code, e.g. mobile_data_price_avg.")
    )
    name_zh = models.CharField(_("name (zh)"), max_length=200)
    name_en = models.CharField(_("name (en)"), max_length=250)
    unit = models.CharField(
        _("unit"),
        max_length=32,
        blank=True,
        help_text=_("The usual unit as printed: 元/GB, 亿元, %; empty for a flag."),
    )
    kind = models.CharField(_("kind"), max_length=8, choices=Kind.choices, default=Kind.FIGURE)
    description = models.TextField(_("description"), blank=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["code"]
        verbose_name = _("market indicator")
        verbose_name_plural = _("market indicators")

    def __str__(self) -> str:
        return f"{self.name_zh} {self.name_en}"


class IndicatorValue(models.Model):
    """One sourced figure of an indicator for a region and a period."""

    indicator = models.ForeignKey(
        Indicator, on_delete=models.PROTECT, related_name="values", verbose_name=_("indicator")
    )
    province = models.ForeignKey(
        Province,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="indicator_values",
        verbose_name=_("province"),
        help_text=_("Empty for a national figure."),
    )
    period_start = models.DateField(
        _("period start"), help_text=_("First day of the period: 1 January, a quarter's or a month's first day.")
    )
    period_precision = models.CharField(_("period precision"), max_length=8, choices=PeriodPrecision.choices)
    value = models.DecimalField(
        _("value"), max_digits=20, decimal_places=4, help_text=_("As printed, in the row's unit; 1 for a flag.")
    )
    unit = models.CharField(_("unit"), max_length=32, blank=True, help_text=_("As printed: 元/GB, 亿元, 万户, %."))
    confidence = models.CharField(
        _("confidence"),
        max_length=16,
        choices=Tier.Confidence.choices,
        default=Tier.Confidence.CONFIRMED,
        help_text=_("Inferred when the source implies the period (or the figure) rather than printing it."),
    )
    source = models.ForeignKey(
        Source, on_delete=models.PROTECT, related_name="indicator_values", verbose_name=_("source")
    )
    locator = models.CharField(
        _("page / section"), max_length=200, help_text=_("Where in the source: page, section or table.")
    )
    quote = models.TextField(_("quote"), blank=True, help_text=_("The source's words that give the figure."))
    notes = models.TextField(_("notes"), blank=True)
    version = models.PositiveIntegerField(
        _("version"), default=1, editable=False, help_text=_("Raised by every change; edits name the version they saw.")
    )

    history = HistoricalRecords()

    class Meta:
        ordering = ["indicator__code", "province__code", "-period_start", "pk"]
        verbose_name = _("indicator value")
        verbose_name_plural = _("indicator values")
        constraints = [
            models.UniqueConstraint(
                fields=["indicator", "province", "period_start", "period_precision", "source"],
                name="indicator_value_unique_per_source",
            ),
            # NULLs never collide in a unique index, so a national figure needs its own constraint.
            models.UniqueConstraint(
                fields=["indicator", "period_start", "period_precision", "source"],
                condition=Q(province__isnull=True),
                name="indicator_value_unique_national_per_source",
            ),
        ]

    def __str__(self) -> str:
        region = self.province.name_zh if self.province_id and self.province is not None else _("national")
        return f"{self.indicator.name_zh} · {region} · {self.period}: {self.value.normalize():f} {self.unit}"

    @property
    def period(self) -> str:
        return period_label(self.period_start, self.period_precision)

    @property
    def region(self) -> str:
        """`national`, or the province's GB/T 2260 code."""
        return region_of(province_code=self.province.code if self.province_id and self.province is not None else None)

    def clean(self) -> None:
        errors: dict[str, str] = {}
        start, precision = self.period_start, self.period_precision
        if start is not None and precision:
            if start.day != 1:
                errors["period_start"] = str(_("A period starts on the 1st of a month."))
            elif precision == PeriodPrecision.YEAR and start.month != 1:
                errors["period_start"] = str(_("A year starts on 1 January (e.g. 2021-01-01 for 2021)."))
            elif precision == PeriodPrecision.QUARTER and start.month not in QUARTER_MONTHS:
                errors["period_start"] = str(_("A quarter starts on 1 January, 1 April, 1 July or 1 October."))
        if (
            self.indicator_id
            and self.indicator is not None
            and self.indicator.kind == Indicator.Kind.FLAG
            and self.value is not None
            and self.value != FLAG_VALUE
        ):
            errors["value"] = str(_("A flag's value is 1: the region is on the source's list."))
        if errors:
            raise ValidationError(errors)


class ExchangeRate(models.Model):
    """What one unit of a foreign currency cost in CNY on one day, as a source printed it."""

    class Currency(models.TextChoices):
        USD = "USD", _("US dollar (USD)")
        EUR = "EUR", _("Euro (EUR)")

    currency = models.CharField(_("currency"), max_length=3, choices=Currency.choices)
    rate_on = models.DateField(_("date"), help_text=_("The day the rate is for."))
    cny_per_unit = models.DecimalField(
        _("CNY per unit"),
        max_digits=12,
        decimal_places=6,
        help_text=_("CNY for one unit of the currency, as printed (e.g. 7.1883 for 1 USD)."),
    )
    source = models.ForeignKey(
        Source, on_delete=models.PROTECT, related_name="exchange_rates", verbose_name=_("source")
    )
    locator = models.CharField(_("page / section"), max_length=200, blank=True)
    notes = models.TextField(_("notes"), blank=True)
    version = models.PositiveIntegerField(
        _("version"), default=1, editable=False, help_text=_("Raised by every change; edits name the version they saw.")
    )

    history = HistoricalRecords()

    class Meta:
        ordering = ["currency", "-rate_on"]
        verbose_name = _("exchange rate")
        verbose_name_plural = _("exchange rates")
        constraints = [
            models.UniqueConstraint(fields=["currency", "rate_on"], name="exchange_rate_one_per_day"),
            models.CheckConstraint(condition=Q(cny_per_unit__gt=0), name="exchange_rate_positive"),
        ]

    def __str__(self) -> str:
        return f"1 {self.currency} = {self.cny_per_unit.normalize():f} CNY ({self.rate_on.isoformat()})"

    def clean(self) -> None:
        # The check constraint enforces the same rule, but its error names no field.
        if self.cny_per_unit is not None and self.cny_per_unit <= 0:
            raise ValidationError({"cny_per_unit": _("A rate is a positive number of CNY per unit.")})
