"""REST endpoints of perks, plans and price tiers; writes go through plans.services."""

from __future__ import annotations

from typing import Any

from django.db.models import Model, QuerySet
from django.urls import reverse
from drf_spectacular.utils import OpenApiExample, extend_schema, extend_schema_view
from rest_framework.renderers import JSONRenderer
from rest_framework.request import Request
from rest_framework.response import Response

from core.api.base import BaseApi, DetailApi, ListCreateApi, if_match_parameter, if_match_version
from plans import selectors, services
from plans.filters import PerkFilter, PlanFilter, TierFilter
from plans.models import Perk, Plan, Tier
from plans.serializers import (
    PerkInputSerializer,
    PerkOutputSerializer,
    PlanInputSerializer,
    PlanOutputSerializer,
    TierInputSerializer,
    TierOutputSerializer,
)

TIER_ROW_EXAMPLE = {
    "id": 12,
    "plan": 5,
    "plan_name": "熊猫卡",
    "plan_name_en": "Panda Card",
    "branch_name": "上海移动",
    "branch_name_en": "China Mobile Shanghai",
    "operator_code": "cmcc",
    "province_code": "31",
    "validity_days": 7,
    "price_cny": "50.00",
    "data_gb": "15.000",
    "data_unlimited": False,
    "domestic_voice_min": 100,
    "intl_voice_min": 0,
    "intl_discount_cap_cny": "0.00",
    "price_per_gb_cny": "3.33",
    "price_per_gb_undefined_reason": None,
    "price_per_day_cny": "7.14",
    "price_per_30_days_cny": "214.29",
    "validity_bucket": "1-7",
    "confidence": "confirmed",
    "is_promotional": False,
    "price_qualifier": "exact",
    "effective_from": "2025-05-01",
    "effective_to": None,
    "is_current": True,
    "status": "in_effect",
    "source": 3,
    "source_citation": "«免签政策红利下，运营商该如何把握机遇？», 通信竞争 Communications Competition, 表1",
    "notes": "",
    "reviewed_by": None,
    "reviewed_at": None,
    "version": 1,
}


class PerkListApi(ListCreateApi):
    """Bundled benefits (咪咕视频钻石会员, 来电显示, 同声译 …)."""

    output_serializer_class = PerkOutputSerializer
    input_serializer_class = PerkInputSerializer
    filterset_class = PerkFilter
    export_basename = "perks"

    def get_queryset(self) -> QuerySet[Perk]:
        return selectors.perk_list()


class PerkDetailApi(DetailApi):
    output_serializer_class = PerkOutputSerializer
    input_serializer_class = PerkInputSerializer

    def get_queryset(self) -> QuerySet[Perk]:
        return selectors.perk_list()


class PlanWrites(BaseApi):
    """Plan writes through plans.services (they also tell the benchmarks tiers changed)."""

    def perform_create(self, data: dict[str, Any]) -> Model:
        perks = data.pop("perks", [])
        data.pop("version", None)
        return services.plan_create(actor=self.actor, perks=perks, **data)

    def perform_update(self, instance: Plan, data: dict[str, Any]) -> Model:
        reason = data.pop("reason", "")
        return services.plan_update(
            plan=instance, changes=data, actor=self.actor, version=self.based_on_version, reason=reason
        )

    def perform_destroy(self, instance: Plan) -> None:
        services.plan_delete(plan=instance, actor=self.actor, version=self.based_on_version)


class PlanListApi(PlanWrites, ListCreateApi):
    """Products (套餐) of the branches, with their perks and the validities their source names."""

    output_serializer_class = PlanOutputSerializer
    input_serializer_class = PlanInputSerializer
    filterset_class = PlanFilter
    export_basename = "plans"

    def get_queryset(self) -> QuerySet[Plan]:
        return selectors.plan_list()


class PlanDetailApi(PlanWrites, DetailApi):
    """One plan, with its version as ETag; a change or delete names the version it is based on
    (If-Match). Deleting it deletes its tiers too (their history is kept)."""

    versioned = True
    output_serializer_class = PlanOutputSerializer
    input_serializer_class = PlanInputSerializer

    def get_queryset(self) -> QuerySet[Plan]:
        return selectors.plan_list()


