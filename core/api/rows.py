"""Output serializers that read `.values()` rows: a list costs no model instance per row.

A `RowSerializer` is an ordinary output serializer (its fields are the schema, the JSON keys and
the CSV columns) whose rows are dicts from `queryset.values(...)`. The columns to ask for come
from the fields themselves: a field's `source` (`plan.branch.name_zh`) is the ORM path
(`plan__branch__name_zh`); a related id or code field reads the id or the code column. A
SerializerMethodField gets the row; the extra columns it reads are named in `row_columns`. A
`ComputedField` (a citation, a label) names its columns and the pure function that makes its
value from them.

A nested RowSerializer of a forward foreign key (a notification's change) reads its columns
through the join in the same query (`change__kind`, ...); it is null when the key is.

Many-to-many lists (a plan's perk ids and names) and nested lists of another RowSerializer (a
strategy's milestones) are read for a whole page at once: one query per relation, whatever the
page size, in the related model's default order (what a prefetch gives). The list serializer
does that before it writes the rows, so `Serializer(rows, many=True).data` and a single row
(`Serializer(row).data`, a detail endpoint) both work.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Mapping
from typing import Any, ClassVar

from django.db import models
from django.db.models import F, QuerySet
from django.db.models.fields.related_descriptors import ManyToManyDescriptor, ReverseManyToOneDescriptor
from rest_framework import serializers
from rest_framework.relations import ManyRelatedField, PrimaryKeyRelatedField, SlugRelatedField

ROW_ALIAS = "row__"  # values() may not reuse a model field's name for another column
ROW_KEY = ROW_ALIAS + "pk"  # the row's own key, read where related lists are attached to it
OWNER = ROW_ALIAS + "owner"
RELATED_IDS_PER_QUERY = 500  # SQLite binds at most a few thousand parameters


# Fields whose database value is already its JSON value (a str, int or bool): no conversion per row.
PLAIN_FIELDS = (
    PrimaryKeyRelatedField,  # a related id or code is its own representation
    SlugRelatedField,
    serializers.CharField,
    serializers.IntegerField,
    serializers.BooleanField,
    serializers.ChoiceField,
)


class ComputedField(serializers.Field):
    """A read-only column made by `compute` from other columns of the row ({key: ORM path}).

    Mix it before a concrete field class (ComputedCharField) so the schema states its type."""

    def __init__(self, *, columns: Mapping[str, str], compute: Callable[[Mapping[str, Any]], Any], **kwargs: Any):
        kwargs["read_only"] = True
        super().__init__(**kwargs)
        self.columns = dict(columns)
        self.compute = compute

    def row_columns(self, name: str) -> dict[str, str]:
        """The row keys this field reads, prefixed with its name so two fields never collide."""
        return {f"{name}__{key}": path for key, path in self.columns.items()}

    def from_row(self, name: str, row: Mapping[str, Any]) -> Any:
        return self.compute({key: row[f"{name}__{key}"] for key in self.columns})


class ComputedCharField(ComputedField, serializers.CharField):
    pass


def aliased(key: str) -> str:
    return key if key.startswith(ROW_ALIAS) else ROW_ALIAS + key


def related_lists(
    *, model: type[models.Model], relation: str, owner_ids: list[Any], paths: Mapping[str, str]
) -> dict[Any, list[dict[str, Any]]]:
    """{owner id: its related rows, keyed as `RowSerializer.rows` keys them} of a many-to-many or a
    reverse foreign key, in the related model's default order: one query per RELATED_IDS_PER_QUERY owners."""
    descriptor = getattr(model, relation)
    if isinstance(descriptor, ManyToManyDescriptor) and not descriptor.reverse:
        target, owner_path = descriptor.field.related_model, descriptor.field.related_query_name()
    elif isinstance(descriptor, ReverseManyToOneDescriptor) and not isinstance(descriptor, ManyToManyDescriptor):
        target, owner_path = descriptor.rel.related_model, descriptor.rel.field.attname
    else:
        raise TypeError(f"{model.__name__}.{relation} is no many-to-many or reverse foreign key")
    grouped: dict[Any, list[dict[str, Any]]] = defaultdict(list)
    for start in range(0, len(owner_ids), RELATED_IDS_PER_QUERY):
        chunk = owner_ids[start : start + RELATED_IDS_PER_QUERY]
        manager = target._default_manager  # type: ignore[union-attr]
        queryset = manager.filter(**{f"{owner_path}__in": chunk})
        for row in queryset.values(**{OWNER: F(owner_path)}, **{aliased(key): F(path) for key, path in paths.items()}):
            grouped[row.pop(OWNER)].append(row)
    return grouped


def _one_key(name: str, key: str | None = None) -> str:
    """The row key of a nested row's foreign key (key None) or of one of its columns."""
    return f"{ROW_ALIAS}{name}__key" if key is None else f"{ROW_ALIAS}{name}__col__{key}"


class RowListSerializer(serializers.ListSerializer):
    """Many rows of a RowSerializer: the page's related lists are read once, then each row is written."""

    def to_representation(self, data: Any) -> list[dict[str, Any]]:
        rows = [dict(row) for row in data]
        self.child.attach_related(rows)  # type: ignore[union-attr]
        return [self.child.to_representation(row) for row in rows]  # type: ignore[union-attr]


