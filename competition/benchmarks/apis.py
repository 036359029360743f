"""Read endpoints of the stored benchmarks: per-GB tables, the province x operator matrix, basket costs.

Each reads the latest complete run through competition.benchmarks.selectors (never a run being stored),
answers JSON, or with `?format=csv` / `?format=xlsx` every filtered row as a file. Login is
required (the default permission class). Launches and strategies are in launch_apis.py.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, ClassVar, cast

from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import exceptions, serializers
from rest_framework.renderers import JSONRenderer
from rest_framework.request import Request
from rest_framework.response import Response

from competition.benchmarks import selectors
from competition.benchmarks.exporting import BUCKET_EXPORT_FIELDS, RUN_EXPORT_FIELDS, DescribedExportMixin
from competition.benchmarks.models import BenchmarkMatrixCell, BenchmarkRun
from competition.benchmarks.serializers import (
    BenchmarkBasketCostOutputSerializer,
    BenchmarkBasketPageSerializer,
    BenchmarkMatrixCellOutputSerializer,
    BenchmarkMatrixPageSerializer,
    BenchmarkPerGbPageSerializer,
    BenchmarkRowOutputSerializer,
)
from core import columns
from core.api.base import EXPORT_FORMATS, EXPORT_MAX_ROWS, BaseApi
from core.api.pagination import StandardPagination
from core.api.renderers import CSVRenderer, XLSXRenderer
from core.filters import CODE_PATTERN
from operators.models import Operator, Province
from plans.pricing import BUCKET_LABELS

FORMAT = OpenApiParameter(
    "format", str, enum=["json", "csv", "xlsx"], description="JSON (default), or every filtered row as CSV or XLSX."
)
BUCKET = OpenApiParameter("bucket", str, enum=list(BUCKET_LABELS), description="Validity bucket in days (default 1-7).")


def known_code(request: Request, name: str, model: type[Operator] | type[Province]) -> str | None:
    """The operator or province code a query names (None for none); an unknown one is a 400 naming it."""
    code = request.query_params.get(name) or None
    if code is not None and not (CODE_PATTERN.fullmatch(code) and model.objects.filter(code=code).exists()):
        raise exceptions.ValidationError(
            {name: [_("No %(name)s with code %(code)r.") % {"name": name, "code": code[:40]}]}
        )
    return code


INCLUDE_FROM = OpenApiParameter(
    "include_from",
    str,
    enum=["0", "1", "false", "true"],
    description='1 (or true) counts "from" prices (floors such as 低至5元/月) in ranks, indexes and the median; '
    "by default (0) they are listed but left out.",
)
OPERATOR = OpenApiParameter("operator", str, description="Only this operator's rows (code: cmcc, cucc, ctcc, cbn).")
PROVINCE = OpenApiParameter("province", str, description="Only this province's rows (GB/T 2260 code, e.g. 31).")


class BenchmarkApi(DescribedExportMixin, BaseApi):
    """Shared by the benchmark endpoints: the latest run, a validated bucket, file exports."""

    renderer_classes = [JSONRenderer, CSVRenderer, XLSXRenderer]
    row_serializer_class: ClassVar[type[serializers.Serializer]]

    def get_export_fields(self) -> Mapping[str, serializers.Field]:
        return {**self.row_serializer_class().fields, **RUN_EXPORT_FIELDS}  # type: ignore[attr-defined]

    def exporting(self) -> bool:
        return self.request.accepted_renderer.format in EXPORT_FORMATS

    def latest_run(self) -> BenchmarkRun:
        run = selectors.benchmark_run_latest()
        if run is None:
            raise exceptions.NotFound(
                _("No benchmark run has completed yet; run `python manage.py recompute_benchmarks`.")
            )
        return run

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

    def run_fields(self, run: BenchmarkRun) -> dict[str, Any]:
        return {
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

    def rows(self, queryset: Any) -> list[dict[str, Any]]:
        if queryset.count() > EXPORT_MAX_ROWS:
            raise exceptions.ValidationError(
                {
                    "format": [
                        _("The export would have more than %(limit)d rows; narrow the filters.")
                        % {"limit": EXPORT_MAX_ROWS}
                    ]
                }
            )
        return self.serialize(list(queryset))

    def serialize(self, rows: list[Any]) -> list[dict[str, Any]]:
        """Rows with the vocabulary's names beside their codes (one or two queries for the names, whatever the rows)."""
        names = selectors.reference_names(
            plan_ids=[row.plan_id for row in rows], province_codes=[row.province_code for row in rows]
        )
        # many=True makes a ListSerializer, whose data is a list; the stubs type it as one row's dict.
        return cast(list[dict[str, Any]], self.row_serializer_class(rows, many=True, context={"names": names}).data)


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

    @extend_schema(parameters=[BUCKET, OPERATOR, PROVINCE, INCLUDE_FROM, FORMAT])
    def get(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        operator, province = known_code(request, "operator", Operator), known_code(request, "province", Province)
        bucket = self.bucket()
        include_from = self.include_from()
        run = self.latest_run()
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
            return Response(self.with_run_columns(self.rows(rows)))
        page = self.paginate_queryset(rows)
        body = {
            "bucket": bucket,
            **self.run_fields(run),
            "as_of": selectors.benchmark_run_as_of(run).isoformat(),
            "input_fingerprint": run.input_fingerprint,
            "include_promotional": bool(run.parameters.get("include_promotional", False)),
            "include_from": include_from,
            "median_per_gb_cny": None,
            "min_per_gb_cny": None,
            "max_per_gb_cny": None,
            "sample_count": 0,
            "tier_count": 0,
        }
        if figures is not None:
            money = serializers.DecimalField(max_digits=14, decimal_places=2, coerce_to_string=True)
            for name in ("median_per_gb_cny", "min_per_gb_cny", "max_per_gb_cny"):
                value = getattr(figures, name)
                body[name] = None if value is None else money.to_representation(value)
            body["sample_count"] = figures.sample_count
            body["tier_count"] = figures.tier_count
        paginator = self.paginator
        assert isinstance(paginator, StandardPagination)  # pagination_class, set above
        assert paginator.page is not None  # paginate_queryset just set it
        body.update(
            {
                "count": paginator.page.paginator.count,
                "next": paginator.get_next_link(),
                "previous": paginator.get_previous_link(),
                "results": self.serialize(list(page or [])),
            }
        )
        return Response(body)


class BenchmarkMatrixApi(BenchmarkApi):
    """Provinces x operators: each non-empty cell is the cheapest tier in the bucket by the metric."""

    output_serializer_class = BenchmarkMatrixPageSerializer
    row_serializer_class = BenchmarkMatrixCellOutputSerializer
    export_basename = "benchmarks-matrix"

    @extend_schema(
        parameters=[
            BUCKET,
            OpenApiParameter(
                "metric",
                str,
                enum=[metric.value for metric in BenchmarkMatrixCell.Metric],
                description="per_gb (default), per_day or per_30_days.",
            ),
            FORMAT,
        ]
    )
    def get(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        bucket = self.bucket()
        metric = request.query_params.get("metric") or BenchmarkMatrixCell.Metric.PER_GB
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
        run = self.latest_run()
        cells = selectors.benchmark_matrix_cell_list(bucket=bucket, metric=metric, run=run)
        rows = self.rows(cells)
        self.describe_export(run, {"bucket": bucket, "metric": metric})
        if self.exporting():
            return Response(self.with_run_columns(rows))
        return Response(
            {"bucket": bucket, "metric": metric, **self.run_fields(run), "count": len(rows), "results": rows}
        )


class BenchmarkBasketApi(BenchmarkApi):
    """What each visitor profile costs per province and operator: the cheapest covering tier, or a repeat of one."""

    output_serializer_class = BenchmarkBasketPageSerializer
    row_serializer_class = BenchmarkBasketCostOutputSerializer
    export_basename = "benchmarks-baskets"

    @extend_schema(
        parameters=[
            OpenApiParameter("profile", str, description="Only this profile (slug, e.g. week-light)."),
            OPERATOR,
            PROVINCE,
            FORMAT,
        ]
    )
    def get(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        operator, province = known_code(request, "operator", Operator), known_code(request, "province", Province)
        run = self.latest_run()
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
                }
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
        return Response({**self.run_fields(run), "profiles": profiles, "count": len(rows), "results": rows})
