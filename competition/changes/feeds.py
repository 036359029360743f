"""The change feed as Atom for feed readers. A reader sends no cookie: the URL carries the user's
feed secret (competition.watching; rotatable, never the API token), checked in constant time.

/compare/changes/feed/<user id>/<secret>/ takes the page's filters (operator, province, bucket,
kind, since); a wrong secret is a 404, as for a URL that does not exist.
"""

from __future__ import annotations

import datetime
from typing import Any

from django.contrib.syndication.views import Feed
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseBadRequest
from django.urls import reverse
from django.utils.feedgenerator import Atom1Feed
from django.utils.translation import gettext as _

from competition.changes import selectors
from competition.changes.filters import ChangeEventFilter
from competition.changes.models import ChangeEvent
from competition.changes.text import change_event_detail, change_event_title
from competition.watching.services import feed_secret_check

FEED_ITEMS = 50


class ChangeAtomFeed(Feed):
    feed_type = Atom1Feed

    def __call__(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if not feed_secret_check(user_id=kwargs["user_id"], secret=kwargs["secret"]):
            raise Http404(_("No such feed."))
        filters = ChangeEventFilter(request.GET, queryset=selectors.change_event_list())
        if not filters.is_valid():
            problems = "; ".join(f"{name}: {' '.join(errors)}" for name, errors in filters.errors.items())
            return HttpResponseBadRequest(problems, content_type="text/plain; charset=utf-8")
        request.change_events = list(filters.qs[:FEED_ITEMS])  # type: ignore[attr-defined]
        response = super().__call__(request, *args, **kwargs)
        response["Cache-Control"] = "private, max-age=300"
        response["X-Robots-Tag"] = "noindex"
        return response

    def get_object(self, request: HttpRequest, *args: Any, **kwargs: Any) -> list[ChangeEvent]:
        return request.change_events  # type: ignore[attr-defined]

    def title(self) -> str:
        return _("Telecom CI: market changes")

    def subtitle(self) -> str:
        return _("New tiers, price and allowance changes, withdrawals, launches and strategy milestones.")

    def link(self) -> str:
        return reverse("compare:changes")

    def items(self, events: list[ChangeEvent]) -> list[ChangeEvent]:
        return events

    def item_title(self, item: ChangeEvent) -> str:
        return change_event_title(item)

    def item_description(self, item: ChangeEvent) -> str:
        return f"{item.changed_on:%Y-%m-%d}: {change_event_detail(item)}"

    def item_link(self, item: ChangeEvent) -> str:
        if item.plan_id:
            return reverse("compare:plan", args=[item.plan_id]) + f"#change-{item.pk}"
        return reverse("compare:changes") + f"#change-{item.pk}"

    def item_guid(self, item: ChangeEvent) -> str:
        return f"urn:telecom-ci:change:{item.history_model}:{item.history_id}"

    item_guid_is_permalink = False

    def item_pubdate(self, item: ChangeEvent) -> datetime.datetime:
        return item.recorded_at

    def item_updateddate(self, item: ChangeEvent) -> datetime.datetime:
        return item.recorded_at

    def item_categories(self, item: ChangeEvent) -> list[str]:
        return [item.kind] + ([item.bucket] if item.bucket else [])
