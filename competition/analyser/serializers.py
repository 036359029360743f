"""API shapes of the analyser, the rank sensitivity table and saved draft sets.

The analyser's input is validated by competition.analyser.validation (the page's validator too);
the input serializers here document it and, for draft sets, hand the drafts to that validator.
"""

from __future__ import annotations

import datetime
from decimal import Decimal
from typing import Any, ClassVar

from django.urls import reverse
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from competition.analyser.models import DraftSet
from competition.analyser.validation import MAX_DRAFTS, InvalidInput, drafts_validate
from competition.benchmarks.as_of import AsOfOutOfRange, as_of_parse
from core.api.serializers import CodeRelatedField
from operators.models import Province
from plans.models import Tier


def money(help_text: str) -> serializers.DecimalField:
    return serializers.DecimalField(max_digits=14, decimal_places=2, allow_null=True, help_text=help_text)


class DraftInputSerializer(serializers.Serializer):
    """A draft tier: figures a tier could have, measured against the market without joining it."""

    # Documents what validation.drafts_validate takes (the one validator, page and API); it validates.
    # What the validator refuses that no one field can say: an unknown field, unlimited data with a volume.
    schema_rules: ClassVar[dict[str, Any]] = {
        "additionalProperties": False,
        "not": {
            "required": ["data_unlimited", "data_gb"],
            "properties": {"data_unlimited": {"enum": [True]}, "data_gb": {"type": "string"}},
        },
    }

    label = serializers.CharField(  # type: ignore[assignment]  # a field named like Field.label
        required=False, allow_null=True, allow_blank=True, max_length=60, help_text="Your name for it."
    )
    validity_days = serializers.IntegerField(
        min_value=1,
        max_value=Tier.MAX_VALIDITY_DAYS,
        help_text=f"Validity in days (1 to {Tier.MAX_VALIDITY_DAYS}).",
    )
    price_cny = serializers.DecimalField(
        max_digits=10, decimal_places=2, min_value=Decimal("0"), help_text='Price in CNY, e.g. "60.00".'
    )
    data_gb = serializers.DecimalField(
        max_digits=10,
        decimal_places=3,
        min_value=Decimal("0.001"),
        required=False,
        allow_null=True,
        help_text="Domestic data in GB, more than 0; null unknown (and with unlimited data).",
    )
    data_unlimited = serializers.BooleanField(required=False, allow_null=True, help_text="Unlimited data (no volume).")
    domestic_voice_min = serializers.IntegerField(
        required=False, allow_null=True, min_value=0, help_text="Domestic minutes; 0 none, null unknown."
    )
    intl_voice_min = serializers.IntegerField(
        required=False, allow_null=True, min_value=0, help_text="International minutes; 0 none, null unknown."
    )
    province = serializers.CharField(
        required=False,
        allow_null=True,
        allow_blank=True,
        max_length=6,
        help_text="The draft's province (GB/T 2260 code); an unknown code is a 404.",
    )
    operator = serializers.CharField(
        required=False,
        allow_null=True,
        allow_blank=True,
        max_length=16,
        help_text="The draft's operator code (cmcc, cucc …); an unknown code is a 404.",
    )


@extend_schema_field(
    DraftInputSerializer(many=True, min_length=1, max_length=MAX_DRAFTS)  # type: ignore[call-arg]
)
class DraftsField(serializers.JSONField):
    """The drafts of the analyser and of a draft set: documented as a list of DraftInput, validated by
    `validation.drafts_validate` (the page's validator too), so every door says the same words."""

    def to_internal_value(self, data: Any) -> list[dict[str, Any]]:
        try:
            return [draft.as_json() for draft in drafts_validate(data, field="drafts")]
        except InvalidInput as invalid:
            # Nested under the field DRF files this error on, so the body says drafts.0.price_cny.
            raise serializers.ValidationError(invalid.nested()["drafts"]) from invalid


class AsOfField(serializers.DateField):
    """A market day read by `as_of_parse` (every page's and endpoint's parser): the same words for a bad one.

    A well-formed day with no market (after today, before 2000) names nothing the data holds: a 404.
    """

    def to_internal_value(self, value: Any) -> datetime.date:
        try:
            return as_of_parse(value if isinstance(value, str) and value else "?")
        except AsOfOutOfRange as error:
            raise serializers.ValidationError(str(error), code="does_not_exist") from error
        except ValueError as error:
            raise serializers.ValidationError(str(error)) from error