class RowSerializer(serializers.Serializer):
    # Mixin for a (Model)Serializer whose output is built from `.values()` rows. (A comment, not a
    # docstring: the schema would show a docstring as the description of every output component.)

    # Extra columns the method fields read: {row key: ORM path}.
    row_columns: ClassVar[Mapping[str, str]] = {}

    @classmethod
    def many_init(cls, *args: Any, **kwargs: Any) -> serializers.ListSerializer:
        # As DRF's many_init, with the list serializer that reads the related lists of a page at once.
        list_kwargs = {key: kwargs.pop(key) for key in serializers.LIST_SERIALIZER_KWARGS_REMOVE if key in kwargs}
        list_kwargs["child"] = cls(*args, **kwargs)
        list_kwargs.update({key: value for key, value in kwargs.items() if key in serializers.LIST_SERIALIZER_KWARGS})
        return RowListSerializer(*args, **list_kwargs)

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
                elif isinstance(field, ComputedField):
                    plan.append((name, "computed", field))
                elif isinstance(field, ManyRelatedField):
                    plan.append((name, "many", field))
                elif isinstance(field, serializers.ListSerializer) and isinstance(field.child, RowSerializer):
                    plan.append((name, "nested", field))
                elif isinstance(field, RowSerializer):
                    if any(kind in ("many", "nested") for _name, kind, _field in field._plan()):
                        raise TypeError(f"{cls.__name__}.{name}: a nested row reads no related lists of its own")
                    plan.append((name, "one", field))
                elif isinstance(field, serializers.BaseSerializer):
                    raise TypeError(f"{cls.__name__}.{name}: a nested field must be a RowSerializer to read rows")
                elif isinstance(field, PLAIN_FIELDS):
                    plan.append((name, "plain", field))
                else:
                    plan.append((name, "convert", field))
            cls._row_plan = plan  # type: ignore[attr-defined]
        return plan

    @classmethod
    def values_paths(cls) -> dict[str, str]:
        """{row key: ORM path} of every column the output reads (related lists are read apart)."""
        paths: dict[str, str] = {}
        for name, kind, field in cls._plan():
            if kind in ("method", "many", "nested"):
                if kind != "method":
                    paths[ROW_KEY] = "pk"
                continue
            if kind == "computed":
                paths.update(field.row_columns(name))
                continue
            if kind == "one":
                source = str(field.source).replace(".", "__")
                paths[_one_key(name)] = source  # the key: null when there is no related row
                for key, path in field.values_paths().items():
                    paths[_one_key(name, key.removeprefix(ROW_ALIAS))] = f"{source}__{path}"
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
        plain: list[str] = []
        columns: dict[str, Any] = {}
        model_fields = {field.name for field in queryset.model._meta.get_fields()} | {
            field.attname for field in queryset.model._meta.concrete_fields
        }
        annotations = set(queryset.query.annotations)
        for key, path in cls.values_paths().items():
            if key == path and (key in model_fields or key in annotations):
                plain.append(key)
            else:
                columns[aliased(key)] = F(path)
        return queryset.values(*plain, **columns)

    @classmethod
    def _model(cls) -> type[models.Model]:
        model = getattr(getattr(cls, "Meta", None), "model", None)
        if model is None:
            raise TypeError(f"{cls.__name__} names no model (Meta.model) to read related lists of")
        return model

    def attach_related(self, rows: list[dict[str, Any]]) -> None:
        """Put each many-to-many and nested list into the rows (dicts keyed as `rows()` keys them):
        one query per relation (a relation's ids and names are read together)."""
        if not rows or not any(kind in ("many", "nested") for _name, kind, _field in self._plan()):
            return
        owner_ids = [row[ROW_KEY] for row in rows]
        many: dict[str, dict[str, str]] = defaultdict(dict)  # relation -> {field name: target column}
        for name, kind, field in self._plan():
            if kind == "many":
                child = field.child_relation
                many[str(field.source)][name] = child.slug_field if isinstance(child, SlugRelatedField) else "pk"
            elif kind == "nested":
                nested: RowSerializer = field.child
                lists = related_lists(
                    model=self._model(), relation=str(field.source), owner_ids=owner_ids, paths=nested.values_paths()
                )
                for row in rows:
                    items = lists.get(row[ROW_KEY], [])
                    nested.attach_related(items)
                    row[ROW_ALIAS + name] = [nested.to_representation(item) for item in items]
        for relation, targets in many.items():
            lists = related_lists(model=self._model(), relation=relation, owner_ids=owner_ids, paths=targets)
            for row in rows:
                items = lists.get(row[ROW_KEY], [])
                for name in targets:
                    row[ROW_ALIAS + name] = [item[aliased(name)] for item in items]

    def to_representation(self, instance: Any) -> dict[str, Any]:
        row = {key.removeprefix(ROW_ALIAS): value for key, value in instance.items()}
        if ROW_KEY.removeprefix(ROW_ALIAS) in row and any(
            kind in ("many", "nested") and name not in row for name, kind, _field in self._plan()
        ):
            # One row on its own (a detail endpoint): read its related lists here.
            single = dict(instance)
            self.attach_related([single])
            row = {key.removeprefix(ROW_ALIAS): value for key, value in single.items()}
        for name, kind, _field in self._plan():
            if kind == "one":
                # The related row's own columns (raw), as the method fields and the nested serializer read them.
                prefix = _one_key(name, "").removeprefix(ROW_ALIAS)
                columns = {key.removeprefix(prefix): row.pop(key) for key in list(row) if key.startswith(prefix)}
                key = row.pop(_one_key(name).removeprefix(ROW_ALIAS))
                row[name] = None if key is None else columns
        data: dict[str, Any] = {}
        for name, kind, field in self._plan():
            if kind == "one":
                data[name] = None if row[name] is None else field.to_representation(row[name])
            elif kind == "method":
                data[name] = getattr(self, field)(row)
            elif kind == "computed":
                data[name] = field.from_row(name, row)
            elif kind in ("many", "nested"):
                data[name] = row[name]
            else:
                value = row[name]
                data[name] = value if value is None or kind == "plain" else field.to_representation(value)
        return data
