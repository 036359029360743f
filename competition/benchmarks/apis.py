"""Read endpoints of the stored benchmarks: per-GB tables, the province x operator matrix, basket costs.

Each reads the latest complete run through competition.benchmarks.selectors (never a run being stored),
answers JSON, or with `?format=csv` / `?format=xlsx` every filtered row as a file. Login is
required (the default permission class). Launches and strategies are in launch_apis.py.
"""

from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import Any, ClassVar, cast

from django.utils import timezone
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import exceptions, serializers
from rest_framework.renderers import JSONRenderer
from rest_framework.request import Request
from rest_framework.response import Response

from competition.benchmarks import analytics, as_of, selectors
from competition.benchmarks.as_of import AsOfOutOfRange, as_of_parse
from competition.benchmarks.exporting import BUCKET_EXPORT_FIELDS, RUN_EXPORT_FIELDS, DescribedExportMixin
from competition.benchmarks.history import selectors as history_selectors
from competition.benchmarks.models import BenchmarkMatrixCell, BenchmarkRun
from competition.benchmarks.serializers import (
    BenchmarkBasketCostOutputSerializer,
    BenchmarkBasketPageSerializer,
    BenchmarkHistoryPageSerializer,
    BenchmarkHistoryPointOutputSerializer,
    BenchmarkMatrixCellOutputSerializer,
    BenchmarkMatrixPageSerializer,
    BenchmarkPerGbPageSerializer,
    BenchmarkRowOutputSerializer,
)
from competition.context.currency import conversion_requested, with_conversion
from core import columns
from core.api.base import EXPORT_FORMATS, EXPORT_MAX_ROWS, BaseApi
from core.api.pagination import StandardPagination
from core.api.renderers import CSVRenderer, XLSXRenderer
from core.filters import CODE_PATTERN, CODE_SCHEMA
from operators.models import Operator, Province
from plans.pricing import BUCKET_LABELS

FORMAT = OpenApiParameter(
    "format", str, enum=["json", "csv", "xlsx"], description="JSON (default), or every filtered row as CSV or XLSX."
)
BUCKET = OpenApiParameter("bucket", str, enum=list(BUCKET_LABELS), description="Validity bucket in days (default 1-7).")
AS_OF = OpenApiParameter(
    "as_of",
    OpenApiTypes.DATE,
    description="YYYY-MM-DD, default today: the benchmarks over the tiers in effect that day. A day after today "
    "or before 2000-01-01 has no benchmark: a 404 naming as_of.",
)
METRIC = OpenApiParameter(
    "metric",
    str,
    enum=[metric.value for metric in BenchmarkMatrixCell.Metric],
    description="per_gb (default), per_day or per_30_days.",
)


def known_code(request: Request, name: str, model: type[Operator] | type[Province]) -> str | None:
    """The operator or province code a query names (None for none).

    One that cannot be a code is a 400, a well-formed one of no row a 404 (core.api.errors), naming it.
    """
    code = request.query_params.get(name) or None
    if code is None:
        return None
    message = _("No %(name)s with code %(code)r.") % {"name": name, "code": code[:40]}
    if not CODE_PATTERN.fullmatch(code):
        raise exceptions.ValidationError({name: [message]})
    if not model.objects.filter(code=code).exists():
        raise exceptions.ValidationError({name: [message]}, code="does_not_exist")
    return code


INCLUDE_FROM = OpenApiParameter(
    "include_from",
    str,
    enum=["0", "1", "false", "true"],
    description='1 (or true) counts "from" prices (floors such as 低至5元/月) in ranks, indexes and the median; '
    "by default (0) they are listed but left out.",
)
OPERATOR = OpenApiParameter(
    "operator",
    str,
    pattern=CODE_SCHEMA["pattern"],
    description="Only this operator's rows (code: cmcc, cucc, ctcc, cbn); an unknown code is a 404.",
)
PROVINCE = OpenApiParameter(
    "province",
    str,
    pattern=CODE_SCHEMA["pattern"],
    description="Only this province's rows (GB/T 2260 code, e.g. 31); an unknown code is a 404.",
)
CURRENCY = OpenApiParameter(
    "currency",
    str,
    enum=["CNY", "USD", "EUR"],
    description="Also show money in USD or EUR: adds price_usd, price_per_gb_usd, … beside the CNY columns, "
    "converted with the exchange rate dated rate_on exactly (see /exchange-rates/); null where no rate "
    "for that day was entered. CNY (default) adds nothing.",
)
RATE_ON = OpenApiParameter(
    "rate_on", str, description="The day whose exchange rate converts (YYYY-MM-DD); default today."
)
CONVERTED_FIELDS = ("price_cny", "price_per_gb_cny", "price_per_day_cny", "price_per_30_days_cny")


