"""Query filters of the reference data, and the operator/province code filters every app's FilterSets use."""

from __future__ import annotations

from typing import Any

import django_filters

from core.filters import CodeFilter, ordering, text_search
from operators.models import Branch, Operator, Province, Source


def operator_filter(field_name: str, **kwargs: Any) -> CodeFilter:
    kwargs.setdefault("help_text", "Operator code: cmcc, cucc, ctcc or cbn. An unknown code is a 404.")
    return CodeFilter(model=Operator, field_name=field_name, **kwargs)


def province_filter(field_name: str, **kwargs: Any) -> CodeFilter:
    kwargs.setdefault("help_text", "GB/T 2260 two-digit province code, e.g. 31 (Shanghai). An unknown code is a 404.")
    return CodeFilter(model=Province, field_name=field_name, **kwargs)


class OperatorFilter(django_filters.FilterSet):
    kind = django_filters.ChoiceFilter(choices=Operator.Kind.choices, help_text="MNO or MVNO.")
    q = text_search(["code", "name_zh", "name_en", "short_name_zh"])
    ordering = ordering({"id": "id", "code": "code"})

    class Meta:
        model = Operator
        fields = ["kind"]


class ProvinceFilter(django_filters.FilterSet):
    region = django_filters.ChoiceFilter(choices=Province.Region.choices, help_text="Economic region.")
    q = text_search(["code", "name_zh", "name_en"])
    ordering = ordering({"id": "id", "code": "code"})

    class Meta:
        model = Province
        fields = ["region"]


class BranchFilter(django_filters.FilterSet):
    operator = operator_filter("operator")
    province = province_filter("province")
    q = text_search(["name_zh", "name_en", "city_zh", "city_en"])
    ordering = ordering({"id": "id", "province__code": "province", "operator__code": "operator"})

    class Meta:
        model = Branch
        fields = ["operator", "province"]


class SourceFilter(django_filters.FilterSet):
    published_from = django_filters.DateFilter(
        field_name="published_on", lookup_expr="gte", help_text="Published on or after this date (YYYY-MM-DD)."
    )
    published_to = django_filters.DateFilter(
        field_name="published_on", lookup_expr="lte", help_text="Published on or before this date (YYYY-MM-DD)."
    )
    q = text_search(["publication", "publisher", "issue", "title", "author"])
    ordering = ordering({"id": "id", "published_on": "published_on"})

    class Meta:
        model = Source
        fields: list[str] = []
