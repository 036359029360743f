"""API shapes of perks, plans and price tiers.

Tier rows carry the computed prices of DOMAIN.md, rounded half-up to cents by
plans.pricing.round_cny and written as decimal strings: price_per_gb_cny (null, with
price_per_gb_undefined_reason, when data is unknown or unlimited), price_per_day_cny and
price_per_30_days_cny.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.utils import timezone
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from core.api.rows import RowSerializer
from core.api.serializers import DescribedModelSerializer, StrictCharField
from operators.models import CITATION_FIELDS, Source, source_citation
from operators.serializers import citation_field
from plans import pricing
from plans.models import Perk, Plan, Tier
from plans.periods import period_status
from plans.services import TIER_EDITABLE_FIELDS


def money(amount: Decimal | None) -> str | None:
    return None if amount is None else str(pricing.round_cny(amount))


class PerkOutputSerializer(RowSerializer, DescribedModelSerializer):
    class Meta:
        model = Perk
        fields = ["id", "name_zh", "name_en", "category", "description"]


class PerkInputSerializer(DescribedModelSerializer):
    class Meta:
        model = Perk
        fields = ["name_zh", "name_en", "category", "description"]


class PlanOutputSerializer(RowSerializer, DescribedModelSerializer):
    branch_name = serializers.CharField(source="branch.name_zh", read_only=True, help_text="Branch name (zh).")
    branch_name_en = serializers.CharField(source="branch.name_en", read_only=True, help_text="Branch name (en).")
    # core.columns' names beside the first ones clients read (branch_name is the Chinese name).
    branch_name_zh = serializers.CharField(source="branch.name_zh", read_only=True, help_text="Branch name (zh).")
    province_name_zh = serializers.CharField(
        source="branch.province.name_zh", read_only=True, help_text="Province name (zh), e.g. 上海."
    )
    province_name_en = serializers.CharField(
        source="branch.province.name_en", read_only=True, help_text="Province name (en), e.g. Shanghai."
    )
    operator_code = serializers.CharField(source="branch.operator.code", read_only=True, help_text="Operator code.")
    province_code = serializers.CharField(
        source="branch.province.code", read_only=True, help_text="GB/T 2260 province code."
    )
    perks: serializers.PrimaryKeyRelatedField[Any] = serializers.PrimaryKeyRelatedField(
        many=True, read_only=True, help_text="Ids of the bundled perks."
    )
    perk_names: serializers.SlugRelatedField[Any] = serializers.SlugRelatedField(
        source="perks", slug_field="name_zh", many=True, read_only=True, help_text="Names (zh) of the bundled perks."
    )
    validity_options_days = serializers.ListField(
        child=serializers.IntegerField(), read_only=True, help_text="Validities the source names, priced or not."
    )
    source_citation = citation_field()

    class Meta:
        model = Plan
        fields = [
            "id",
            "branch",
            "branch_name",
            "branch_name_en",
            "operator_code",
            "province_code",
            "branch_name_zh",
            "province_name_zh",
            "province_name_en",
            "name_zh",
            "name_en",
            "segment",
            "perks",
            "perk_names",
            "validity_options_days",
            "launched_on",
            "withdrawn_on",
            "source",
            "source_citation",
            "notes",
            "version",
        ]


def version_field() -> serializers.IntegerField:
    """The version an update is based on, as an alternative to the If-Match header."""
    return serializers.IntegerField(
        write_only=True,
        required=False,
        min_value=1,
        help_text="On update or delete: the version (from GET, or the ETag) the change is based on. Give it "
        "here or as If-Match; a stale version is refused with 412, none with 428.",
    )


def reason_field() -> serializers.CharField:
    return StrictCharField(
        write_only=True,
        required=False,
        allow_blank=True,
        max_length=500,
        help_text="Why the data changes; kept in the audit trail (the audit export's reason column).",
    )


class PlanInputSerializer(DescribedModelSerializer):
    perks: serializers.PrimaryKeyRelatedField[Any] = serializers.PrimaryKeyRelatedField(
        many=True, queryset=Perk.objects.all(), required=False, help_text="Ids of the bundled perks."
    )
    validity_options_days = serializers.ListField(
        child=serializers.IntegerField(min_value=1, max_value=3660),
        required=False,
        max_length=50,
        help_text="Validities (days) the source names, priced or not, e.g. [7, 10, 15, 30].",
    )
    version = version_field()
    reason = reason_field()

    class Meta:
        model = Plan
        fields = [
            "branch",
            "name_zh",
            "name_en",
            "segment",
            "perks",
            "validity_options_days",
            "launched_on",
            "withdrawn_on",
            "source",
            "notes",
            "version",
            "reason",
        ]
        # The service's full_clean reports a duplicate name in the branch and date order by field.
        validators: list[Any] = []


def cny_field(*, allow_null: bool = False) -> serializers.DecimalField:
    """The schema type of a computed CNY amount: a decimal string with two places."""
    return serializers.DecimalField(max_digits=14, decimal_places=2, coerce_to_string=True, allow_null=allow_null)


class TierOutputSerializer(RowSerializer, DescribedModelSerializer):
    # Rows are `.values()` dicts (core.api.rows): the method fields compute from the row's columns
    # with the same pure functions the model uses (plans.pricing, plans.periods).
    row_columns = {
        "plan_launched_on": "plan__launched_on",
        "plan_withdrawn_on": "plan__withdrawn_on",
        **{f"source_{name}": f"source__{name}" for name in CITATION_FIELDS},
    }

    plan_name = serializers.CharField(source="plan.name_zh", read_only=True, help_text="Plan name (zh), e.g. 熊猫卡.")
    plan_name_en = serializers.CharField(source="plan.name_en", read_only=True, help_text="Plan name (en).")
    branch_name = serializers.CharField(
        source="plan.branch.name_zh", read_only=True, help_text="Branch name (zh), e.g. 上海移动."
    )
    branch_name_en = serializers.CharField(source="plan.branch.name_en", read_only=True, help_text="Branch name (en).")
    # core.columns' names beside the first ones clients read (plan_name and branch_name are the Chinese names).
    plan_name_zh = serializers.CharField(source="plan.name_zh", read_only=True, help_text="Plan name (zh).")
    branch_name_zh = serializers.CharField(source="plan.branch.name_zh", read_only=True, help_text="Branch name (zh).")
    province_name_zh = serializers.CharField(
        source="plan.branch.province.name_zh", read_only=True, help_text="Province name (zh), e.g. 上海."
    )
    province_name_en = serializers.CharField(
        source="plan.branch.province.name_en", read_only=True, help_text="Province name (en), e.g. Shanghai."
    )
    operator_code = serializers.CharField(
        source="plan.branch.operator.code", read_only=True, help_text="Operator code: cmcc, cucc, ctcc, cbn."
    )
    province_code = serializers.CharField(
        source="plan.branch.province.code", read_only=True, help_text="GB/T 2260 province code, e.g. 31."
    )
    price_per_gb_cny = serializers.SerializerMethodField(
        help_text="price / data in CNY per GB, half-up to cents; null when data is unknown or unlimited."
    )
    price_per_gb_undefined_reason = serializers.SerializerMethodField(
        help_text="Why price_per_gb_cny is null (data_unknown, data_unlimited, data_zero), else null."
    )
    price_per_day_cny = serializers.SerializerMethodField(help_text="price / validity_days, half-up to cents.")
    price_per_30_days_cny = serializers.SerializerMethodField(
        help_text="price × 30 / validity_days (ITU/OECD validity normalisation), half-up to cents."
    )
    validity_bucket = serializers.SerializerMethodField(help_text="Bucket of comparable tiers: 1-7, 8-14, 15-29, 30+.")
    is_current = serializers.SerializerMethodField(
        help_text="True when the tier is in effect today: started, not ended, and its plan on sale. "
        "A future-dated price is false until its day.",
    )
    status = serializers.SerializerMethodField(
        help_text="Today: scheduled (starts later; an upcoming price), in_effect, or ended.",
    )
    source_citation = serializers.SerializerMethodField(help_text="Citation.")
    # From the review in force (plans.selectors.tier_list): an approval of the current figures.
    reviewed_by = serializers.CharField(
        source="reviewed_by_username",
        read_only=True,
        allow_null=True,
        default=None,
        help_text="Username of the second analyst who approved the tier's current figures; null when never "
        "reviewed or when a later change voided the review.",
    )
    reviewed_at = serializers.DateTimeField(
        source="review_reviewed_at",
        read_only=True,
        allow_null=True,
        default=None,
        help_text="When the review in force was given, or null.",
    )

    class Meta:
        model = Tier
        fields = [
            "id",
            "plan",
            "plan_name",
            "plan_name_en",
            "branch_name",
            "branch_name_en",
            "operator_code",
            "province_code",
            "plan_name_zh",
            "branch_name_zh",
            "province_name_zh",
            "province_name_en",
            "validity_days",
            "price_cny",
            "data_gb",
            "data_unlimited",
            "domestic_voice_min",
            "intl_voice_min",
            "intl_discount_cap_cny",
            "price_per_gb_cny",
            "price_per_gb_undefined_reason",
            "price_per_day_cny",
            "price_per_30_days_cny",
            "validity_bucket",
            "confidence",
            "is_promotional",
            "price_qualifier",
            "effective_from",
            "effective_to",
            "is_current",
            "status",
            "source",
            "source_citation",
            "notes",
            "reviewed_by",
            "reviewed_at",
            "version",
        ]

    @staticmethod
    def _per_gb(row: dict[str, Any]) -> pricing.PerGb:
        # Two columns read it: computed once per row (the row dict is the serializer's own copy).
        if "_per_gb" not in row:
            row["_per_gb"] = pricing.price_per_gb(
                price_cny=row["price_cny"], data_gb=row["data_gb"], data_unlimited=row["data_unlimited"]
            )
        return row["_per_gb"]

    @extend_schema_field(cny_field(allow_null=True))
    def get_price_per_gb_cny(self, row: dict[str, Any]) -> str | None:
        return money(self._per_gb(row).value)

    @extend_schema_field(
        serializers.ChoiceField(choices=[reason.value for reason in pricing.PerGbUndefined], allow_null=True)
    )
    def get_price_per_gb_undefined_reason(self, row: dict[str, Any]) -> str | None:
        reason = self._per_gb(row).undefined_reason
        return None if reason is None else reason.value

    @extend_schema_field(cny_field())
    def get_price_per_day_cny(self, row: dict[str, Any]) -> str | None:
        return money(pricing.price_per_day(price_cny=row["price_cny"], validity_days=row["validity_days"]))

    @extend_schema_field(cny_field())
    def get_price_per_30_days_cny(self, row: dict[str, Any]) -> str | None:
        return money(pricing.price_per_30_days(price_cny=row["price_cny"], validity_days=row["validity_days"]))

    @extend_schema_field(serializers.ChoiceField(choices=list(pricing.BUCKET_LABELS)))
    def get_validity_bucket(self, row: dict[str, Any]) -> str:
        return pricing.validity_bucket(row["validity_days"])

    def _status(self, row: dict[str, Any]) -> str:
        if "_status" not in row:
            row["_status"] = period_status(
                on=self.context.get("today") or timezone.localdate(),
                effective_from=row["effective_from"],
                effective_to=row["effective_to"],
                launched_on=row["plan_launched_on"],
                withdrawn_on=row["plan_withdrawn_on"],
            ).value
        return row["_status"]

    @extend_schema_field(serializers.BooleanField())
    def get_is_current(self, row: dict[str, Any]) -> bool:
        return self._status(row) == Tier.Status.IN_EFFECT

    @extend_schema_field(serializers.ChoiceField(choices=Tier.Status.choices))
    def get_status(self, row: dict[str, Any]) -> str:
        return self._status(row)

    @extend_schema_field(serializers.CharField())
    def get_source_citation(self, row: dict[str, Any]) -> str:
        return source_citation(**{name: row[f"source_{name}"] for name in CITATION_FIELDS})


class TierInputSerializer(DescribedModelSerializer):
    source = serializers.PrimaryKeyRelatedField(  # type: ignore[assignment]  # a field named like Field.source
        queryset=Source.objects.all(),
        required=False,
        help_text="Source id; defaults to the plan's source when left out on create. A price or allowance "
        "change of a tier that has not ended is a new observation and must name its source.",
    )
    effective_on = serializers.DateField(
        write_only=True,
        required=False,
        help_text="On update: the day a changed price or allowance takes effect (default today; a future day "
        "schedules it). The tier is closed that day and a new tier starts; the response is the new tier.",
    )
    version = version_field()
    reason = reason_field()
    correction = serializers.BooleanField(
        write_only=True,
        required=False,
        default=False,
        help_text="On update: true fixes a wrongly recorded figure in place (also of a tier that has ended) "
        "instead of starting a new price; needs a reason.",
    )

    class Meta:
        model = Tier
        fields = [*TIER_EDITABLE_FIELDS, "effective_on", "version", "reason", "correction"]
        # Periods of one plan and validity never overlap: the model reports an overlap under effective_from.
        validators: list[Any] = []
