"""Query filters of indicator values and exchange rates. A value we cannot honour is a 400 naming the parameter."""

from __future__ import annotations

import datetime
from typing import Any

import django_filters
from django import forms
from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field

from competition.context.models import NATIONAL, ExchangeRate, Indicator, IndicatorValue, parse_period, period_end
from core.filters import CODE_PATTERN, CodeFilter, ordering, text_search
from operators.filters import province_filter
from operators.models import Province
from plans.models import Tier

PERIOD_HELP = "Use YYYY, YYYY-Qn or YYYY-MM, e.g. 2021, 2021-Q2 or 2021-04."


class RegionField(forms.CharField):
    """`national` or a province's GB/T 2260 code (one that exists)."""

    def clean(self, value: Any) -> str | None:
        value = super().clean(value)
        if not value:
            return None
        if value != NATIONAL and not (CODE_PATTERN.fullmatch(value) and Province.objects.filter(code=value).exists()):
            raise ValidationError(
                f"Use national or a GB/T 2260 province code, e.g. 31; {value[:20]!r} is neither.",
                code="invalid_choice",
            )
        return value


class PeriodField(forms.CharField):
    """A period as analysts write it, cleaned to the days it spans: [first day, first day after)."""

    def clean(self, value: Any) -> tuple[datetime.date, datetime.date] | None:
        value = super().clean(value)
        if not value:
            return None
        try:
            start, precision = parse_period(value)
        except ValueError as error:
            raise ValidationError(f"{value[:20]!r} is not a period. {PERIOD_HELP}", code="invalid") from error
        return start, period_end(start, precision)


@extend_schema_field(OpenApiTypes.STR)
class RegionFilter(django_filters.Filter):
    field_class = RegionField

    def filter(self, qs: QuerySet, value: str | None) -> QuerySet:
        if not value:
            return qs
        if value == NATIONAL:
            return qs.filter(province__isnull=True)
        return qs.filter(province__code=value)


@extend_schema_field(OpenApiTypes.STR)
class PeriodFilter(django_filters.Filter):
    field_class = PeriodField

    def filter(self, qs: QuerySet, value: tuple[datetime.date, datetime.date] | None) -> QuerySet:
        if not value:
            return qs
        start, end = value
        return qs.filter(period_start__gte=start, period_start__lt=end)


class IndicatorValueFilter(django_filters.FilterSet):
    indicator = CodeFilter(
        model=Indicator,
        field_name="indicator",
        help_text="Indicator code, e.g. mobile_data_price_avg. An unknown code is a 400.",
    )
    region = RegionFilter(
        help_text="national (figures about the whole country) or a GB/T 2260 province code, e.g. 31. "
        "An unknown code is a 400.",
        max_length=32,
    )
    province = province_filter("province", help_text="Only this province's figures (GB/T 2260 code); see also region.")
    period = PeriodFilter(
        help_text="Figures whose period lies within this one: 2021 gives the year's figures and those of its "
        f"quarters and months. {PERIOD_HELP}",
        max_length=16,
    )
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
