"""Watches, notifications and delivery settings in the API."""

from __future__ import annotations

from rest_framework import serializers

from competition.changes.serializers import ChangeEventOutputSerializer
from competition.watching.models import Notification, Watch, WatchingSettings
from competition.watching.text import notification_detail, notification_title
from operators.models import Branch, Operator, Province
from plans.models import Plan
from plans.pricing import BUCKET_LABELS


class WatchOutputSerializer(serializers.ModelSerializer):
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
    condition = serializers.ChoiceField(choices=Watch.Condition.choices, default=Watch.Condition.ANY_CHANGE)
    operator = serializers.SlugRelatedField(
        slug_field="code", queryset=Operator.objects.all(), required=False, allow_null=True, help_text="Operator code."
    )
    province = serializers.SlugRelatedField(
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


class NotificationOutputSerializer(serializers.ModelSerializer):
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

    def get_title(self, notification: Notification) -> str:
        return notification_title(notification)

    def get_detail(self, notification: Notification) -> str:
        return notification_detail(notification)

    def get_unread(self, notification: Notification) -> bool:
        return notification.read_at is None


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
