"""Settings and URLs of the `scripts/bench_api.py` server: the site plus one bare view to compare with.

`DJANGO_SETTINGS_MODULE=bench_api_site` (with scripts/ on the path): the local settings, the site's
URLs, and /bench/bare-tiers/, the floor a list endpoint is measured against: the same 100 tier rows
the API's first page shows, the same columns, as `.values()` dicts in a JsonResponse, with no
authentication, serializer, pagination count or content negotiation.
"""

from __future__ import annotations

from config.settings.local import *  # noqa: F403

ROOT_URLCONF = "bench_api_site"
BARE_ROWS = 100


def bare_tiers(request):  # type: ignore[no-untyped-def]
    from django.http import JsonResponse

    from plans import selectors
    from plans.serializers import TierOutputSerializer

    # The same columns the API reads (its row query), without computing or formatting anything.
    rows = list(TierOutputSerializer.rows(selectors.tier_list())[:BARE_ROWS])
    return JsonResponse({"results": rows})


def __getattr__(name: str):  # type: ignore[no-untyped-def]
    # urlpatterns are built on first use, after Django is set up (this module is also the settings).
    if name == "urlpatterns":
        from django.urls import path

        from config.urls import urlpatterns as site

        return [path("bench/bare-tiers/", bare_tiers), *site]
    raise AttributeError(name)
