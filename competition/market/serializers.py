"""API shapes of partners, launches and strategies (with their milestones and key figures)."""

from __future__ import annotations

from typing import Any

from rest_framework import serializers

from competition.market.models import KeyFigure, Launch, Partner, Strategy, StrategyMilestone
from competition.market.units import unit_label
from core.api.rows import RowSerializer
from core.api.serializers import DescribedModelSerializer
from operators.serializers import OperatorCodeField, citation_field
from plans.models import Plan


class PartnerOutputSerializer(RowSerializer, DescribedModelSerializer):
    class Meta:
        model = Partner
        fields = ["id", "name_zh", "name_en", "kind"]


class PartnerInputSerializer(DescribedModelSerializer):
    class Meta:
        model = Partner
        fields = ["name_zh", "name_en", "kind"]


class LaunchOutputSerializer(RowSerializer, DescribedModelSerializer):
    operator = serializers.CharField(source="operator.code", read_only=True, help_text="Operator code, e.g. cucc.")
    operator_name_zh = serializers.CharField(source="operator.name_zh", read_only=True, help_text="Operator name (zh).")
    branch_name = serializers.CharField(
        source="branch.name_zh",
        read_only=True,
        allow_null=True,
        default=None,
        help_text="Branch name (zh), or null for an operator-wide launch.",
    )
    province_code = serializers.CharField(
        source="branch.province.code",
        read_only=True,
        allow_null=True,
        default=None,
        help_text="GB/T 2260 code of the branch's province, or null for an operator-wide launch.",
    )
    # core.columns' names beside the first ones clients read (operator is the code, branch_name the Chinese name).
    operator_code = serializers.CharField(source="operator.code", read_only=True, help_text="Operator code, e.g. cucc.")
    operator_name_en = serializers.CharField(source="operator.name_en", read_only=True, help_text="Operator name (en).")
    branch_name_zh = serializers.CharField(
        source="branch.name_zh", read_only=True, allow_null=True, default=None, help_text="Branch name (zh), or null."
    )
    branch_name_en = serializers.CharField(
        source="branch.name_en", read_only=True, allow_null=True, default=None, help_text="Branch name (en), or null."
    )
    province_name_zh = serializers.CharField(
        source="branch.province.name_zh", read_only=True, allow_null=True, default=None, help_text="Province (zh)."
    )
    province_name_en = serializers.CharField(
        source="branch.province.name_en", read_only=True, allow_null=True, default=None, help_text="Province (en)."
    )
    partners: serializers.PrimaryKeyRelatedField[Any] = serializers.PrimaryKeyRelatedField(
        many=True, read_only=True, help_text="Partner ids."
    )
    partner_names: serializers.SlugRelatedField[Any] = serializers.SlugRelatedField(
        source="partners", slug_field="name_zh", many=True, read_only=True, help_text="Partner names (zh)."
    )
    plans: serializers.PrimaryKeyRelatedField[Any] = serializers.PrimaryKeyRelatedField(
        many=True, read_only=True, help_text="Ids of the linked plans."
    )
    source_citation = citation_field()

    class Meta:
        model = Launch
        fields = [
            "id",
            "operator",
            "operator_name_zh",
            "branch",
            "branch_name",
            "province_code",
            "operator_code",
            "operator_name_en",
            "branch_name_zh",
            "branch_name_en",
            "province_name_zh",
            "province_name_en",
            "name_zh",
            "name_en",
            "kind",
            "launched_on",
            "date_precision",
            "status",
            "partners",
            "partner_names",
            "plans",
            "summary_zh",
            "summary_en",
            "source",
            "source_citation",
        ]


class LaunchInputSerializer(DescribedModelSerializer):
    operator = OperatorCodeField()
    partners: serializers.PrimaryKeyRelatedField[Any] = serializers.PrimaryKeyRelatedField(
        many=True, queryset=Partner.objects.all(), required=False, help_text="Partner ids."
    )
    plans: serializers.PrimaryKeyRelatedField[Any] = serializers.PrimaryKeyRelatedField(
        many=True, queryset=Plan.objects.all(), required=False, help_text="Ids of the linked plans."
    )

    class Meta:
        model = Launch
        fields = [
            "operator",
            "branch",
            "name_zh",
            "name_en",
            "kind",
            "launched_on",
            "date_precision",
            "status",
            "partners",
            "plans",
            "summary_zh",
            "summary_en",
            "source",
        ]
        validators: list[Any] = []


class StrategyMilestoneOutputSerializer(RowSerializer, DescribedModelSerializer):
    class Meta:
        model = StrategyMilestone
        fields = ["id", "strategy", "happened_on", "date_precision", "status", "description_zh", "description_en"]


class StrategyMilestoneInputSerializer(DescribedModelSerializer):
    class Meta:
        model = StrategyMilestone
        fields = ["happened_on", "date_precision", "status", "description_zh", "description_en"]


class KeyFigureOutputSerializer(RowSerializer, DescribedModelSerializer):
    unit_label = serializers.SerializerMethodField(
        help_text="The unit in the reader's language (Accept-Language; English by default), e.g. "
        "100 million CNY for 亿元; `unit` keeps it as printed."
    )

    class Meta:
        model = KeyFigure
        fields = [
            "id",
            "strategy",
            "label_zh",
            "label_en",
            "amount",
            "unit",
            "unit_label",
            "as_of",
            "as_of_precision",
            "status",
        ]

    def get_unit_label(self, row: dict[str, Any]) -> str:
        return unit_label(row["unit"])


class KeyFigureInputSerializer(DescribedModelSerializer):
    class Meta:
        model = KeyFigure
        fields = ["label_zh", "label_en", "amount", "unit", "as_of", "as_of_precision", "status"]


class StrategyOutputSerializer(RowSerializer, DescribedModelSerializer):
    operator = serializers.CharField(
        source="operator.code",
        read_only=True,
        allow_null=True,
        default=None,
        help_text="Operator code, or null for an industry-wide strategy.",
    )
    operator_name_zh = serializers.CharField(
        source="operator.name_zh", read_only=True, allow_null=True, default=None, help_text="Operator name (zh)."
    )
    source_citation = citation_field()
    milestones = StrategyMilestoneOutputSerializer(
        many=True, read_only=True, help_text="Dated steps (edit under /strategies/{id}/milestones/)."
    )
    key_figures = KeyFigureOutputSerializer(
        many=True, read_only=True, help_text="Figures backing the strategy (edit under /strategies/{id}/key-figures/)."
    )

    class Meta:
        model = Strategy
        fields = [
            "id",
            "operator",
            "operator_name_zh",
            "theme",
            "title_zh",
            "title_en",
            "summary_zh",
            "summary_en",
            "source",
            "source_citation",
            "milestones",
            "key_figures",
        ]


class StrategyInputSerializer(DescribedModelSerializer):
    operator = OperatorCodeField(
        required=False, allow_null=True, help_text="Operator code, or null for an industry-wide strategy."
    )

    class Meta:
        model = Strategy
        fields = ["operator", "theme", "title_zh", "title_en", "summary_zh", "summary_en", "source"]
        validators: list[Any] = []
