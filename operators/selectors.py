"""Reads of the reference data, shaped for the pages and the API (related rows joined up front)."""

from __future__ import annotations

from django.db.models import QuerySet

from operators.models import Branch, Operator, Province, Source


def operator_list() -> QuerySet[Operator]:
    return Operator.objects.order_by("code", "pk")


def province_list() -> QuerySet[Province]:
    return Province.objects.order_by("code", "pk")


def branch_list() -> QuerySet[Branch]:
    return Branch.objects.select_related("operator", "province").order_by(
        "province__code", "operator__code", "city_zh", "pk"
    )


def source_list() -> QuerySet[Source]:
    return Source.objects.order_by("-published_on", "title", "pk")