class TierWrites(BaseApi):
    """Tier writes through plans.services: validated, audited, price history kept."""

    def perform_create(self, data: dict[str, Any]) -> Model:
        for name in ("effective_on", "version", "correction"):
            data.pop(name, None)
        data.setdefault("source", data["plan"].source)
        return services.tier_create(actor=self.actor, **data)

    def perform_update(self, instance: Tier, data: dict[str, Any]) -> Model:
        effective_on = data.pop("effective_on", None)
        reason = data.pop("reason", "")
        if data.pop("correction", False):
            return services.tier_correct(
                tier=instance, changes=data, actor=self.actor, reason=reason, version=self.based_on_version
            )
        return services.tier_update(
            tier=instance,
            changes=data,
            actor=self.actor,
            version=self.based_on_version,
            effective_on=effective_on,
            # Named in the request (even unchanged), it is the new observation's source.
            source=data.pop("source", None),
            reason=reason,
        )

    def perform_destroy(self, instance: Tier) -> None:
        services.tier_delete(tier=instance, actor=self.actor, version=self.based_on_version)


@extend_schema_view(
    get=extend_schema(
        summary="List price tiers",
        examples=[
            OpenApiExample(
                "Shanghai 7-day tiers",
                summary="GET /api/v1/tiers/?province=31&bucket=1-7",
                # One row: the schema generator wraps list examples in the pagination envelope.
                value=TIER_ROW_EXAMPLE,
                response_only=True,
            )
        ],
    ),
    post=extend_schema(
        summary="Create a price tier",
        examples=[
            OpenApiExample(
                "A 7-day tier",
                value={
                    "plan": 5,
                    "validity_days": 7,
                    "price_cny": "50.00",
                    "data_gb": "15",
                    "domestic_voice_min": 100,
                    "intl_voice_min": 0,
                    "intl_discount_cap_cny": "0",
                    "confidence": "confirmed",
                    "effective_from": "2025-05-01",
                },
                request_only=True,
            ),
            OpenApiExample("The created tier", value=TIER_ROW_EXAMPLE, response_only=True, status_codes=["201"]),
        ],
    ),
)
class TierListApi(TierWrites, ListCreateApi):
    """Price points of the plans: validity, price, allowances, computed per-GB/per-day prices, dates, source."""

    output_serializer_class = TierOutputSerializer
    input_serializer_class = TierInputSerializer
    filterset_class = TierFilter
    export_basename = "tiers"
    stream_exports = True  # a whole market's tiers: streamed, never built in memory
    estimated_count = True  # a million tiers unfiltered: counted from the statistics

    def get_queryset(self) -> QuerySet[Tier]:
        return selectors.tier_list()


@extend_schema_view(
    patch=extend_schema(
        description="Change a tier, based on the version named in If-Match (or `version`). A non-price field "
        "is edited in place. Changing the price or an allowance of a tier that has not ended is a new "
        "observation: it must name its `source`; the tier is closed on `effective_on` (default today; a "
        "future day schedules the change) and a new tier starts that day: the response is the new tier, with "
        "a new id (named in Content-Location, its version in the ETag). A tier that has ended is history: "
        "only `correction: true` with a `reason` changes it."
    ),
    put=extend_schema(description="Replace a tier's fields; a price change supersedes it as PATCH does."),
)
class TierDetailApi(TierWrites, DetailApi):
    """One price tier, with its version as ETag."""

    versioned = True
    output_serializer_class = TierOutputSerializer
    input_serializer_class = TierInputSerializer

    def get_queryset(self) -> QuerySet[Tier]:
        return selectors.tier_list()

    def detail_location(self, instance: Model) -> str | None:
        return self.request.build_absolute_uri(reverse("api-tier-detail", args=[instance.pk]))


class TierReviewApi(BaseApi):
    """Record that a second analyst checked a tier's figures against its source (as the admin's review action)."""

    renderer_classes = [JSONRenderer]
    filter_backends: list[Any] = []
    output_serializer_class = TierOutputSerializer
    version_checked_methods = ("POST",)  # an optional If-Match: the schema lists its 412

    def get_queryset(self) -> QuerySet[Tier]:
        return selectors.tier_list()

    @extend_schema(
        request=None,
        parameters=[
            if_match_parameter(
                'Optional: the ETag of the version you checked, e.g. "3"; a tier changed since is a 412.'
            )
        ],
        description="Approve the tier's current figures as the requesting analyst (a second pair of eyes). "
        "Refused (400 on `reviewed_by`) when the reviewer authored any version of the tier's figures. A later "
        "change of a reviewed field voids the review.",
    )
    def post(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        version = if_match_version(request)
        tier = services.tier_mark_reviewed(tier=self.get_object(), reviewer=self.actor, version=version)
        response = Response(self.output(tier))
        response["ETag"] = f'"{tier.version}"'
        return response
