"""Watches, notifications and delivery settings in the API."""

from __future__ import annotations

from collections.abc import Mapping
from decimal import Decimal
from typing import Any, ClassVar

from drf_spectacular.utils import PolymorphicProxySerializer, extend_schema_field
from rest_framework import serializers

from competition.changes.serializers import ChangeEventOutputSerializer
from competition.watching.models import Notification, Watch, WatchingSettings
from competition.watching.text import notification_detail, notification_title
from core.api.rows import RowSerializer
from core.api.serializers import CodeRelatedField
from operators.models import Branch, Operator, Province
from plans.models import Plan
from plans.pricing import BUCKET_LABELS


class WatchOutputSerializer(RowSerializer, serializers.ModelSerializer):
    # Rows are `.values()` dicts (core.api.rows): codes and ids read from the joined columns.
    operator: serializers.SlugRelatedField = serializers.SlugRelatedField(
        slug_field="code", read_only=True, allow_null=True
    )
    province: serializers.SlugRelatedField = serializers.SlugRelatedField(
        slug_field="code", read_only=True, allow_null=True
    )
    threshold_cny = serializers.DecimalField(max_digits=10, decimal_places=2, allow_null=True, read_only=True)

    class Meta:
        model = Watch
        fields = ["id", "condition", "operator", "province", "branch", "plan", "bucket", "threshold_cny", "created_at"]


class WatchInputSerializer(serializers.Serializer):
    """What POST /watches/ reads; Watch.clean then says what each condition needs (page and API alike).

    The schema documents the body as one of three shapes, one per condition (`watch_input_schema`),
    which restate Watch.clean for clients; this serializer and the model still validate.
    """

    condition = serializers.ChoiceField(choices=Watch.Condition.choices, default=Watch.Condition.ANY_CHANGE)
    operator = CodeRelatedField(
        slug_field="code", queryset=Operator.objects.all(), required=False, allow_null=True, help_text="Operator code."
    )
    province = CodeRelatedField(
        slug_field="code", queryset=Province.objects.all(), required=False, allow_null=True, help_text="Province code."
    )
    branch = serializers.PrimaryKeyRelatedField(queryset=Branch.objects.all(), required=False, allow_null=True)
    plan = serializers.PrimaryKeyRelatedField(queryset=Plan.objects.all(), required=False, allow_null=True)
    # Checked by Watch.clean (the one message for the page and the API); its labels are the tiers' buckets.
    bucket = serializers.CharField(
        required=False, allow_blank=True, max_length=8, help_text="Validity bucket: " + ", ".join(BUCKET_LABELS) + "."
    )
    threshold_cny = serializers.DecimalField(
        max_digits=10,
        decimal_places=2,
        required=False,
        allow_null=True,
        help_text='For "cheapest_below": the price per GB (CNY) to watch for, e.g. "2.50".',
    )


# --------------------------------------------------------------------------- the schema's three shapes
# Watch.clean, stated per condition for the schema (documentation only: nothing below validates).

BUCKET_SCHEMA = {"type": "string", "enum": list(BUCKET_LABELS)}


def _described(schema: dict[str, Any], *, required: bool = True, help_text: str) -> serializers.Field:
    """A field the schema shows as `schema` (inline, so no enum component per shape)."""
    field_class = extend_schema_field(schema)(type("DescribedField", (serializers.Field,), {}))
    return field_class(required=required, help_text=help_text)


def _no_value(help_text: str) -> serializers.Field:
    """A field this shape of watch does not take: null or left out."""
    # `not: {}` matches no value, so with `nullable` only null (an enum of null would become a component).
    return _described({"nullable": True, "not": {}}, required=False, help_text=help_text)


def _condition(condition: str, *, required: bool = True) -> serializers.Field:
    return _described({"type": "string", "pattern": f"^{condition}$"}, required=required, help_text=f"{condition}.")


def _code(name: str) -> CodeRelatedField:
    model = Operator if name == "operator" else Province
    return CodeRelatedField(
        slug_field="code",
        queryset=model.objects.all(),
        required=False,
        allow_null=True,
        help_text=f"{name.capitalize()} code; an unknown code is a 404.",
    )


