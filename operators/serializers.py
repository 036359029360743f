"""API shapes of the reference data: operators, provinces, branches and sources (conventions: core.api.serializers)."""

from __future__ import annotations

from typing import Any

from django.urls import reverse
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from core.api.rows import ComputedCharField, RowSerializer
from core.api.serializers import CodeRelatedField, DescribedModelSerializer
from operators.models import CITATION_FIELDS, Branch, Operator, Province, Source, source_citation


def citation_field(*, source: str = "source", help_text: str = "Citation.") -> ComputedCharField:
    """The one-line citation of a row's source (`source=""`: the row is the source), read from the
    source's columns of a `.values()` row and made by operators.models.source_citation."""
    prefix = f"{source}__" if source else ""
    return ComputedCharField(
        columns={name: prefix + name for name in CITATION_FIELDS},
        compute=lambda columns: source_citation(**columns),
        help_text=help_text,
    )


class OperatorCodeField(CodeRelatedField):
    """An operator referenced by its code (cmcc, cucc, ctcc, cbn)."""

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("help_text", "Operator code: cmcc, cucc, ctcc, cbn, ….")
        super().__init__(slug_field="code", queryset=Operator.objects.all(), **kwargs)


class ProvinceCodeField(CodeRelatedField):
    """A province referenced by its GB/T 2260 two-digit code."""

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("help_text", "GB/T 2260 two-digit province code, e.g. 11 Beijing, 31 Shanghai.")
        super().__init__(slug_field="code", queryset=Province.objects.all(), **kwargs)


class OperatorOutputSerializer(RowSerializer, DescribedModelSerializer):
    class Meta:
        model = Operator
        fields = ["id", "code", "name_zh", "name_en", "short_name_zh", "kind", "website"]


class OperatorInputSerializer(DescribedModelSerializer):
    class Meta:
        model = Operator
        fields = ["code", "name_zh", "name_en", "short_name_zh", "kind", "website"]


class ProvinceOutputSerializer(RowSerializer, DescribedModelSerializer):
    class Meta:
        model = Province
        fields = ["id", "code", "name_zh", "name_en", "region"]


class ProvinceInputSerializer(DescribedModelSerializer):
    class Meta:
        model = Province
        fields = ["code", "name_zh", "name_en", "region"]
        extra_kwargs = {
            "code": {"min_length": 2, "max_length": 2},
        }


class SourceOutputSerializer(RowSerializer, DescribedModelSerializer):
    row_columns = {"evidence": "evidence"}

    citation = citation_field(source="", help_text="One-line citation as analysts write it in reports.")
    evidence_url = serializers.SerializerMethodField(
        help_text="Where signed-in staff download the captured screenshot or PDF (uploads are never public), "
        "or null when none was uploaded. Uploaded in the admin.",
    )

    class Meta:
        model = Source
        fields = [
            "id",
            "publication",
            "publisher",
            "issue",
            "title",
            "author",
            "locator",
            "published_on",
            "url",
            "captured_on",
            "notes",
            "citation",
            "evidence_url",
        ]

    @extend_schema_field(serializers.URLField(allow_null=True))
    def get_evidence_url(self, row: dict[str, Any]) -> str | None:
        if not row["evidence"]:
            return None
        # The private download view, not the storage URL: evidence files are not served as media.
        path = reverse("source-evidence", args=[row["id"]])
        request = self.context.get("request")
        return request.build_absolute_uri(path) if request is not None else path


class SourceInputSerializer(DescribedModelSerializer):
    class Meta:
        model = Source
        fields = [
            "publication",
            "publisher",
            "issue",
            "title",
            "author",
            "locator",
            "published_on",
            "url",
            "captured_on",
            "notes",
        ]
        # The model's full_clean (in the service) reports a duplicate article by name.
        validators: list[Any] = []


class BranchOutputSerializer(RowSerializer, DescribedModelSerializer):
    operator = serializers.CharField(source="operator.code", read_only=True, help_text="Operator code, e.g. cucc.")
    operator_name_zh = serializers.CharField(
        source="operator.name_zh", read_only=True, help_text="Operator name (zh), e.g. 中国联通."
    )
    province = serializers.CharField(
        source="province.code", read_only=True, help_text="GB/T 2260 province code, e.g. 44."
    )
    province_name_zh = serializers.CharField(
        source="province.name_zh", read_only=True, help_text="Province name (zh), e.g. 广东."
    )

    class Meta:
        model = Branch
        fields = [
            "id",
            "operator",
            "operator_name_zh",
            "province",
            "province_name_zh",
            "city_zh",
            "city_en",
            "name_zh",
            "name_en",
        ]


class BranchInputSerializer(DescribedModelSerializer):
    operator = OperatorCodeField()
    province = ProvinceCodeField()

    class Meta:
        model = Branch
        fields = ["operator", "province", "city_zh", "city_en", "name_zh", "name_en"]
        validators: list[Any] = []
