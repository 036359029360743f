"""Serializer pieces every app's API shapes build on.

Conventions shared by every app's serializers: rows are flat (so CSV/XLSX columns equal the
JSON keys); a reference to an operator or a province is its stable code, any other
reference its numeric id; money and GB are decimal strings; every field is described.
"""

from __future__ import annotations

import re
from typing import Any

from django.core.exceptions import FieldDoesNotExist
from django.db import models
from django.db.models import Model
from django.utils.text import capfirst
from rest_framework import serializers


class StrictTextMixin:
    """Text is a JSON string: DRF would turn `"name_zh": 12` into "12", which the schema forbids."""

    def to_internal_value(self, data: Any) -> Any:
        if not isinstance(data, str):
            self.fail("invalid")  # type: ignore[attr-defined]
        return super().to_internal_value(data)  # type: ignore[misc]


class StrictCharField(StrictTextMixin, serializers.CharField):
    pass


class StrictSlugField(StrictTextMixin, serializers.SlugField):
    pass


class StrictURLField(StrictTextMixin, serializers.URLField):
    pass


class DescribedModelSerializer(serializers.ModelSerializer):
    # A ModelSerializer whose every field carries a description for the schema: model fields
    # with help_text keep it, the others get their verbose name, better than a blank in the docs.
    # (A comment, not a docstring: the schema would show a docstring on every subclass.)
    serializer_field_mapping = {
        **serializers.ModelSerializer.serializer_field_mapping,
        models.CharField: StrictCharField,
        models.TextField: StrictCharField,
        models.SlugField: StrictSlugField,
        models.URLField: StrictURLField,
    }

    def get_fields(self) -> dict[str, serializers.Field]:
        fields = super().get_fields()
        model: type[Model] = self.Meta.model  # type: ignore[attr-defined]
        for name, field in fields.items():
            if field.help_text:
                continue
            if name == "id":
                field.help_text = "Numeric id, stable for the life of the row."
                continue
            try:
                # Unbound fields have no source yet unless one was declared.
                model_field = model._meta.get_field(str(field.source or name))
            except FieldDoesNotExist:
                continue
            field.help_text = capfirst(str(getattr(model_field, "verbose_name", name))) + "."
        return fields


CODE_PATTERN = re.compile(r"[-A-Za-z0-9_]{1,32}")


class CodeRelatedField(serializers.SlugRelatedField):
    """A row referenced by its code; anything that cannot be a code is refused before any query."""

    def to_internal_value(self, data: Any) -> Any:
        if not isinstance(data, str) or not CODE_PATTERN.fullmatch(data):
            self.fail("does_not_exist", slug_name=self.slug_field, value=str(data)[:40])
        return super().to_internal_value(data)
