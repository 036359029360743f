"""The strict filter pieces every app's FilterSets use.

Strict means a value the API cannot honour is a 400 naming the parameter, never a silently
ignored filter or an empty 200: `province=99` (no such province), `operator=xyz`,
`current=maybe`, `ordering=colour` are all refused. Values that cannot be a code (NUL
bytes, punctuation) are refused before they reach the database.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Any

import django_filters
from django import forms
from django.core.exceptions import ValidationError
from django.db.models import F, Model, Q, QuerySet
from django_filters.fields import BaseCSVField

CODE_PATTERN = re.compile(r"[-A-Za-z0-9_]{1,32}")
MAX_INT = 2**31 - 1
TRUE_WORDS = frozenset({"true", "1", "yes", "on"})
FALSE_WORDS = frozenset({"false", "0", "no", "off"})


class StrictBooleanField(forms.Field):
    """true/false (also 1/0, yes/no, on/off); anything else is an error, not "no filter"."""

    def to_python(self, value: Any) -> bool | None:
        if value in (None, ""):
            return None
        if isinstance(value, bool):
            return value
        word = str(value).strip().lower()
        if word in TRUE_WORDS:
            return True
        if word in FALSE_WORDS:
            return False
        raise ValidationError("Use true or false.", code="invalid")


class StrictBooleanFilter(django_filters.BooleanFilter):
    field_class = StrictBooleanField


class CodeChoiceField(forms.ModelChoiceField):
    def to_python(self, value: Any) -> Any:
        if value not in self.empty_values and not CODE_PATTERN.fullmatch(str(value)):
            raise ValidationError(self.error_messages["invalid_choice"], code="invalid_choice")
        return super().to_python(value)


class CodeFilter(django_filters.ModelChoiceFilter):
    """Filter by a related operator or province given by its code; an unknown code is a 400."""

    field_class = CodeChoiceField

    def __init__(self, *, model: type[Model], **kwargs: Any) -> None:
        super().__init__(queryset=model._default_manager.all(), to_field_name="code", **kwargs)


class IntegerFilter(django_filters.NumberFilter):
    field_class = forms.IntegerField

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("min_value", 0)
        kwargs.setdefault("max_value", MAX_INT)
        super().__init__(**kwargs)


class AmountFilter(django_filters.NumberFilter):
    """A decimal bound (CNY or GB); bounded so no value can overflow the database's numeric."""

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("max_digits", 15)
        kwargs.setdefault("decimal_places", 3)
        super().__init__(**kwargs)


def text_search(fields: Iterable[str], **kwargs: Any) -> django_filters.CharFilter:
    """`q`: case-insensitive substring match on any of `fields` (zh and en names)."""
    lookups = tuple(fields)

    def method(queryset: QuerySet, name: str, value: str) -> QuerySet:
        condition = Q()
        for field in lookups:
            condition |= Q(**{f"{field}__icontains": value})
        return queryset.filter(condition)

    names = ", ".join(field.replace("__", ".") for field in lookups)
    kwargs.setdefault("help_text", f"Free text, matched case-insensitively in {names}.")
    return django_filters.CharFilter(method=method, max_length=100, **kwargs)


class OrderingCSVField(BaseCSVField):
    """The comma-separated ordering value: an empty term (`id,`, `,id`, `id,,code`) is refused."""

    def clean(self, value: Any) -> Any:
        if value and any(not str(term).strip() for term in value):
            raise ValidationError(
                "Empty column name in the list; give column names separated by single commas, e.g. -code,id.",
                code="invalid",
            )
        return super().clean(value)


class StableOrderingFilter(django_filters.OrderingFilter):
    """`ordering=a,-b`: nulls last in both directions, then by id so pages never overlap."""

    base_field_class = OrderingCSVField

    def get_ordering_value(self, param: str) -> Any:
        descending = param.startswith("-")
        name = param[1:] if descending else param
        expression = F(self.param_map.get(name, name))
        return expression.desc(nulls_last=True) if descending else expression.asc(nulls_last=True)

    def filter(self, qs: QuerySet, value: Any) -> QuerySet:
        if value in django_filters.constants.EMPTY_VALUES:
            return qs
        return qs.order_by(*[self.get_ordering_value(param) for param in value], "pk")


def ordering(fields: dict[str, str], **kwargs: Any) -> StableOrderingFilter:
    """An ordering filter over {model path or annotation: public column name}."""
    kwargs.setdefault(
        "help_text",
        "Comma-separated columns to sort by; prefix with - for descending. Nulls sort last. "
        "Columns: " + ", ".join(fields.values()) + ".",
    )
    return StableOrderingFilter(fields=tuple(fields.items()), **kwargs)
