"""GET /benchmarks/history/: a bucket's recorded medians, minimums and maximums over time."""

from __future__ import annotations

from typing import Any, cast

from drf_spectacular.utils import extend_schema
from rest_framework.request import Request
from rest_framework.response import Response

from competition.benchmarks.apis.base import (
    BUCKET,
    FORMAT,
    METRIC,
    OPERATOR,
    PROVINCE,
    BenchmarkApi,
    known_code,
)
from competition.benchmarks.history import selectors as history_selectors
from competition.benchmarks.serializers import (
    BenchmarkHistoryPageSerializer,
    BenchmarkHistoryPointOutputSerializer,
)
from operators.models import Operator, Province


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