class AnyChangeWatchInputSerializer(serializers.Serializer):
    """Any change where every dimension named matches: name at least one of them."""

    schema_rules: ClassVar[dict[str, Any]] = {
        "anyOf": [
            {"required": ["operator"], "properties": {"operator": {"type": "string", "minLength": 1}}},
            {"required": ["province"], "properties": {"province": {"type": "string", "minLength": 1}}},
            {"required": ["branch"], "properties": {"branch": {"type": "integer"}}},
            {"required": ["plan"], "properties": {"plan": {"type": "integer"}}},
            {"required": ["bucket"], "properties": {"bucket": BUCKET_SCHEMA}},
        ]
    }

    condition = _condition(Watch.Condition.ANY_CHANGE, required=False)
    operator = _code("operator")
    province = _code("province")
    branch = serializers.PrimaryKeyRelatedField(
        queryset=Branch.objects.all(),
        required=False,
        allow_null=True,
        help_text="Branch id; a branch of another operator than `operator` is none of its branches: a 404.",
    )
    plan = serializers.PrimaryKeyRelatedField(
        queryset=Plan.objects.all(), required=False, allow_null=True, help_text="Plan id."
    )
    bucket = _described(
        {"type": "string", "enum": [*BUCKET_LABELS, ""]}, required=False, help_text="Validity bucket; empty: any."
    )
    threshold_cny = _no_value("Only a cheapest_below watch takes a threshold.")


class CheapestBelowWatchInputSerializer(serializers.Serializer):
    """The cheapest per GB of a bucket (of an operator, in a province) falls below a threshold."""

    condition = _condition(Watch.Condition.CHEAPEST_BELOW)
    operator = _code("operator")
    province = _code("province")
    branch = _no_value("A threshold watch compares operators or provinces.")
    plan = _no_value("A threshold watch compares operators or provinces.")
    bucket = _described(BUCKET_SCHEMA, help_text="Validity bucket.")
    threshold_cny = serializers.DecimalField(
        max_digits=10,
        decimal_places=2,
        min_value=Decimal("0.01"),
        help_text='The price per GB (CNY) to watch for, more than 0, e.g. "2.50".',
    )


class RankOneChangesWatchInputSerializer(serializers.Serializer):
    """The rank-1 tier of a bucket (of an operator, in a province) changes."""

    condition = _condition(Watch.Condition.RANK_ONE_CHANGES)
    operator = _code("operator")
    province = _code("province")
    branch = _no_value("A threshold watch compares operators or provinces.")
    plan = _no_value("A threshold watch compares operators or provinces.")
    bucket = _described(BUCKET_SCHEMA, help_text="Validity bucket.")
    threshold_cny = _no_value("Only a cheapest_below watch takes a threshold.")


WATCH_INPUT_SCHEMA = PolymorphicProxySerializer(
    component_name="WatchInput",
    serializers=[AnyChangeWatchInputSerializer, CheapestBelowWatchInputSerializer, RankOneChangesWatchInputSerializer],
    resource_type_field_name=None,
)


class NotificationOutputSerializer(RowSerializer, serializers.ModelSerializer):
    # Rows are `.values()` dicts (core.api.rows); the change is joined into the same row, and the
    # words come from competition.watching.text, which reads a row as it reads a notification.
    title = serializers.SerializerMethodField(help_text="The notification in words, in the request's language.")
    detail = serializers.SerializerMethodField()
    change = ChangeEventOutputSerializer(read_only=True, allow_null=True)
    unread = serializers.SerializerMethodField()

    class Meta:
        model = Notification
        fields = [
            "id",
            "condition",
            "watch",
            "change",
            "run_id",
            "payload",
            "title",
            "detail",
            "created_at",
            "read_at",
            "unread",
        ]

    def get_title(self, notification: Mapping[str, Any]) -> str:
        return notification_title(notification)

    def get_detail(self, notification: Mapping[str, Any]) -> str:
        return notification_detail(notification)

    def get_unread(self, notification: Mapping[str, Any]) -> bool:
        return notification["read_at"] is None


class MarkReadInputSerializer(serializers.Serializer):
    ids = serializers.ListField(
        child=serializers.IntegerField(min_value=1, max_value=2**63 - 1),
        required=False,
        max_length=1000,
        help_text="The notifications to mark read; leave out to mark every unread one.",
    )


class MarkReadOutputSerializer(serializers.Serializer):
    marked = serializers.IntegerField(help_text="How many notifications changed from unread to read.")
    unread = serializers.IntegerField(help_text="How many stay unread.")


class WatchingSettingsSerializer(serializers.ModelSerializer):
    feed_url = serializers.SerializerMethodField(help_text="Your private Atom feed of changes (contains the secret).")

    class Meta:
        model = WatchingSettings
        fields = ["email_delivery", "feed_url", "feed_secret_rotated_at"]
        read_only_fields = ["feed_url", "feed_secret_rotated_at"]
        extra_kwargs = {"email_delivery": {"required": True}}  # the one writable field: a PATCH names it

    def get_feed_url(self, settings: WatchingSettings) -> str:
        from django.urls import reverse

        path = reverse("compare:change-feed", args=[settings.user_id, settings.feed_secret])
        request = self.context.get("request")
        return request.build_absolute_uri(path) if request is not None else path
