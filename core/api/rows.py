"""Output serializers that read `.values()` rows: a list costs no model instance per row.

A `RowSerializer` is an ordinary output serializer (its fields are the schema, the JSON keys and
the CSV columns) whose rows are dicts from `queryset.values(...)`. The columns to ask for come
from the fields themselves: a field's `source` (`plan.branch.name_zh`) is the ORM path
(`plan__branch__name_zh`); a related id or code field reads the id or the code column. A
SerializerMethodField gets the row; the extra columns it reads are named in `row_columns`.
List and detail endpoints both serialise rows (core.api.base.views), so a method field reads one shape.

Not for rows with many-to-many or nested lists (plans' perks, launches' partners, strategies'
milestones): those serializers stay on instances with prefetches, one query per relation.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, ClassVar

from django.db.models import F, QuerySet
from rest_framework import serializers
from rest_framework.relations import ManyRelatedField, PrimaryKeyRelatedField, SlugRelatedField

ROW_ALIAS = "row__"  # values() may not reuse a model field's name for another column


# Fields whose database value is already its JSON value (a str, int or bool): no conversion per row.
PLAIN_FIELDS = (
    PrimaryKeyRelatedField,  # a related id or code is its own representation
    SlugRelatedField,
    serializers.CharField,
    serializers.IntegerField,
    serializers.BooleanField,
    serializers.ChoiceField,
)


class RowSerializer(serializers.Serializer):
    """Mixin for a (Model)Serializer whose output is built from `.values()` rows."""

    # Extra columns the method fields read: {row key: ORM path}.
    row_columns: ClassVar[Mapping[str, str]] = {}

    @classmethod
    def _plan(cls) -> list[tuple[str, str, Any]]:
        """Per readable field: (name, how to read it, the converter). Built once per class: a
        ModelSerializer's fields cost a model introspection, which a list must not pay per request."""
        plan = cls.__dict__.get("_row_plan")
        if plan is None:
            plan = []
            for name, field in cls().fields.items():
                if field.write_only:
                    continue
                if isinstance(field, serializers.SerializerMethodField):
                    plan.append((name, "method", field.method_name))
                elif isinstance(field, ManyRelatedField | serializers.BaseSerializer):
                    raise TypeError(f"{cls.__name__}.{name}: a many or nested field cannot be read from rows")
                elif isinstance(field, PLAIN_FIELDS):
                    plan.append((name, "plain", field))
                else:
                    plan.append((name, "convert", field))
            cls._row_plan = plan  # type: ignore[attr-defined]
        return plan

    @classmethod
    def values_paths(cls) -> dict[str, str]:
        """{row key: ORM path} of every column the output reads."""
        paths: dict[str, str] = {}
        for name, kind, field in cls._plan():
            if kind == "method":
                continue
            path = str(field.source).replace(".", "__")
            if isinstance(field, SlugRelatedField):
                path = f"{path}__{field.slug_field}"
            paths[name] = path
        paths.update(cls.row_columns)
        return paths

    @classmethod
    def rows(cls, queryset: QuerySet) -> QuerySet:
        """`queryset` as dict rows keyed by field name (and row_columns), in its order."""
        plain, aliased = [], {}
        model_fields = {field.name for field in queryset.model._meta.get_fields()} | {
            field.attname for field in queryset.model._meta.concrete_fields
        }
        annotations = set(queryset.query.annotations)
        for key, path in cls.values_paths().items():
            if key == path and (key in model_fields or key in annotations):
                plain.append(key)
            else:
                aliased[ROW_ALIAS + key] = F(path)
        return queryset.values(*plain, **aliased)

    def to_representation(self, instance: Any) -> dict[str, Any]:
        row = {key.removeprefix(ROW_ALIAS): value for key, value in instance.items()}
        data: dict[str, Any] = {}
        for name, kind, field in self._plan():
            if kind == "method":
                data[name] = getattr(self, field)(row)
            else:
                value = row[name]
                data[name] = value if value is None or kind == "plain" else field.to_representation(value)
        return data
