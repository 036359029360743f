"""The strict filter pieces every app's FilterSets use.

Strict means a value the API cannot honour is refused naming the parameter, never a silently
ignored filter or an empty 200. A value the schema forbids (`current=maybe`, `ordering=colour`,
`operator=a;b`, `plan=abc`, a NUL byte in `q`) is a 400; a well-formed code or id that names no
row (`province=99`, `operator=xyz`, `plan=999999`) is a 404 with code `does_not_exist` (see
core.api.errors: a request naming a row that does not exist). Values that cannot be a code
(NUL bytes, punctuation) are refused before they reach the database.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Any

import django_filters
from django import forms
from django.core.exceptions import ValidationError
from django.db.models import F, Model, Q, QuerySet
from django.utils.translation import gettext as _
from django_filters.fields import BaseCSVField
from drf_spectacular.utils import extend_schema_field

CODE_PATTERN = re.compile(r"[-A-Za-z0-9_]{1,32}")
# What the schema says a code or a free-text value may be (the same rules as the fields below).
# (empty is allowed: an empty filter is no filter)
CODE_SCHEMA = {"type": "string", "pattern": "^[-A-Za-z0-9_]{0,32}$"}
TEXT_SCHEMA = {"type": "string", "maxLength": 100, "pattern": "^[^\\u0000]*$"}
MAX_INT = 2**31 - 1
MAX_ID = 2**63 - 1
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


def no_such_row(field: forms.ModelChoiceField, value: Any) -> ValidationError:
    """The error of a well-formed code or id that names no row (a 404, see core.api.errors)."""
    names = {"model": field.queryset.model._meta.verbose_name, "value": str(value)[:40]}  # type: ignore[union-attr]
    if field.to_field_name == "code":
        return ValidationError(_("No %(model)s with code %(value)s.") % names, code="does_not_exist")
    return ValidationError(_("No %(model)s with id %(value)s.") % names, code="does_not_exist")


class CodeChoiceField(forms.ModelChoiceField):
    def to_python(self, value: Any) -> Any:
        if value in self.empty_values:
            return None
        if not CODE_PATTERN.fullmatch(str(value)):
            raise ValidationError(self.error_messages["invalid_choice"], code="invalid_choice")
        try:
            return super().to_python(value)
        except ValidationError as error:
            raise no_such_row(self, value) from error


@extend_schema_field(CODE_SCHEMA)
class CodeFilter(django_filters.ModelChoiceFilter):
    """Filter by a related operator or province given by its code; an unknown code is a 404."""

    field_class = CodeChoiceField

    def __init__(self, *, model: type[Model], **kwargs: Any) -> None:
        super().__init__(queryset=model._default_manager.all(), to_field_name="code", **kwargs)


class IdChoiceField(forms.ModelChoiceField):
    def to_python(self, value: Any) -> Any:
        if value in self.empty_values:
            return None
        try:
            key = int(str(value))
        except ValueError:
            key = 0
        if not 1 <= key <= MAX_ID:  # no key can be that (and SQLite could not even bind it)
            raise ValidationError(
                _("“%(value)s” is not an id: ids are whole numbers from 1 to %(max)d.")
                % {"value": str(value)[:40], "max": MAX_ID},
                code="invalid",
            )
        try:
            return super().to_python(key)
        except ValidationError as error:
            raise no_such_row(self, value) from error


@extend_schema_field({"type": "integer", "minimum": 1, "maximum": MAX_ID})
class IdFilter(django_filters.ModelChoiceFilter):
    """Filter by a related row given by its numeric id; an id of no row is a 404."""

    field_class = IdChoiceField


@extend_schema_field({"type": "integer", "minimum": 0, "maximum": MAX_INT})
class IntegerFilter(django_filters.NumberFilter):
    """A whole number from 0 (the bounds the schema states; other bounds need their own schema)."""

    field_class = forms.IntegerField

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("min_value", 0)
        kwargs.setdefault("max_value", MAX_INT)
        super().__init__(**kwargs)


def decimal_schema(*, max_digits: int, decimal_places: int) -> dict[str, Any]:
    """A decimal query value as a string the schema can check: at most the digits the field reads."""
    whole = max_digits - decimal_places
    return {
        "type": "string",
        "format": "decimal",
        "pattern": rf"^-?([0-9]{{1,{whole}}}(\.[0-9]{{0,{decimal_places}}})?|\.[0-9]{{1,{decimal_places}}})$",
    }


@extend_schema_field(decimal_schema(max_digits=15, decimal_places=3))
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
    return TextSearchFilter(method=method, max_length=100, **kwargs)


@extend_schema_field(TEXT_SCHEMA)
class TextSearchFilter(django_filters.CharFilter):
    """Free text; a NUL byte (which no stored text holds) is refused, as the schema says."""


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