class BenchmarkApi(DescribedExportMixin, BaseApi):
    """Shared by the benchmark endpoints: the latest run, a validated bucket, file exports."""

    renderer_classes = [JSONRenderer, CSVRenderer, XLSXRenderer]
    row_serializer_class: ClassVar[type[serializers.Serializer]]

    def get_export_fields(self) -> Mapping[str, serializers.Field]:
        return {**self.row_serializer_class().fields, **RUN_EXPORT_FIELDS}  # type: ignore[attr-defined]

    def exporting(self) -> bool:
        return self.request.accepted_renderer.format in EXPORT_FORMATS

    def as_of(self) -> datetime.date:
        """The `as_of` day (default today), naming as_of: a malformed one is a 400; a well-formed day with no
        benchmark (after today, before 2000) a 404, as a well-formed code of no row is (core.api.errors)."""
        try:
            return as_of_parse(self.request.query_params.get("as_of"))
        except AsOfOutOfRange as error:
            raise exceptions.ValidationError({"as_of": [str(error)]}, code="does_not_exist") from error
        except ValueError as error:
            raise exceptions.ValidationError({"as_of": [str(error)]}) from error

    def run_as_of(self) -> tuple[BenchmarkRun, datetime.date]:
        """The run that answers for the `as_of` day, and the day."""
        day = self.as_of()
        run = as_of.benchmark_run_on(day=day)
        if run is None:
            raise exceptions.NotFound(
                _("No benchmark run has completed yet; run `python manage.py recompute_benchmarks`.")
            )
        return run, day

    def bucket(self) -> str:
        bucket = self.request.query_params.get("bucket") or "1-7"
        if bucket not in BUCKET_LABELS:
            raise exceptions.ValidationError(
                {
                    "bucket": [
                        _("Unknown bucket %(bucket)r; use one of %(valid)s.")
                        % {"bucket": bucket, "valid": ", ".join(BUCKET_LABELS)}
                    ]
                }
            )
        return bucket

    def metric(self) -> str:
        metric = self.request.query_params.get("metric") or BenchmarkMatrixCell.Metric.PER_GB
        metrics = [choice.value for choice in BenchmarkMatrixCell.Metric]
        if metric not in metrics:
            raise exceptions.ValidationError(
                {
                    "metric": [
                        _("Unknown metric %(metric)r; use one of %(valid)s.")
                        % {"metric": metric, "valid": ", ".join(metrics)}
                    ]
                }
            )
        return metric

    def run_fields(self, run: BenchmarkRun, day: datetime.date) -> dict[str, Any]:
        return {
            "as_of": day.isoformat(),
            "run_id": run.pk,
            "computed_at": None
            if run.computed_at is None
            else serializers.DateTimeField().to_representation(run.computed_at),
            "methodology_version": run.methodology_version,
        }

    def include_from(self) -> bool:
        """`include_from=1`: count "from" prices in ranks and medians (analytics.eligibility); 400 for another value."""
        value = (self.request.query_params.get("include_from") or "0").lower()
        if value not in {"0", "1", "false", "true"}:
            raise exceptions.ValidationError(
                {"include_from": [_("Use include_from=1 to count from prices, or 0 (the default) to leave them out.")]}
            )
        return value in {"1", "true"}

    def rows(self, queryset: Any, *, context: dict[str, Any] | None = None) -> list[dict[str, Any]]:
        total = len(queryset) if isinstance(queryset, list) else queryset.count()
        if total > EXPORT_MAX_ROWS:
            raise exceptions.ValidationError(
                {
                    "format": [
                        _("The export would have more than %(limit)d rows; narrow the filters.")
                        % {"limit": EXPORT_MAX_ROWS}
                    ]
                }
            )
        return self.serialize(list(queryset), context=context)

    def serialize(self, rows: list[Any], *, context: dict[str, Any] | None = None) -> list[dict[str, Any]]:
        """Rows with the vocabulary's names beside their codes (one or two queries for the names, whatever the rows)."""
        names = selectors.reference_names(
            plan_ids=[row.plan_id for row in rows], province_codes=[row.province_code for row in rows]
        )
        # many=True makes a ListSerializer, whose data is a list; the stubs type it as one row's dict.
        context = {**self.get_serializer_context(), **(context or {}), "names": names}
        return cast(list[dict[str, Any]], self.row_serializer_class(rows, many=True, context=context).data)


