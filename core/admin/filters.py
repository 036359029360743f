"""Admin sidebar filters every app uses."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.contrib import admin
from django.db import models
from django.db.models import QuerySet
from django.http import HttpRequest

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise


def code_filter(*, title: StrOrPromise, parameter: str, model: type[models.Model], path: str) -> type:
    """A sidebar filter by the `code` of a reference model (?operator=cmcc, ?province=11), following `path`.

    Codes rather than primary keys, so admin URLs read like the API's filters.
    """

    class CodeFilter(admin.SimpleListFilter):
        def lookups(self, request: HttpRequest, model_admin: admin.ModelAdmin) -> list[tuple[str, str]]:
            rows = model._default_manager.all()
            return [(row.code, f"{row.code} {row}") for row in rows]  # type: ignore[attr-defined]

        def queryset(self, request: HttpRequest, queryset: QuerySet[Any]) -> QuerySet[Any]:
            value = self.value()
            return queryset.filter(**{f"{path}__code": value}) if value else queryset

    CodeFilter.title = title
    CodeFilter.parameter_name = parameter
    return CodeFilter
