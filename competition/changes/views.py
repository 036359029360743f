"""/compare/changes/: the change feed page, newest first, with the Atom feed advertised in its head."""

from __future__ import annotations

from typing import Any

from django.urls import reverse
from django.utils.http import urlencode

from competition.changes import selectors
from competition.changes.forms import ChangeFilterForm
from competition.changes.text import change_event_detail, change_event_title
from competition.compare.tables import Table
from competition.compare.tables.base import columns
from competition.compare.views.base import ComparisonPage
from competition.watching.services import watching_settings_get
from operators import selectors as reference_selectors

PAGE_SIZE = 50
CHANGE_COLUMNS = columns(
    "changed_on",
    "kind",
    "operator",
    "province",
    "bucket",
    "validity_days",
    "who_zh",
    "subject_zh",
    "price_before_cny:money",
    "price_after_cny:money",
    "per_gb_before_cny:money",
    "per_gb_after_cny:money",
    "title",
    "detail",
)


class ChangeFeedView(ComparisonPage):
    template_name = "compare/changes.html"
    csv_basename = "changes"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        form = ChangeFilterForm(
            self.request.GET or None,
            operators=reference_selectors.operator_list(),
            provinces=reference_selectors.province_list(),
        )
        filters = form.filters()
        page = form.value("page")
        events, has_older = selectors.change_event_page(
            selectors.change_event_list(**filters), page=page, page_size=PAGE_SIZE
        )
        rows = [
            {
                "event": event,
                "changed_on": event.changed_on,
                "kind": event.kind,
                "kind_label": event.get_kind_display(),
                "operator": event.operator_code,
                "province": event.province_code,
                "bucket": event.bucket,
                "validity_days": event.validity_days,
                "who_zh": event.who_zh,
                "subject_zh": event.subject_zh,
                "price_before_cny": event.price_before_cny,
                "price_after_cny": event.price_after_cny,
                "per_gb_before_cny": event.per_gb_before_cny,
                "per_gb_after_cny": event.per_gb_after_cny,
                "title": change_event_title(event),
                "detail": change_event_detail(event),
            }
            for event in events
        ]
        query: dict[str, Any] = {
            name: value
            for name, value in self.request.GET.items()
            if name in {"operator", "province", "bucket", "kind", "since"} and value
        }
        settings = watching_settings_get(user=self.request.user)  # type: ignore[arg-type]
        feed_path = reverse("compare:change-feed", args=[self.request.user.pk, settings.feed_secret])
        context.update(
            form=form,
            page=page,
            older_url=f"?{urlencode({**query, 'page': page + 1})}" if has_older else "",
            newer_url=f"?{urlencode({**query, 'page': page - 1})}" if page > 1 else "",
            feed_url=self.request.build_absolute_uri(feed_path + (f"?{urlencode(query)}" if query else "")),
            api_url=f"/api/v1/changes/?{urlencode(query)}",
            tables={"changes": Table(name="changes", columns=CHANGE_COLUMNS, rows=rows)},
        )
        return context
