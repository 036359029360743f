"""API shapes of indicator values and exchange rates (flat rows: CSV/XLSX columns equal the JSON keys)."""

from __future__ import annotations

from typing import Any

from rest_framework import serializers

from competition.context.models import ExchangeRate, Indicator, IndicatorValue, period_label, region_of
from core.api.rows import ComputedCharField, RowSerializer
from core.api.serializers import CodeRelatedField, DescribedModelSerializer
from operators.serializers import ProvinceCodeField, citation_field


class IndicatorValueOutputSerializer(RowSerializer, DescribedModelSerializer):
    indicator = serializers.CharField(source="indicator.code", read_only=True, help_text="Indicator code.")
    indicator_name_zh = serializers.CharField(source="indicator.name_zh", read_only=True, help_text="Indicator (zh).")
    indicator_name_en = serializers.CharField(source="indicator.name_en", read_only=True, help_text="Indicator (en).")
    indicator_kind = serializers.CharField(
        source="indicator.kind",
        read_only=True,
        help_text="figure (a number) or flag (the region is on a list; value 1).",
    )
    region = ComputedCharField(
        columns={"code": "province__code"},
        compute=lambda columns: region_of(province_code=columns["code"]),
        help_text="national, or the province's GB/T 2260 code.",
    )
    province_name_zh = serializers.CharField(
        source="province.name_zh", read_only=True, allow_null=True, default=None, help_text="Province (zh), or null."
    )
    period = ComputedCharField(
        columns={"start": "period_start", "precision": "period_precision"},
        compute=lambda columns: period_label(columns["start"], columns["precision"]),
        help_text="The period as written: 2021, 2021-Q2 or 2021-04.",
    )
    source_citation = citation_field()

    class Meta:
        model = IndicatorValue
        fields = [
            "id",
            "indicator",
            "indicator_name_zh",
            "indicator_name_en",
            "indicator_kind",
            "region",
            "province_name_zh",
            "period",
            "period_start",
            "period_precision",
            "value",
            "unit",
            "confidence",
            "source",
            "source_citation",
            "locator",
            "quote",
            "notes",
            "version",
        ]


class IndicatorValueInputSerializer(DescribedModelSerializer):
    indicator = CodeRelatedField(
        slug_field="code", queryset=Indicator.objects.all(), help_text="Indicator code, e.g. mobile_data_price_avg."
    )
    province = ProvinceCodeField(
        required=False, allow_null=True, help_text="GB/T 2260 province code, or null for a national figure."
    )
    version = serializers.IntegerField(
        required=False, min_value=1, help_text="The version the change is based on (or send If-Match)."
    )

    class Meta:
        model = IndicatorValue
        fields = [
            "indicator",
            "province",
            "period_start",
            "period_precision",
            "value",
            "unit",
            "confidence",
            "source",
            "locator",
            "quote",
            "notes",
            "version",
        ]
        validators: list[Any] = []


class ExchangeRateOutputSerializer(RowSerializer, DescribedModelSerializer):
    source_citation = citation_field()

    class Meta:
        model = ExchangeRate
        fields = [
            "id",
            "currency",
            "rate_on",
            "cny_per_unit",
            "source",
            "source_citation",
            "locator",
            "notes",
            "version",
        ]


class ExchangeRateInputSerializer(DescribedModelSerializer):
    version = serializers.IntegerField(
        required=False, min_value=1, help_text="The version the change is based on (or send If-Match)."
    )

    class Meta:
        model = ExchangeRate
        fields = ["currency", "rate_on", "cny_per_unit", "source", "locator", "notes", "version"]
        validators: list[Any] = []
