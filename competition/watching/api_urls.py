"""API routes of watching: your watches, notifications and settings."""

from django.urls import path

from competition.watching import apis

urlpatterns: list = [
    path("watches/", apis.WatchListApi.as_view(), name="api-watch-list"),
    path("watches/<int:pk>/", apis.WatchDetailApi.as_view(), name="api-watch-detail"),
    path("notifications/", apis.NotificationListApi.as_view(), name="api-notification-list"),
    path("notifications/read/", apis.NotificationMarkReadApi.as_view(), name="api-notification-read"),
    path("watching/settings/", apis.WatchingSettingsApi.as_view(), name="api-watching-settings"),
    path("watching/feed-secret/", apis.FeedSecretRotateApi.as_view(), name="api-watching-feed-secret"),
]
