"""A user's own watches, notifications and delivery settings under /api/v1/.

Watching is a per-user preference: any logged-in user (a viewer too) lists, creates and deletes
their own watches and marks their own notifications read; another user's rows are a 404.
"""

from __future__ import annotations

from typing import Any, cast

import django_filters
from django.contrib.auth.models import User
from django.db.models import QuerySet
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import status
from rest_framework.permissions import IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response

from competition.watching import selectors, services
from competition.watching.models import Notification, Watch
from competition.watching.serializers import (
    WATCH_INPUT_SCHEMA,
    MarkReadInputSerializer,
    MarkReadOutputSerializer,
    NotificationOutputSerializer,
    WatchingSettingsSerializer,
    WatchInputSerializer,
    WatchOutputSerializer,
)
from core.api.base import BaseApi, DetailApi, ListCreateApi
from core.filters import StrictBooleanFilter


class OwnRowsApi(BaseApi):
    """An API of the logged-in user's own rows (IsAuthenticated: any logged-in user, viewers too)."""

    permission_classes = [IsAuthenticated]

    @property
    def owner(self) -> User:
        return cast(User, self.request.user)

    @property
    def documenting(self) -> bool:
        """drf-spectacular builds the schema with an anonymous fake request: no rows to read."""
        return bool(getattr(self, "swagger_fake_view", False))


@extend_schema_view(post=extend_schema(request=WATCH_INPUT_SCHEMA))
class WatchListApi(OwnRowsApi, ListCreateApi):
    """Your watches; POST adds one (`condition` any_change, cheapest_below with `threshold_cny`, rank_one_changes)."""

    permission_classes = [IsAuthenticated]
    output_serializer_class = WatchOutputSerializer
    input_serializer_class = WatchInputSerializer
    filter_backends: list[Any] = []
    export_basename = "watches"

    def get_queryset(self) -> QuerySet[Watch]:
        return Watch.objects.none() if self.documenting else selectors.watch_list(user=self.owner)

    def perform_create(self, data: dict[str, Any]) -> Watch:
        return services.watch_create(user=self.owner, **{k: v for k, v in data.items() if v not in (None, "")})


class WatchDetailApi(OwnRowsApi, DetailApi):
    """One of your watches; DELETE stops watching."""

    permission_classes = [IsAuthenticated]
    http_method_names = ["get", "delete", "head", "options"]
    output_serializer_class = WatchOutputSerializer

    def get_queryset(self) -> QuerySet[Watch]:
        return Watch.objects.none() if self.documenting else selectors.watch_list(user=self.owner)

    def perform_destroy(self, instance: Watch) -> None:
        services.watch_delete(user=self.owner, watch_id=instance.pk)


class NotificationFilter(django_filters.FilterSet):
    unread = StrictBooleanFilter(
        field_name="read_at", lookup_expr="isnull", help_text="true: unread only; false: read only."
    )

    class Meta:
        model = Notification
        fields = ["unread"]


class NotificationListApi(OwnRowsApi, ListCreateApi):
    """Your inbox, newest first."""

    permission_classes = [IsAuthenticated]
    http_method_names = ["get", "head", "options"]
    output_serializer_class = NotificationOutputSerializer
    filterset_class = NotificationFilter
    export_basename = "notifications"

    def get_queryset(self) -> QuerySet[Notification]:
        return Notification.objects.none() if self.documenting else selectors.notification_list(user=self.owner)


class NotificationMarkReadApi(OwnRowsApi):
    """Mark notifications read: the ids given, or every unread one."""

    permission_classes = [IsAuthenticated]
    input_serializer_class = MarkReadInputSerializer
    output_serializer_class = MarkReadOutputSerializer

    @extend_schema(request=MarkReadInputSerializer, responses={200: MarkReadOutputSerializer})
    def post(self, request: Request) -> Response:
        data = self.validated_input()
        marked = services.notifications_mark_read(user=self.owner, notification_ids=data.get("ids"))
        unread = selectors.notification_unread_count(user=self.owner)
        return Response({"marked": marked, "unread": unread}, status=status.HTTP_200_OK)


class WatchingSettingsApi(OwnRowsApi):
    """Your delivery choice (email immediately, as a daily digest, or never) and your private feed URL."""

    permission_classes = [IsAuthenticated]
    input_serializer_class = WatchingSettingsSerializer
    output_serializer_class = WatchingSettingsSerializer

    def get(self, request: Request) -> Response:
        settings = services.watching_settings_get(user=self.owner)
        return Response(WatchingSettingsSerializer(settings, context=self.get_serializer_context()).data)

    def patch(self, request: Request) -> Response:
        settings = services.watching_settings_get(user=self.owner)
        # A PATCH changes what it names: an empty object leaves the settings as they are (not an object: a 400).
        data = self.validated_input(instance=settings, partial=True)
        if "email_delivery" in data:
            settings = services.watching_settings_update(user=self.owner, email_delivery=data["email_delivery"])
        return Response(WatchingSettingsSerializer(settings, context=self.get_serializer_context()).data)


class FeedSecretRotateApi(OwnRowsApi):
    """A new secret for your feed URL; the old URL stops working at once."""

    permission_classes = [IsAuthenticated]
    output_serializer_class = WatchingSettingsSerializer

    @extend_schema(request=None, responses={200: WatchingSettingsSerializer})
    def post(self, request: Request) -> Response:
        settings = services.feed_secret_rotate(user=self.owner)
        return Response(WatchingSettingsSerializer(settings, context=self.get_serializer_context()).data)
