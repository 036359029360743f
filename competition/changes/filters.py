"""Query filters of the change feed (API and Atom feed). Unknown values are a 400 naming the parameter."""

from __future__ import annotations

from typing import Any

import django_filters
from django.db.models import QuerySet

from competition.changes.models import ChangeEvent
from operators.filters import operator_filter, province_filter
from plans.pricing import BUCKET_LABELS


def _by_code(column: str) -> Any:
    def method(queryset: QuerySet, name: str, value: Any) -> QuerySet:
        return queryset.filter(**{column: value.code}) if value else queryset

    return method


class ChangeEventFilter(django_filters.FilterSet):
    since = django_filters.DateFilter(
        field_name="changed_on", lookup_expr="gte", help_text="Changes taking effect on or after this day (YYYY-MM-DD)."
    )
    operator = operator_filter("operator_code", method=_by_code("operator_code"))
    province = province_filter(
        "province_code",
        method=_by_code("province_code"),
        help_text="GB/T 2260 province code of the branch that changed; operator-wide changes have none. "
        "An unknown code is a 400.",
    )
    bucket = django_filters.ChoiceFilter(
        choices=[(label, label) for label in BUCKET_LABELS], help_text="Validity bucket of the tier that changed."
    )
    kind = django_filters.ChoiceFilter(choices=ChangeEvent.Kind.choices, help_text="What kind of change.")

    class Meta:
        model = ChangeEvent
        fields = ["since", "operator", "province", "bucket", "kind"]
