"""Routes under /api/v1/. Each app contributes its own urls module."""

from django.urls import include, path

urlpatterns: list = [
    path("", include("operators.api_urls")),
    path("", include("plans.api_urls")),
    path("", include("competition.api_urls")),
]
