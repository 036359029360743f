"""The tier pages: provinces side by side, the plan index and a plan's detail with its price history."""

from __future__ import annotations

from typing import Any

from django.http import Http404
from django.utils.translation import gettext as _

from competition.compare import paging, tables
from competition.compare.forms import AsOfForm, PlanListForm, ProvinceCompareForm
from competition.compare.selectors import plans as plan_selectors
from competition.compare.selectors import province_summary, provinces
from competition.compare.views.base import ComparisonPage
from competition.context import selectors as context_selectors
from competition.templatetags.compare import loc
from operators import selectors as reference_selectors
from plans.models import Plan

PLAN_PAGE_SIZE = 50


class ProvinceCompareView(ComparisonPage):
    """Two to four provinces: a summary per operator and validity (and its chart), then a page of their tiers."""

    template_name = "compare/provinces.html"
    csv_basename = "provinces"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        # The day first: it decides which provinces are choices.
        day = self.dated(context, AsOfForm(self.request.GET or None))
        operators = reference_selectors.operator_list()
        form = ProvinceCompareForm(
            self.request.GET or None, provinces=province_summary.provinces_with_tiers(on=day), operators=operators
        )
        codes = form.province_codes() if form.is_bound else []
        table = form.table_filters()
        comparison = provinces.province_side_by_side(province_codes=codes, on=day, **table) if codes else None
        chart = None
        if comparison is not None:
            chart = comparison.chart()
            for dataset in chart["datasets"]:
                dataset["label"] = loc(dataset, "label")
            chart.update(
                type="line",
                xLabel=_("Validity (days)"),
                yLabel=_("Cheapest CNY per GB"),
                title=_("Price per GB by validity"),
            )
        figures = context_selectors.indicator_values_for_regions(province_codes=codes)
        reference_line = context_selectors.per_gb_reference_line(among=figures)
        if chart is not None and reference_line is not None:
            chart["datasets"].append(reference_line.dataset(xs=chart["labels"]))
        stream = {key: value for key, value in table.items() if key != "page"}
        context.update(
            form=form,
            comparison=comparison,
            pager=paging.pager(self.request, page=comparison.page, page_count=comparison.page_count)
            if comparison
            else None,
            chart=chart,
            reference_line=reference_line,
            market_context=figures,
            tables={
                "tiers": tables.tier_table(
                    "tiers",
                    comparison.tiers if comparison else [],
                    every_tier=lambda: (
                        provinces.province_tiers_stream(province_codes=codes, on=day, **stream) if codes else []
                    ),
                ),
                "summary": tables.province_summary_table(
                    comparison.summary if comparison else [],
                    provinces=comparison.provinces if comparison else [],
                    operators=operators if comparison else [],
                ),
                "context": tables.indicator_value_table(figures),
            },
        )
        return context

    def csv_filename(self, table: str, context: dict[str, Any]) -> str:
        comparison = context["comparison"]
        codes = "-".join(p.code for p in comparison.provinces) if comparison else "none"
        return f"provinces-{codes}-{table}"


class PlanListView(ComparisonPage):
    """Every plan on record, a page at a time, narrowed by province and operator."""

    template_name = "compare/plan_list.html"
    csv_basename = "plans"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        form = PlanListForm(
            self.request.GET or None,
            operators=reference_selectors.operator_list(),
            provinces=reference_selectors.province_list(),
        )
        day = self.dated(context, form)
        plans = plan_selectors.plan_list(on=day, **form.filters())
        page = form.value("page")
        rows, has_next = plan_selectors.plan_page(plans, page=page, page_size=PLAN_PAGE_SIZE)
        context.update(
            form=form,
            pager=paging.pager(self.request, page=page, page_count=page + 1 if has_next else page, exact=False),
            tables={"plans": tables.plan_table(rows, every_plan=lambda: plans.iterator(chunk_size=2000))},
        )
        return context


class PlanDetailView(ComparisonPage):
    template_name = "compare/plan_detail.html"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        try:
            plan = plan_selectors.plan_detail(plan_id=kwargs["plan_id"])
        except Plan.DoesNotExist as error:
            raise Http404(_("No such plan.")) from error
        form = AsOfForm(self.request.GET or None)
        day = self.dated(context, form)
        # The chart is the plan's whole history up to today, whatever day the tables look at.
        history = plan_selectors.plan_price_history(plan=plan)
        chart = history.chart()
        for dataset in chart["datasets"]:
            dataset["label"] = _("%(days)s days") % {"days": dataset["validity_days"]}
        chart.update(type="line", xLabel=_("Effective from"), yLabel=_("Price (CNY)"), title=_("Price history"))
        # The as_of day's prices in the first table; a later-dated price is listed as upcoming, never as current.
        today = plan_selectors.plan_tiers_on(plan=plan, day=day)
        context.update(
            form=form,
            plan=plan,
            chart=chart,
            undated_prices=history.undated,
            tables={
                "tiers": tables.tier_table("tiers", today.in_effect),
                "upcoming": tables.tier_table("upcoming", today.upcoming),
                "history": tables.price_history_table(history.rows),
                "changes": tables.tier_change_table(plan_selectors.plan_tier_changes(plan=plan)),
            },
        )
        return context

    def csv_filename(self, table: str, context: dict[str, Any]) -> str:
        return f"plan-{context['plan'].pk}-{table}"
