"""API routes of the competition app: its parts' routes under /api/v1/."""

from django.urls import include, path

urlpatterns: list = [
    path("", include("competition.benchmarks.api_urls")),
    path("", include("competition.market.api_urls")),
    path("", include("competition.context.api_urls")),
    path("", include("competition.analyser.api_urls")),
    path("", include("competition.changes.api_urls")),
    path("", include("competition.watching.api_urls")),
]
