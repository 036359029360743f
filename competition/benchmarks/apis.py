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
from competition.benchmarks.models import BenchmarkMatrixCell, BenchmarkRun
from competition.benchmarks.serializers import (
    BenchmarkBasketCostOutputSerializer,
    BenchmarkBasketPageSerializer,
    BenchmarkMatrixCellOutputSerializer,
    BenchmarkMatrixPageSerializer,
    BenchmarkPerGbPageSerializer,
    BenchmarkRowOutputSerializer,
)
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


class BenchmarkApi(BaseApi):
    """Shared by the benchmark endpoints: the latest run, a validated bucket, file exports."""

    renderer_classes = [JSONRenderer, CSVRenderer, XLSXRenderer]
    row_serializer_class: ClassVar[type[serializers.Serializer]]

    def get_export_fields(self) -> Mapping[str, serializers.Field]:
        return self.row_serializer_class().fields  # type: ignore[attr-defined]

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
        # many=True makes a ListSerializer, whose data is a list; the stubs type it as one row's dict.
        return cast(list[dict[str, Any]], self.row_serializer_class(queryset, many=True).data)


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

    @extend_schema(parameters=[BUCKET, OPERATOR, PROVINCE, FORMAT])
    def get(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        operator, province = known_code(request, "operator", Operator), known_code(request, "province", Province)
        bucket = self.bucket()
        run = self.latest_run()
        rows = selectors.benchmark_row_list(
            bucket=bucket,
            run=run,
            operator=operator,
            province=province,
        )
        if self.exporting():
            return Response(self.rows(rows))
        summary = selectors.benchmark_bucket_summary(bucket=bucket, run=run)
        page = self.paginate_queryset(rows)
        body = {
            "bucket": bucket,
            **self.run_fields(run),
            "input_fingerprint": run.input_fingerprint,
            "include_promotional": bool(run.parameters.get("include_promotional", False)),
            "median_per_gb_cny": None,
            "min_per_gb_cny": None,
            "max_per_gb_cny": None,
            "sample_count": 0,
            "tier_count": 0,
        }
        if summary is not None:
            money = serializers.DecimalField(max_digits=14, decimal_places=2, coerce_to_string=True)
            for name in ("median_per_gb_cny", "min_per_gb_cny", "max_per_gb_cny"):
                value = getattr(summary, name)
                body[name] = None if value is None else money.to_representation(value)
            body["sample_count"] = summary.sample_count
            body["tier_count"] = summary.tier_count
        paginator = self.paginator
        assert isinstance(paginator, StandardPagination)  # pagination_class, set above
        assert paginator.page is not None  # paginate_queryset just set it
        body.update(
            {
                "count": paginator.page.paginator.count,
                "next": paginator.get_next_link(),
                "previous": paginator.get_previous_link(),
                "results": self.row_serializer_class(page, many=True).data,
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
        if self.exporting():
            return Response(rows)
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
            OpenApiParameter(
                "profile",
                str,
                pattern=CODE_SCHEMA["pattern"],
                description="Only this profile (slug, e.g. week-light); an unknown one is a 404.",
            ),
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
        if self.exporting():
            return Response(rows)
        return Response({**self.run_fields(run), "profiles": profiles, "count": len(rows), "results": rows})