AS_OF_HELP = "A day after today or before 2000-01-01 has no market to compare with: a 404 naming as_of."


class AnalyserInputSerializer(serializers.Serializer):
    drafts = DraftsField(help_text=f"One to {MAX_DRAFTS} draft tiers.")
    province = serializers.CharField(
        required=False,
        allow_null=True,
        allow_blank=True,
        max_length=6,
        help_text="Compare baskets with this province's cheapest options (default: the draft's province, "
        "else the whole market); an unknown code is a 404.",
    )
    as_of = AsOfField(
        required=False,
        allow_null=True,
        help_text="The market of this day (tiers in effect then); default today. " + AS_OF_HELP,
    )


class TierRefSerializer(serializers.Serializer):
    tier_id = serializers.IntegerField(help_text="The market tier.")
    plan_id = serializers.IntegerField(help_text="Its plan.")
    province_code = serializers.CharField(help_text="Its province code.")
    operator_code = serializers.CharField(help_text="Its operator code.")
    branch_name_zh = serializers.CharField(help_text="Its branch.")
    plan_name_zh = serializers.CharField(help_text="Its plan's name.")
    validity_days = serializers.IntegerField(help_text="Its validity.")
    price_cny = money("Its price.")


class NeighbourSerializer(TierRefSerializer):
    value_cny = money("Its value under the metric (CNY per GB, per day or per 30 days).")
    tied_count = serializers.IntegerField(help_text="Market tiers with exactly this value (the cheapest is shown).")


class MetricPositionSerializer(serializers.Serializer):
    value_cny = money("The draft's value; null when undefined (per GB without a data volume).")
    rank = serializers.IntegerField(
        allow_null=True, help_text="1 + the market tiers of its bucket strictly cheaper; ties share."
    )
    index = serializers.DecimalField(
        max_digits=14, decimal_places=2, allow_null=True, help_text="100 x value / the market median (without it)."
    )
    market_median_cny = money("The bucket's market median (without the draft).")
    market_sample_count = serializers.IntegerField(help_text="Market tiers ranked by this metric in the bucket.")
    cheaper_neighbour = NeighbourSerializer(allow_null=True, help_text="The nearest strictly cheaper market tier.")
    dearer_neighbour = NeighbourSerializer(allow_null=True, help_text="The nearest strictly dearer market tier.")


class MetricsSerializer(serializers.Serializer):
    per_gb = MetricPositionSerializer()
    per_day = MetricPositionSerializer()
    per_30_days = MetricPositionSerializer()


class MarketOptionSerializer(TierRefSerializer):
    repeats = serializers.IntegerField(help_text="How many times the tier is bought to span the stay.")


class BasketPositionSerializer(serializers.Serializer):
    profile = serializers.CharField(help_text="The basket's slug.")
    name = serializers.CharField(help_text="The visitor profile.")
    covers = serializers.BooleanField(help_text="Whether the draft (bought `repeats` times) covers it.")
    repeats = serializers.IntegerField(help_text="ceil(stay / the draft's validity).")
    draft_cost_cny = money("repeats x the draft's price; null when it does not cover the profile.")
    market_cost_cny = money("The cheapest market cover in the province (or the whole market).")
    market_option = MarketOptionSerializer(allow_null=True, help_text="The market tier behind that cost.")
    difference_cny = money("draft_cost_cny - market_cost_cny.")
    index = serializers.DecimalField(
        max_digits=14, decimal_places=2, allow_null=True, help_text="100 x draft cost / market cost."
    )


