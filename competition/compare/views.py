"""The comparison pages under /compare/: thin views that validate a GET filter form, call selectors and render.

Every page is login-protected and answers `?format=csv&table=<name>` with the rows of that table,
built once in competition.compare.tables for both the HTML and the CSV.
"""

from __future__ import annotations

import datetime
from decimal import Decimal
from typing import Any

from django.contrib.auth.mixins import LoginRequiredMixin
from django.http import Http404, HttpRequest, HttpResponse, StreamingHttpResponse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.generic import TemplateView

from competition.benchmarks import analytics, as_of, selectors
from competition.compare import paging, tables
from competition.compare import selectors as page_selectors
from competition.compare.forms import (
    BUCKET_CHOICES,
    DEFAULT_BASKET_PROFILE,
    AsOfForm,
    AsOfFormMixin,
    BasketForm,
    BenchmarkForm,
    CurrencyForm,
    LaunchFilterForm,
    MatrixForm,
    MetricChoices,
    PlanListForm,
    ProvinceCompareForm,
    StrategyFilterForm,
    TrendForm,
)
from competition.compare.selectors import plans as plan_selectors
from competition.compare.selectors import province_summary, provinces, trends
from competition.compare.tables import Table
from competition.context import selectors as context_selectors
from competition.context.currency import conversion_for
from competition.templatetags.compare import loc
from core import exports
from operators import selectors as reference_selectors
from plans.models import Plan

# The benchmark page's money columns that `currency=USD` (or EUR) also shows converted.
BENCHMARK_MONEY = ("price_cny", "price_per_gb_cny", "price_per_day_cny")
PLAN_PAGE_SIZE = 50


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


class MatrixView(ComparisonPage):
    """The landing page: provinces x operators for a validity bucket and a metric, from the latest run."""

    template_name = "compare/matrix.html"
    csv_basename = "matrix"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        form = MatrixForm(self.request.GET or None, profiles=selectors.basket_profile_list())
        run = as_of.benchmark_run_on(day=self.dated(context, form))
        matrix = page_selectors.province_operator_matrix(
            run=run,
            bucket=form.value("bucket"),
            metric=form.value("metric"),
            profile=form.value("profile"),
            all_provinces=form.value("all"),
        )
        context.update(
            form=form,
            matrix=matrix,
            buckets=BUCKET_CHOICES,
            metrics=MetricChoices.choices,
            tables={"matrix": tables.matrix_table(matrix)},
        )
        return context

    def csv_filename(self, table: str, context: dict[str, Any]) -> str:
        matrix = context["matrix"]
        if matrix.metric == MetricChoices.BASKET:
            return f"matrix-basket-{matrix.profile['slug'] if matrix.profile else 'none'}"
        return f"matrix-{matrix.bucket}-{matrix.metric}"


class BenchmarkView(ComparisonPage):
    """A bucket's benchmark table as the latest run stored it: rank, per GB, index, min/median/max."""

    template_name = "compare/benchmarks.html"
    csv_basename = "benchmark"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        form = BenchmarkForm(self.request.GET or None)
        bucket = form.value("bucket")
        day = self.dated(context, form)
        page = page_selectors.benchmark_page(
            bucket=bucket,
            include_from=form.value("include_from"),
            run=as_of.benchmark_run_on(day=day),
            page=self.request.GET.get("page"),
            every_row=self.exporting(),
        )
        money = CurrencyForm(self.request.GET or None)
        # The rate of the day looked at, unless the reader names another day's rate.
        conversion = conversion_for(currency=money.value("currency"), on=money.value("rate_on") or day)
        benchmark = tables.benchmark_table(page)
        context.update(
            form=form,
            bucket=bucket,
            buckets=BUCKET_CHOICES,
            include_from=page.include_from,
            run=page.run,
            summary=page.figures,
            summary_low_sample=page.figures is not None and analytics.is_low_sample(page.figures.sample_count),
            page_obj=page.page,
            conversion=conversion,
            tables={"benchmark": tables.table_with_currency(benchmark, conversion, fields=BENCHMARK_MONEY)},
        )
        return context

    def csv_filename(self, table: str, context: dict[str, Any]) -> str:
        filters = {"bucket": context["bucket"], "include-from": context["include_from"]}
        return exports.export_filename("benchmark", "csv", filters=filters).removesuffix(".csv")


class BasketView(ComparisonPage):
    """A visitor profile in, the cheapest way to cover it in each province and operator out."""

    template_name = "compare/basket.html"
    csv_basename = "basket"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        form = BasketForm(self.request.GET or None)
        answer = page_selectors.basket_answer(
            on=self.dated(context, form),
            days=form.value("days"),
            data_gb=Decimal(form.value("data_gb")),
            domestic_min=form.value("domestic_min"),
            intl_min=form.value("intl_min"),
        )
        context.update(
            form=form,
            answer=answer,
            default_profile=DEFAULT_BASKET_PROFILE.as_dict() if form.uses_default_profile else None,
            tables={"basket": tables.basket_table(answer)},
        )
        return context

    def csv_filename(self, table: str, context: dict[str, Any]) -> str:
        profile = context["answer"].profile
        return f"basket-{profile.days}d-{profile.data_gb}gb-{profile.domestic_min}-{profile.intl_min}"


class TrendView(ComparisonPage):
    """A bucket's median and cheapest figure over time, from the benchmark history, as step lines."""

    template_name = "compare/trends.html"
    csv_basename = "trends"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        provinces = reference_selectors.province_list()
        form = TrendForm(self.request.GET or None, provinces=provinces)
        day = self.dated(context, form)
        by = form.value("by")
        trend = trends.benchmark_trend(
            bucket=form.value("bucket"),
            metric=form.value("metric"),
            by=by,
            codes=form.province_codes() if by == "province" else None,
            until=day,
        )
        names = {"": _("Whole market")}
        for item in provinces if by == "province" else reference_selectors.operator_list():
            names[item.code] = loc(item, "name")
        charts = {}
        for figure, title in (("median_cny", _("Median")), ("min_cny", _("Cheapest"))):
            chart = trend.chart(figure, labels=names)
            chart.update(type="line", xLabel=_("Date"), yLabel=_("CNY"), title=title)
            charts[figure] = chart
        context.update(
            form=form,
            trend=trend,
            charts=charts,
            buckets=BUCKET_CHOICES,
            tables={"trend": tables.trend_table(trend.rows())},
        )
        return context

    def csv_filename(self, table: str, context: dict[str, Any]) -> str:
        trend = context["trend"]
        return f"trends-{trend.bucket}-{trend.metric}-{trend.by}"
