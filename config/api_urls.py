"""Routes under /api/v1/. Each app contributes its own urls module.

The last route answers any other path under /api/v1/ with the API's JSON 404 body, so a
client never gets an HTML page from the API.
"""

from django.urls import include, path, re_path

from core.api.errors import api_not_found

urlpatterns: list = [
    path("", include("operators.api_urls")),
    path("", include("plans.api_urls")),
    path("", include("competition.api_urls")),
    re_path(r"", api_not_found, name="api-not-found"),
]