class DraftPositionSerializer(serializers.Serializer):
    draft = DraftInputSerializer(help_text="The draft as validated.")
    bucket = serializers.CharField(help_text="Its validity bucket (1-7, 8-14, 15-29, 30+).")
    price_per_gb_cny = money("Its CNY per GB; null when undefined.")
    per_gb_undefined_reason = serializers.CharField(allow_null=True, help_text="Why per GB is undefined.")
    price_per_day_cny = money("Its CNY per day.")
    price_per_30_days_cny = money("Its price per 30 days.")
    rank = serializers.IntegerField(allow_null=True, help_text="Its per-GB rank in the bucket (1 = cheapest).")
    index = serializers.DecimalField(
        max_digits=14, decimal_places=2, allow_null=True, help_text="100 x its per GB / the market median per GB."
    )
    market_median_per_gb_cny = money("The bucket's market median per GB, without the draft.")
    market_sample_count = serializers.IntegerField(help_text="Market tiers ranked per GB in the bucket.")
    cheaper_neighbour = NeighbourSerializer(allow_null=True, help_text="The nearest strictly cheaper tier per GB.")
    dearer_neighbour = NeighbourSerializer(allow_null=True, help_text="The nearest strictly dearer tier per GB.")
    metrics = MetricsSerializer(help_text="The same per GB, per day and per 30 days.")
    basket_province = serializers.CharField(allow_null=True, help_text="The province its baskets are compared in.")
    baskets = BasketPositionSerializer(many=True, help_text="Its cost in each basket against the market.")


class AnalyserOutputSerializer(serializers.Serializer):
    as_of = serializers.DateField(help_text="The day whose market the drafts were measured against.")
    province = serializers.CharField(allow_blank=True, help_text="The province asked for (empty: none).")
    drafts = DraftPositionSerializer(many=True, help_text="One answer per draft, in the order given.")


# --------------------------------------------------------------------------- sensitivity


class SensitivityRowSerializer(TierRefSerializer):
    ranks = serializers.DictField(
        child=serializers.IntegerField(allow_null=True),
        help_text="Rank under per_gb, per_day, per_30_days and each basket slug; null where not rankable.",
    )
    rank_spread = serializers.IntegerField(allow_null=True, help_text="Worst minus best of its ranks.")


class SensitivityPageSerializer(serializers.Serializer):
    bucket = serializers.CharField(help_text="The validity bucket.")
    as_of = serializers.DateField(help_text="The day whose tiers in effect are ranked.")
    metrics = serializers.ListField(child=serializers.CharField(), help_text="The keys of `ranks`, in order.")
    count = serializers.IntegerField(help_text="Rows in the bucket.")
    next = serializers.URLField(allow_null=True, help_text="The next page.")
    previous = serializers.URLField(allow_null=True, help_text="The previous page.")
    results = SensitivityRowSerializer(many=True, help_text="Largest rank spread first.")


# --------------------------------------------------------------------------- draft sets


class DraftSetOutputSerializer(serializers.ModelSerializer):
    owner = serializers.CharField(source="owner.get_username", help_text="Who saved it (only they may change it).")
    province = serializers.CharField(source="province.code", allow_null=True, default=None, help_text="Province code.")
    drafts = DraftInputSerializer(many=True, help_text="The saved drafts.")
    share_url = serializers.SerializerMethodField(help_text="Any logged-in user may open this link (read-only).")

    class Meta:
        model = DraftSet
        fields = [
            "id",
            "name",
            "owner",
            "drafts",
            "province",
            "as_of",
            "share_token",
            "share_url",
            "version",
            "created_at",
            "updated_at",
        ]
        extra_kwargs = {
            "id": {"help_text": "Numeric id."},
            "name": {"help_text": "Your name for the set (unique among yours)."},
            "as_of": {"help_text": "The market day it is analysed against; null: the day it is opened."},
            "share_token": {"help_text": "The token of the share link."},
            "version": {"help_text": "Raised by every change; send it back (If-Match) to change the set."},
            "created_at": {"help_text": "When it was saved first."},
            "updated_at": {"help_text": "When it was last changed."},
        }

    def get_share_url(self, instance: DraftSet) -> str:
        return reverse("compare:analyser-shared", kwargs={"token": instance.share_token})


class DraftSetInputSerializer(serializers.Serializer):
    name = serializers.CharField(max_length=100, help_text="Your name for the set (unique among yours).")
    drafts = DraftsField(help_text=f"One to {MAX_DRAFTS} drafts, as the analyser takes them.")
    province = CodeRelatedField(
        slug_field="code",
        queryset=Province.objects.all(),
        required=False,
        allow_null=True,
        help_text="Province code for the baskets.",
    )
    as_of = AsOfField(required=False, allow_null=True, help_text="The market day; null: when opened. " + AS_OF_HELP)
    version = serializers.IntegerField(required=False, help_text="The version the change is based on (or If-Match).")
