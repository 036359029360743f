"""GET /benchmarks/per-gb/: a validity bucket's per-GB table, paginated, with the bucket's figures."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.utils import timezone
from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.request import Request
from rest_framework.response import Response

from competition.benchmarks import analytics, selectors
from competition.benchmarks.apis.base import (
    AS_OF,
    BUCKET,
    CONVERTED_FIELDS,
    CURRENCY,
    FORMAT,
    INCLUDE_FROM,
    OPERATOR,
    PROVINCE,
    RATE_ON,
    BenchmarkApi,
    known_code,
)
from competition.benchmarks.exporting import BUCKET_EXPORT_FIELDS, RUN_EXPORT_FIELDS
from competition.benchmarks.serializers import (
    BenchmarkPerGbPageSerializer,
    BenchmarkRowOutputSerializer,
)
from competition.context.currency import conversion_requested, with_conversion
from core import columns
from core.api.pagination import StandardPagination
from operators.models import Operator, Province


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
        # The whole bucket pages by stored position with the summary's count; a filtered one by OFFSET and COUNT.
        unfiltered = operator is None and province is None and figures is not None
        source: Any = selectors.BucketPositionRange(rows, count=figures.tier_count) if unfiltered and figures else rows
        page = self.paginate_queryset(source)  # a Paginator pages either
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
