"""Query filters of indicator values and exchange rates. A value we cannot honour is a 400 naming the parameter."""

from __future__ import annotations

import datetime
from typing import Any

import django_filters
from django import forms
from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from drf_spectacular.utils import extend_schema_field

from competition.context.models import (
    NATIONAL,
    PERIOD_PATTERN,
    ExchangeRate,
    Indicator,
    IndicatorValue,
    parse_period,
    period_end,
)
from core.filters import CODE_PATTERN, CODE_SCHEMA, CodeFilter, ordering, text_search
from operators.filters import province_filter
from operators.models import Province
from plans.models import Tier

PERIOD_HELP = gettext_lazy("Use YYYY, YYYY-Qn or YYYY-MM, e.g. 2021, 2021-Q2 or 2021-04.")
# What the schema says the two filters take (the same rules as their fields below); empty is no filter.
REGION_SCHEMA = {
    **CODE_SCHEMA,  # national is a code too
    "description": "national (figures about the whole country) or a GB/T 2260 province code, e.g. 31. "
    "An unknown code is a 404.",
}
PERIOD_SCHEMA = {
    "type": "string",
    "pattern": f"^({PERIOD_PATTERN})?$",
    "description": "Figures whose period lies within this one: 2021 gives the year's figures and those of its "
    "quarters and months. Use YYYY, YYYY-Qn or YYYY-MM, e.g. 2021, 2021-Q2 or 2021-04.",
}


class RegionField(forms.CharField):
    """`national` or a province's GB/T 2260 code: one that cannot be a code is a 400, one of no province a 404."""

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(strip=False, **kwargs)  # " 31" is no code (the schema's pattern says so)

    def clean(self, value: Any) -> str | None:
        value = super().clean(value)
        if not value:
            return None
        if value == NATIONAL:
            return value
        if not CODE_PATTERN.fullmatch(value):
            raise ValidationError(
                _("Use national or a GB/T 2260 province code, e.g. 31; %(value)r is neither.") % {"value": value[:20]},
                code="invalid_choice",
            )
        if not Province.objects.filter(code=value).exists():
            # The words of every province filter (core.filters.no_such_row).
            names = {"model": Province._meta.verbose_name, "value": value}
            raise ValidationError(_("No %(model)s with code %(value)s.") % names, code="does_not_exist")
        return value


class PeriodField(forms.CharField):
    """A period as analysts write it, cleaned to the days it spans: [first day, first day after)."""

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(strip=False, **kwargs)

    def clean(self, value: Any) -> tuple[datetime.date, datetime.date | None] | None:
        value = super().clean(value)
        if not value:
            return None
        try:
            start, precision = parse_period(value)
        except ValueError as error:
            raise ValidationError(
                _("%(value)r is not a period. %(help)s") % {"value": value[:20], "help": PERIOD_HELP}, code="invalid"
            ) from error
        try:
            return start, period_end(start, precision)
        except ValueError:
            return start, None  # the period of 9999 ends past the last date: every later figure is in it


@extend_schema_field(REGION_SCHEMA)
class RegionFilter(django_filters.Filter):
    field_class = RegionField

    def filter(self, qs: QuerySet, value: str | None) -> QuerySet:
        if not value:
            return qs
        if value == NATIONAL:
            return qs.filter(province__isnull=True)
        return qs.filter(province__code=value)


@extend_schema_field(PERIOD_SCHEMA)
class PeriodFilter(django_filters.Filter):
    field_class = PeriodField

    def filter(self, qs: QuerySet, value: tuple[datetime.date, datetime.date | None] | None) -> QuerySet:
        if not value:
            return qs
        start, end = value
        qs = qs.filter(period_start__gte=start)
        return qs if end is None else qs.filter(period_start__lt=end)


class IndicatorValueFilter(django_filters.FilterSet):
    indicator = CodeFilter(
        model=Indicator,
        field_name="indicator",
        help_text="Indicator code, e.g. mobile_data_price_avg. An unknown code is a 404.",
    )
    region = RegionFilter(max_length=32)
    province = province_filter("province", help_text="Only this province's figures (GB/T 2260 code); see also region.")
    period = PeriodFilter(max_length=16)
    confidence = django_filters.ChoiceFilter(choices=Tier.Confidence.choices, help_text="confirmed or inferred.")
    q = text_search(["indicator__name_zh", "indicator__name_en", "quote", "notes"])
    ordering = ordering({"id": "id", "period_start": "period_start", "value": "value", "indicator__code": "indicator"})

    class Meta:
        model = IndicatorValue
        fields = ["indicator", "confidence"]


class ExchangeRateFilter(django_filters.FilterSet):
    currency = django_filters.ChoiceFilter(choices=ExchangeRate.Currency.choices, help_text="USD or EUR.")
    rate_from = django_filters.DateFilter(
        field_name="rate_on", lookup_expr="gte", help_text="Rates on or after this date (YYYY-MM-DD)."
    )
    rate_to = django_filters.DateFilter(
        field_name="rate_on", lookup_expr="lte", help_text="Rates on or before this date (YYYY-MM-DD)."
    )
    ordering = ordering({"id": "id", "rate_on": "rate_on"})

    class Meta:
        model = ExchangeRate
        fields = ["currency"]
