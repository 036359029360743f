"""Reads of watching: a user's watches, inbox and unread count."""

from __future__ import annotations

from django.contrib.auth.models import User
from django.db.models import QuerySet

from competition.watching.models import Notification, Watch


def watch_list(*, user: User) -> QuerySet[Watch]:
    return (
        Watch.objects.filter(user=user)
        .select_related("operator", "branch", "plan", "province")
        .order_by("-created_at", "-id")
    )


def notification_list(*, user: User, unread: bool | None = None) -> QuerySet[Notification]:
    notifications = Notification.objects.filter(user=user).select_related("change")
    if unread is True:
        notifications = notifications.filter(read_at__isnull=True)
    elif unread is False:
        notifications = notifications.filter(read_at__isnull=False)
    return notifications.order_by("-created_at", "-id")


def notification_unread_count(*, user: User) -> int:
    """One COUNT over the partial index of unread rows."""
    return Notification.objects.filter(user=user, read_at__isnull=True).count()
