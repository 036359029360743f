"""The market pages: the launch timeline and the strategies by theme."""

from __future__ import annotations

from typing import Any

from competition.compare import selectors as page_selectors
from competition.compare import tables
from competition.compare.forms import LaunchFilterForm, StrategyFilterForm
from competition.compare.views.base import ComparisonPage
from operators import selectors as reference_selectors


class LaunchTimelineView(ComparisonPage):
    template_name = "compare/launches.html"
    csv_basename = "launches"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        form = LaunchFilterForm(
            self.request.GET or None,
            operators=reference_selectors.operator_list(),
            provinces=reference_selectors.province_list(),
        )
        day = self.dated(context, form)
        filters = form.filters() if form.is_bound else {}
        if not context["as_of_today"]:
            # As of a past day, only what had been launched by then.
            filters["date_to"] = min(filter(None, [filters.get("date_to"), day]))
        launches = page_selectors.launch_timeline(**filters)
        context.update(form=form, tables={"launches": tables.launch_table(launches)})
        return context


class StrategyView(ComparisonPage):
    template_name = "compare/strategies.html"
    csv_basename = "strategies"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        form = StrategyFilterForm(self.request.GET or None, operators=list(reference_selectors.operator_list()))
        self.dated(context, form)
        groups = page_selectors.strategies_by_theme(**(form.filters() if form.is_bound else {}))
        context.update(form=form, groups=groups, tables=tables.strategy_tables(groups))
        return context
