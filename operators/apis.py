"""REST endpoints of the reference data: operators, provinces, branches, sources.

Operators are addressed by id or by code (`/operators/cmcc/`); provinces by their GB/T 2260
code only (`/provinces/31/`), because a two-digit code and a small id would collide.
"""

from __future__ import annotations

from django.db.models import Model, QuerySet
from django.http import Http404
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view

from core.api.base import DetailApi, ListCreateApi
from operators import selectors
from operators.filters import BranchFilter, OperatorFilter, ProvinceFilter, SourceFilter
from operators.models import Branch, Operator, Province, Source
from operators.serializers import (
    BranchInputSerializer,
    BranchOutputSerializer,
    OperatorInputSerializer,
    OperatorOutputSerializer,
    ProvinceInputSerializer,
    ProvinceOutputSerializer,
    SourceInputSerializer,
    SourceOutputSerializer,
)

OPERATOR_LOOKUP = OpenApiParameter(
    "id_or_code",
    str,
    OpenApiParameter.PATH,
    pattern=r"^[-A-Za-z0-9_]+$",
    description="The operator's numeric id or its code (cmcc, cucc, ctcc, cbn).",
)
PROVINCE_LOOKUP = OpenApiParameter(
    "code",
    str,
    OpenApiParameter.PATH,
    pattern=r"^[0-9]{2}$",
    description="The province's GB/T 2260 two-digit code, e.g. 31 for Shanghai (not its id: the two would collide).",
)


class OperatorListApi(ListCreateApi):
    """Operator groups (中国移动 cmcc, 中国联通 cucc, 中国电信 ctcc, 中国广电 cbn)."""

    output_serializer_class = OperatorOutputSerializer
    input_serializer_class = OperatorInputSerializer
    filterset_class = OperatorFilter
    export_basename = "operators"

    def get_queryset(self) -> QuerySet[Operator]:
        return selectors.operator_list()


@extend_schema_view(
    get=extend_schema(parameters=[OPERATOR_LOOKUP]),
    put=extend_schema(parameters=[OPERATOR_LOOKUP]),
    patch=extend_schema(parameters=[OPERATOR_LOOKUP]),
    delete=extend_schema(parameters=[OPERATOR_LOOKUP]),
)
class OperatorDetailApi(DetailApi):
    output_serializer_class = OperatorOutputSerializer
    input_serializer_class = OperatorInputSerializer

    def get_queryset(self) -> QuerySet[Operator]:
        return selectors.operator_list()

    def get_object(self) -> Model:
        key = self.kwargs["id_or_code"]
        lookup = {"pk": int(key)} if key.isdigit() else {"code": key}
        try:
            operator = self.get_queryset().get(**lookup)
        except Operator.DoesNotExist:
            raise Http404 from None
        self.check_object_permissions(self.request, operator)
        return operator


class ProvinceListApi(ListCreateApi):
    """Mainland provinces keyed by GB/T 2260 code, with their economic region."""

    output_serializer_class = ProvinceOutputSerializer
    input_serializer_class = ProvinceInputSerializer
    filterset_class = ProvinceFilter
    export_basename = "provinces"

    def get_queryset(self) -> QuerySet[Province]:
        return selectors.province_list()


@extend_schema_view(
    get=extend_schema(parameters=[PROVINCE_LOOKUP]),
    put=extend_schema(parameters=[PROVINCE_LOOKUP]),
    patch=extend_schema(parameters=[PROVINCE_LOOKUP]),
    delete=extend_schema(parameters=[PROVINCE_LOOKUP]),
)
class ProvinceDetailApi(DetailApi):
    output_serializer_class = ProvinceOutputSerializer
    input_serializer_class = ProvinceInputSerializer
    lookup_field = "code"

    def get_queryset(self) -> QuerySet[Province]:
        return selectors.province_list()


class BranchListApi(ListCreateApi):
    """Provincial and city companies of the operators (北京移动, 深圳联通 …)."""

    output_serializer_class = BranchOutputSerializer
    input_serializer_class = BranchInputSerializer
    filterset_class = BranchFilter
    export_basename = "branches"

    def get_queryset(self) -> QuerySet[Branch]:
        return selectors.branch_list()


class BranchDetailApi(DetailApi):
    output_serializer_class = BranchOutputSerializer
    input_serializer_class = BranchInputSerializer

    def get_queryset(self) -> QuerySet[Branch]:
        return selectors.branch_list()


class SourceListApi(ListCreateApi):
    """Publications and articles every tier, launch and strategy cites."""

    output_serializer_class = SourceOutputSerializer
    input_serializer_class = SourceInputSerializer
    filterset_class = SourceFilter
    export_basename = "sources"

    def get_queryset(self) -> QuerySet[Source]:
        return selectors.source_list()


class SourceDetailApi(DetailApi):
    output_serializer_class = SourceOutputSerializer
    input_serializer_class = SourceInputSerializer

    def get_queryset(self) -> QuerySet[Source]:
        return selectors.source_list()
