"""Admin for the reference data: operators, provinces, sources (with their evidence) and branches."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.db import models
from django.db.models import Count, QuerySet
from django.forms import ClearableFileInput
from django.http import HttpRequest
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from core.admin import ServiceAdmin, code_filter
from operators.models import Branch, Operator, Province, Source


class _LinkedFile:
    """A stored file's name with the URL the "Currently:" link of the file widget should use."""

    def __init__(self, name: str, url: str) -> None:
        self.name = name
        self.url = url

    def __str__(self) -> str:
        return self.name


class EvidenceFileInput(ClearableFileInput):
    """Links the current evidence file to the login-guarded download, never to a public media URL."""

    def __init__(self, *, download_url: str, attrs: dict[str, Any] | None = None) -> None:
        super().__init__(attrs)
        self.download_url = download_url

    def format_value(self, value: Any) -> Any:
        if self.is_initial(value):
            return _LinkedFile(value.name, self.download_url)
        return None


def operator_filter(path: str) -> type:
    return code_filter(title=_("operator"), parameter="operator", model=Operator, path=path)


def province_filter(path: str) -> type:
    return code_filter(title=_("province"), parameter="province", model=Province, path=path)


@admin.register(Operator)
class OperatorAdmin(ServiceAdmin):
    list_display = ("code", "name_zh", "name_en", "short_name_zh", "kind", "branch_count")
    list_filter = ("kind",)
    search_fields = ("code", "name_zh", "name_en", "short_name_zh")

    def get_queryset(self, request: HttpRequest) -> QuerySet[Operator]:
        return super().get_queryset(request).annotate(branch_total=Count("branches"))

    @admin.display(description=_("branches"), ordering="branch_total")
    def branch_count(self, obj: Operator) -> int:
        return obj.branch_total  # type: ignore[attr-defined]


@admin.register(Province)
class ProvinceAdmin(ServiceAdmin):
    list_display = ("code", "name_zh", "name_en", "region", "branch_count")
    list_filter = ("region",)
    search_fields = ("code", "name_zh", "name_en")

    def get_queryset(self, request: HttpRequest) -> QuerySet[Province]:
        return super().get_queryset(request).annotate(branch_total=Count("branches"))

    @admin.display(description=_("branches"), ordering="branch_total")
    def branch_count(self, obj: Province) -> int:
        return obj.branch_total  # type: ignore[attr-defined]


@admin.register(Source)
class SourceAdmin(ServiceAdmin):
    list_display = ("title", "publication", "issue", "locator", "published_on", "citation")
    list_filter = ("publication", "published_on")
    search_fields = ("title", "publication", "publisher", "issue", "author", "locator", "url")
    readonly_fields = ("citation",)
    date_hierarchy = "published_on"

    def get_form(
        self, request: HttpRequest, obj: models.Model | None = None, change: bool = False, **kwargs: Any
    ) -> Any:
        form = super().get_form(request, obj, change=change, **kwargs)
        if obj is not None and "evidence" in form.base_fields:
            form.base_fields["evidence"].widget = EvidenceFileInput(
                download_url=reverse("source-evidence", args=[obj.pk])
            )
        return form

    @admin.display(description=_("citation"))
    def citation(self, obj: Source) -> str:
        return obj.citation


@admin.register(Branch)
class BranchAdmin(ServiceAdmin):
    list_display = ("name_zh", "name_en", "operator", "province", "city_zh", "city_en")
    list_filter = (operator_filter("operator"), province_filter("province"), "province__region")
    search_fields = (
        "name_zh",
        "name_en",
        "city_zh",
        "city_en",
        "=operator__code",
        "operator__name_zh",
        "=province__code",
        "province__name_zh",
        "province__name_en",
    )
    autocomplete_fields = ("operator", "province")
    list_select_related = ("operator", "province")
