"""The comparison pages' base view: login, the `tables` context and `?format=csv&table=name`, the as_of stamp."""

from __future__ import annotations

import datetime
from typing import Any

from django.contrib.auth.mixins import LoginRequiredMixin
from django.http import Http404, HttpRequest, HttpResponse, StreamingHttpResponse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.generic import TemplateView

from competition.benchmarks import analytics
from competition.compare.forms import AsOfFormMixin
from competition.compare.tables import Table


class ComparisonPage(LoginRequiredMixin, TemplateView):
    """A page whose context holds `tables`; `?format=csv&table=name` downloads one of them."""

    csv_basename = "table"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        context["low_sample_below"] = analytics.LOW_SAMPLE_BELOW  # the one rule, named where it is marked
        return context

    def exporting(self) -> bool:
        """A CSV download: every row of the table, whatever page the HTML is on."""
        return self.request.GET.get("format") == "csv"

    # A whole benchmark bucket's CSV streams; the stubs type TemplateView.get as a plain HttpResponse.
    def get(  # type: ignore[override]
        self, request: HttpRequest, *args: Any, **kwargs: Any
    ) -> HttpResponse | StreamingHttpResponse:
        context = self.get_context_data(**kwargs)
        if self.exporting():
            page_tables: dict[str, Table] = context["tables"]
            name = request.GET.get("table") or next(iter(page_tables), "")
            if name not in page_tables:
                raise Http404(_("This page has no table named %(name)s.") % {"name": name})
            return page_tables[name].csv_response(filename=self.csv_filename(name, context))
        return self.render_to_response(context)

    def csv_filename(self, table: str, context: dict[str, Any]) -> str:
        return f"{self.csv_basename}-{table}"

    def dated(self, context: dict[str, Any], form: AsOfFormMixin) -> datetime.date:
        """The day the page looks at (the form's as_of, default today), stamped into the context."""
        day = form.as_of_day()
        context.update(as_of=day, as_of_today=day == timezone.localdate())
        return day
