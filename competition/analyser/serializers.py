"""API shapes of the analyser, the rank sensitivity table and saved draft sets.

The analyser's input is validated by competition.analyser.validation (the page's validator too);
the input serializers here document it and, for draft sets, hand the drafts to that validator.
"""

from __future__ import annotations

from typing import Any

from django.urls import reverse
from rest_framework import serializers

from competition.analyser.models import DraftSet
from competition.analyser.validation import MAX_DRAFTS, InvalidInput, drafts_validate
from core.api.serializers import CodeRelatedField
from operators.models import Province


def money(help_text: str) -> serializers.DecimalField:
    return serializers.DecimalField(max_digits=14, decimal_places=2, allow_null=True, help_text=help_text)


class DraftInputSerializer(serializers.Serializer):
    label = serializers.CharField(  # type: ignore[assignment]  # a field named like Field.label
        required=False, allow_null=True, allow_blank=True, help_text="Your name for it."
    )
    validity_days = serializers.IntegerField(help_text="Validity in days (1 to 731).")
    price_cny = serializers.DecimalField(max_digits=10, decimal_places=2, help_text='Price in CNY, e.g. "60.00".')
    data_gb = serializers.DecimalField(
        max_digits=10, decimal_places=3, required=False, allow_null=True, help_text="Domestic data in GB; null unknown."
    )
    data_unlimited = serializers.BooleanField(required=False, allow_null=True, help_text="Unlimited data (no volume).")
    domestic_voice_min = serializers.IntegerField(
        required=False, allow_null=True, help_text="Domestic minutes; 0 none, null unknown."
    )
    intl_voice_min = serializers.IntegerField(
        required=False, allow_null=True, help_text="International minutes; 0 none, null unknown."
    )
    province = serializers.CharField(
        required=False, allow_null=True, allow_blank=True, help_text="The draft's province (GB/T 2260 code)."
    )
    operator = serializers.CharField(
        required=False, allow_null=True, allow_blank=True, help_text="The draft's operator code (cmcc, cucc …)."
    )


class AnalyserInputSerializer(serializers.Serializer):
    drafts = DraftInputSerializer(  # type: ignore[call-arg]  # ListSerializer takes min/max_length
        many=True, min_length=1, max_length=MAX_DRAFTS, help_text=f"One to {MAX_DRAFTS} draft tiers."
    )
    province = serializers.CharField(
        required=False,
        allow_null=True,
        allow_blank=True,
        help_text="Compare baskets with this province's cheapest options (default: the draft's province, "
        "else the whole market).",
    )
    as_of = serializers.DateField(
        required=False, allow_null=True, help_text="The market of this day (tiers in effect then); default today."
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
    drafts = serializers.JSONField(help_text=f"One to {MAX_DRAFTS} drafts, as the analyser takes them.")
    province = CodeRelatedField(
        slug_field="code",
        queryset=Province.objects.all(),
        required=False,
        allow_null=True,
        help_text="Province code for the baskets.",
    )
    as_of = serializers.DateField(required=False, allow_null=True, help_text="The market day; null: when opened.")
    version = serializers.IntegerField(required=False, help_text="The version the change is based on (or If-Match).")

    def validate_drafts(self, value: Any) -> list[dict[str, Any]]:
        try:
            return [draft.as_json() for draft in drafts_validate(value, field="drafts")]
        except InvalidInput as invalid:
            # Nested under the field DRF files this error on, so the body says drafts.0.price_cny.
            raise serializers.ValidationError(invalid.nested()["drafts"]) from invalid
