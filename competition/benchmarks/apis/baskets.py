"""GET /benchmarks/baskets/: the stored visitor profiles' costs per province and operator."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import exceptions
from rest_framework.request import Request
from rest_framework.response import Response

from competition.benchmarks import selectors
from competition.benchmarks.apis.base import (
    AS_OF,
    FORMAT,
    OPERATOR,
    PROVINCE,
    BenchmarkApi,
    known_code,
)
from competition.benchmarks.serializers import (
    BenchmarkBasketCostOutputSerializer,
    BenchmarkBasketPageSerializer,
)
from core.filters import CODE_PATTERN, CODE_SCHEMA
from operators.models import Operator, Province


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
