"""The change feed's rows in the API (and its CSV/XLSX)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from rest_framework import serializers

from competition.changes.models import ChangeEvent
from competition.changes.text import change_event_detail, change_event_kind_label, change_event_title
from core.api.rows import ComputedCharField, RowSerializer


class ChangeEventOutputSerializer(RowSerializer, serializers.ModelSerializer):
    # Rows are `.values()` dicts (core.api.rows); the words come from competition.changes.text,
    # which reads a row as it reads an event.
    kind_label = ComputedCharField(
        columns={"kind": "kind"}, compute=lambda row: change_event_kind_label(row["kind"]), help_text="Kind, in words."
    )
    title = serializers.SerializerMethodField(help_text="The change in words, in the request's language.")
    detail = serializers.SerializerMethodField(help_text="The figures before and after, in words.")
    operator = serializers.CharField(source="operator_code", help_text="Operator code; empty when none.")
    province = serializers.CharField(
        source="province_code", help_text="Province code; empty for operator-wide changes."
    )
    price_before_cny = serializers.DecimalField(max_digits=10, decimal_places=2, allow_null=True)
    price_after_cny = serializers.DecimalField(max_digits=10, decimal_places=2, allow_null=True)
    per_gb_before_cny = serializers.DecimalField(max_digits=14, decimal_places=2, allow_null=True)
    per_gb_after_cny = serializers.DecimalField(max_digits=14, decimal_places=2, allow_null=True)

    class Meta:
        model = ChangeEvent
        fields = [
            "id",
            "kind",
            "kind_label",
            "changed_on",
            "recorded_at",
            "correction",
            "operator",
            "province",
            "branch_id",
            "plan_id",
            "tier_id",
            "bucket",
            "validity_days",
            "who_zh",
            "who_en",
            "subject_zh",
            "subject_en",
            "price_before_cny",
            "price_after_cny",
            "data_before_gb",
            "data_after_gb",
            "per_gb_before_cny",
            "per_gb_after_cny",
            "fields_changed",
            "title",
            "detail",
        ]

    def get_title(self, event: Mapping[str, Any]) -> str:
        return change_event_title(event)

    def get_detail(self, event: Mapping[str, Any]) -> str:
        return change_event_detail(event)
