"""Shared by the benchmark endpoints: their OpenAPI parameters, code checks and the BenchmarkApi base."""

from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import Any, ClassVar, cast

from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter
from rest_framework import exceptions, serializers
from rest_framework.renderers import JSONRenderer
from rest_framework.request import Request

from competition.benchmarks import as_of, selectors
from competition.benchmarks.as_of import AsOfOutOfRange, as_of_parse
from competition.benchmarks.exporting import RUN_EXPORT_FIELDS, DescribedExportMixin, run_export_representation
from competition.benchmarks.models import BenchmarkMatrixCell, BenchmarkRun
from core.api.base import EXPORT_FORMATS, EXPORT_MAX_ROWS, BaseApi
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
        return run_export_representation(run, as_of=day)

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
