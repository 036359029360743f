"""The benchmark-backed pages: the matrix (landing page), a bucket's table, the basket calculator, trends."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.utils.translation import gettext as _

from competition.benchmarks import analytics, as_of, selectors
from competition.compare import selectors as page_selectors
from competition.compare import tables
from competition.compare.forms import (
    BUCKET_CHOICES,
    DEFAULT_BASKET_PROFILE,
    BasketForm,
    BenchmarkForm,
    CurrencyForm,
    MatrixForm,
    MetricChoices,
    TrendForm,
)
from competition.compare.selectors import trends
from competition.compare.views.base import ComparisonPage
from competition.context.currency import conversion_for
from competition.templatetags.compare import loc
from core import exports
from operators import selectors as reference_selectors

# The benchmark page's money columns that `currency=USD` (or EUR) also shows converted.
BENCHMARK_MONEY = ("price_cny", "price_per_gb_cny", "price_per_day_cny")


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
