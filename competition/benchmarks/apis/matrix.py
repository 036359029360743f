"""GET /benchmarks/matrix/: provinces x operators, the cheapest tier per cell by the metric."""

from __future__ import annotations

from typing import Any

from drf_spectacular.utils import extend_schema
from rest_framework.request import Request
from rest_framework.response import Response

from competition.benchmarks import selectors
from competition.benchmarks.apis.base import (
    AS_OF,
    BUCKET,
    FORMAT,
    METRIC,
    BenchmarkApi,
)
from competition.benchmarks.serializers import (
    BenchmarkMatrixCellOutputSerializer,
    BenchmarkMatrixPageSerializer,
)


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
