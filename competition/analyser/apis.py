"""The analyser's endpoints: POST /analyser/, saved draft sets, and the rank sensitivity table.

The analyser reads (it writes nothing), so any logged-in user may call it; saving a draft set is
a write and needs the analyst role. A draft set is changed only by its owner; others reach it
through its share link, read-only.
"""

from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import Any

from django.db.models import QuerySet
from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiExample, OpenApiParameter, extend_schema
from rest_framework import exceptions, serializers
from rest_framework.permissions import IsAuthenticated
from rest_framework.renderers import JSONRenderer
from rest_framework.request import Request
from rest_framework.response import Response

from competition.analyser import selectors, services
from competition.analyser.models import DraftSet
from competition.analyser.serializers import (
    AnalyserInputSerializer,
    AnalyserOutputSerializer,
    DraftSetInputSerializer,
    DraftSetOutputSerializer,
    SensitivityPageSerializer,
    SensitivityRowSerializer,
)
from competition.analyser.validation import InvalidInput, analyser_input_validate
from competition.benchmarks.apis import BUCKET, FORMAT, BenchmarkApi
from core.api.base import EXPORT_MAX_ROWS, BaseApi, DetailApi, ListCreateApi
from core.api.pagination import StandardPagination

AS_OF = OpenApiParameter("as_of", datetime.date, description="Rank the tiers in effect on this day (default today).")


def result_body(result: selectors.AnalyserResult) -> dict[str, Any]:
    """The analyser's answer as the API (and the page's CSV) spell it."""
    body = {
        "as_of": result.as_of,
        "province": result.province,
        "drafts": [{"draft": answer.draft.as_json(), **answer.position} for answer in result.answers],
    }
    return AnalyserOutputSerializer(body).data


class AnalyserApi(BaseApi):
    """Where up to six draft tiers would land in the market of a day, without joining it.

    For each draft: per GB (top level) and per day / per 30 days (`metrics`), the rank it would
    take in its validity bucket (1 + the market tiers strictly cheaper; ties share), its index
    against the market median without it, the nearest strictly cheaper and dearer market tiers;
    and in `baskets`, its cost in each visitor basket against the cheapest market option of the
    province (`province`, else the draft's own, else the whole market). Nothing is stored.
    """

    permission_classes = [IsAuthenticated]
    renderer_classes = [JSONRenderer]
    input_serializer_class = AnalyserInputSerializer
    output_serializer_class = AnalyserOutputSerializer

    @extend_schema(
        operation_id="analyser_create",
        examples=[
            OpenApiExample(
                "A 7-day draft",
                request_only=True,
                value={
                    "drafts": [
                        {
                            "validity_days": 7,
                            "price_cny": "60.00",
                            "data_gb": "30",
                            "domestic_voice_min": 100,
                            "intl_voice_min": 0,
                        }
                    ],
                    "province": "31",
                    "as_of": "2025-06-01",
                },
            )
        ],
    )
    def post(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        try:
            analyser_input = analyser_input_validate(request.data)
        except InvalidInput as invalid:
            raise exceptions.ValidationError(invalid.nested()) from invalid
        return Response(result_body(selectors.drafts_analyse(analyser_input=analyser_input)))


class DraftSetListApi(ListCreateApi):
    """Your saved draft sets; POST saves a new one (analyst role)."""

    input_serializer_class = DraftSetInputSerializer
    output_serializer_class = DraftSetOutputSerializer
    filter_backends: list[Any] = []
    export_basename = "draft-sets"

    def get_queryset(self) -> QuerySet[DraftSet]:
        return selectors.draft_set_list(owner=self.actor)

    def perform_create(self, data: dict[str, Any]) -> DraftSet:
        data.pop("version", None)
        return services.draft_set_create(actor=self.actor, **data)


class DraftSetDetailApi(DetailApi):
    """One of your draft sets. Changes name the version they are based on (If-Match or `version`)."""

    input_serializer_class = DraftSetInputSerializer
    output_serializer_class = DraftSetOutputSerializer
    versioned = True

    def get_queryset(self) -> QuerySet[DraftSet]:
        return selectors.draft_set_list(owner=self.actor)

    def perform_update(self, instance: Any, data: dict[str, Any]) -> DraftSet:
        return services.draft_set_update(
            draft_set=instance, actor=self.actor, changes=data, version=self.based_on_version
        )

    def perform_destroy(self, instance: Any) -> None:
        services.draft_set_delete(draft_set=instance, actor=self.actor, version=self.based_on_version)


class DraftSetSharedApi(BaseApi):
    """A draft set by its share link's token: any logged-in user reads it; only its owner changes it."""

    permission_classes = [IsAuthenticated]
    renderer_classes = [JSONRenderer]
    output_serializer_class = DraftSetOutputSerializer

    def get(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        draft_set = selectors.draft_set_shared(token=kwargs["token"])
        if draft_set is None:
            raise exceptions.NotFound(_("No draft set has this share link."))
        return Response(DraftSetOutputSerializer(draft_set).data)


class BenchmarkSensitivityApi(BenchmarkApi):
    """Each tier of a bucket ranked by per GB, per day, per 30 days and each basket, side by side.

    Sorted by `rank_spread` (worst minus best rank; largest first), so the tiers whose position
    depends on the metric come first. Computed from the tiers in effect on `as_of` (default
    today), with the stored benchmarks' eligibility: promotional tiers and "from" prices unranked.
    """

    output_serializer_class = SensitivityPageSerializer
    row_serializer_class = SensitivityRowSerializer
    pagination_class = StandardPagination
    export_basename = "benchmarks-sensitivity"

    def get_export_fields(self) -> Mapping[str, serializers.Field]:
        return {}  # the rank columns (ranks.per_gb …) follow the baskets, so the rows name them

    @extend_schema(parameters=[BUCKET, AS_OF, FORMAT])
    def get(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        bucket = self.bucket()
        as_of = self.as_of()
        if isinstance(self.paginator, StandardPagination):
            self.paginator.check_parameters(request)
        sensitivity = selectors.rank_sensitivity(bucket=bucket, as_of=as_of)
        if self.exporting():
            if len(sensitivity.rows) > EXPORT_MAX_ROWS:
                raise exceptions.ValidationError(
                    {
                        "format": [
                            _("The export would have more than %(limit)d rows; narrow the filters.")
                            % {"limit": EXPORT_MAX_ROWS}
                        ]
                    }
                )
            return Response(SensitivityRowSerializer(sensitivity.rows, many=True).data)
        # Only the page's rows are serialized: a bucket can hold many thousands.
        page = SensitivityRowSerializer(
            self.paginate_queryset(sensitivity.rows),  # type: ignore[arg-type]  # a list pages as well
            many=True,
        ).data
        paginator = self.paginator
        assert isinstance(paginator, StandardPagination)
        assert paginator.page is not None
        return Response(
            {
                "bucket": bucket,
                "as_of": serializers.DateField().to_representation(sensitivity.as_of),
                "metrics": sensitivity.metrics,
                "count": paginator.page.paginator.count,
                "next": paginator.get_next_link(),
                "previous": paginator.get_previous_link(),
                "results": page,
            }
        )