class BenchmarkPerGbApi(BenchmarkApi):
    """A validity bucket's per-GB benchmark table from the latest run.

    Rows come cheapest per GB first (`rank` 1; ties share a rank), with each tier's index
    against the bucket's median; promotional tiers are shown unranked, tiers whose per-GB is
    undefined (data unknown or unlimited) come last with the reason.
    """

    output_serializer_class = BenchmarkPerGbPageSerializer
    row_serializer_class = BenchmarkRowOutputSerializer
    pagination_class = StandardPagination
    export_basename = "benchmarks-per-gb"

    def get_export_fields(self) -> Mapping[str, serializers.Field]:
        return {**super().get_export_fields(), **RUN_EXPORT_FIELDS, **BUCKET_EXPORT_FIELDS}

    @extend_schema(parameters=[BUCKET, OPERATOR, PROVINCE, AS_OF, INCLUDE_FROM, CURRENCY, RATE_ON, FORMAT])
    def get(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        operator, province = known_code(request, "operator", Operator), known_code(request, "province", Province)
        conversion = conversion_requested(request.query_params, default_on=timezone.localdate())
        bucket = self.bucket()
        include_from = self.include_from()
        run, day = self.run_as_of()
        rows = selectors.benchmark_row_list(
            bucket=bucket,
            run=run,
            operator=operator,
            province=province,
            include_from=include_from,
        )
        figures = selectors.benchmark_bucket_figures(bucket=bucket, run=run, include_from=include_from)
        self.describe_export(
            run,
            {"bucket": bucket, "operator": operator, "province": province, "include-from": include_from},
            **{
                columns.BUCKET: bucket,
                columns.INCLUDE_FROM: include_from,
                columns.BUCKET_MEDIAN_PER_GB_CNY: figures.median_per_gb_cny if figures else None,
                columns.BUCKET_SAMPLE_COUNT: figures.sample_count if figures else 0,
            },
        )
        if self.exporting():
            return Response(
                with_conversion(self.with_run_columns(self.rows(rows)), conversion, fields=CONVERTED_FIELDS)
            )
        page = self.paginate_queryset(rows)
        body = {
            "bucket": bucket,
            **self.run_fields(run, day),
            "input_fingerprint": run.input_fingerprint,
            "include_promotional": bool(run.parameters.get("include_promotional", False)),
            "include_from": include_from,
            "median_per_gb_cny": None,
            "min_per_gb_cny": None,
            "max_per_gb_cny": None,
            "sample_count": 0,
            "low_sample": analytics.is_low_sample(0),
            "tier_count": 0,
        }
        if figures is not None:
            money = serializers.DecimalField(max_digits=14, decimal_places=2, coerce_to_string=True)
            for name in ("median_per_gb_cny", "min_per_gb_cny", "max_per_gb_cny"):
                value = getattr(figures, name)
                body[name] = None if value is None else money.to_representation(value)
            body["sample_count"] = figures.sample_count
            body["low_sample"] = analytics.is_low_sample(figures.sample_count)
            body["tier_count"] = figures.tier_count
        paginator = self.paginator
        assert isinstance(paginator, StandardPagination)  # pagination_class, set above
        assert paginator.page is not None  # paginate_queryset just set it
        body.update(
            {
                "count": paginator.page.paginator.count,
                "next": paginator.get_next_link(),
                "previous": paginator.get_previous_link(),
                "results": with_conversion(self.serialize(list(page or [])), conversion, fields=CONVERTED_FIELDS),
            }
        )
        if conversion is not None:
            body.update(conversion.columns(body, ("median_per_gb_cny", "min_per_gb_cny", "max_per_gb_cny")))
        return Response(body)


class BenchmarkMatrixApi(BenchmarkApi):
    """Provinces x operators: each non-empty cell is the cheapest tier in the bucket by the metric."""

    output_serializer_class = BenchmarkMatrixPageSerializer
    row_serializer_class = BenchmarkMatrixCellOutputSerializer
    export_basename = "benchmarks-matrix"

    @extend_schema(
        parameters=[
            BUCKET,
            METRIC,
            AS_OF,
            FORMAT,
        ]
    )
    def get(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        bucket = self.bucket()
        metric = self.metric()
        run, day = self.run_as_of()
        cells = list(selectors.benchmark_matrix_cell_list(bucket=bucket, metric=metric, run=run))
        rows = self.rows(cells, context={"cheapest_pairs": selectors.cheapest_cell_pairs(cells)})
        self.describe_export(run, {"bucket": bucket, "metric": metric})
        if self.exporting():
            return Response(self.with_run_columns(rows))
        return Response(
            {"bucket": bucket, "metric": metric, **self.run_fields(run, day), "count": len(rows), "results": rows}
        )


class BenchmarkBasketApi(BenchmarkApi):
    """What each visitor profile costs per province and operator: the cheapest covering tier, or a repeat of one."""

    output_serializer_class = BenchmarkBasketPageSerializer
    row_serializer_class = BenchmarkBasketCostOutputSerializer
    export_basename = "benchmarks-baskets"

    @extend_schema(
        parameters=[
            OpenApiParameter(
                "profile",
                str,
                pattern=CODE_SCHEMA["pattern"],
                description="Only this profile (slug, e.g. week-light); an unknown one is a 404.",
            ),
            OPERATOR,
            PROVINCE,
            AS_OF,
            FORMAT,
        ]
    )
    def get(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        operator, province = known_code(request, "operator", Operator), known_code(request, "province", Province)
        run, day = self.run_as_of()
        profiles = selectors.basket_profile_list(run=run)
        profile = request.query_params.get("profile") or None
        slugs = [item["slug"] for item in profiles]
        if profile is not None and profile not in slugs:
            raise exceptions.ValidationError(
                {
                    "profile": [
                        _("Unknown profile %(profile)r; use one of %(valid)s.")
                        % {"profile": profile, "valid": ", ".join(slugs)}
                    ]
                },
                code="does_not_exist" if CODE_PATTERN.fullmatch(profile) else "invalid",
            )
        costs = selectors.basket_cost_list(
            profile=profile,
            run=run,
            province=province,
            operator=operator,
        )
        rows = self.rows(costs)
        self.describe_export(run, {"profile": profile, "operator": operator, "province": province})
        if self.exporting():
            return Response(self.with_run_columns(rows))
        return Response({**self.run_fields(run, day), "profiles": profiles, "count": len(rows), "results": rows})


class BenchmarkHistoryApi(BenchmarkApi):
    """A bucket's history for one metric: per recorded day the median, minimum, maximum and sample count.

    Without `province` and `operator` the series is the whole market; with one of them that province's or
    operator's tiers; with both the matrix cell's. A day is recorded whenever the tiers in effect changed,
    on the first of every month, and on every benchmark run; each point holds until the next one.
    """

    output_serializer_class = BenchmarkHistoryPageSerializer
    row_serializer_class = BenchmarkHistoryPointOutputSerializer
    export_basename = "benchmarks-history"

    def serialize(self, rows: list[Any], *, context: dict[str, Any] | None = None) -> list[dict[str, Any]]:
        # A history point names its scope by code and carries no plan, so it needs no reference names.
        return cast(list[dict[str, Any]], self.row_serializer_class(rows, many=True).data)

    @extend_schema(parameters=[BUCKET, METRIC, PROVINCE, OPERATOR, FORMAT])
    def get(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        operator, province = known_code(request, "operator", Operator), known_code(request, "province", Province)
        bucket = self.bucket()
        metric = self.metric()
        points = history_selectors.history_series(bucket=bucket, metric=metric, province=province, operator=operator)
        rows = self.rows(points)
        if self.exporting():
            return Response(rows)
        return Response(
            {
                "bucket": bucket,
                "metric": metric,
                "province": province,
                "operator": operator,
                "count": len(rows),
                "results": rows,
            }
        )
