"""API routes of the change feed."""

from django.urls import path

from competition.changes import apis

urlpatterns: list = [
    path("changes/", apis.ChangeEventListApi.as_view(), name="api-change-list"),
]
