"""API routes of the plans app (under /api/v1/)."""

from django.urls import path

from plans import apis

urlpatterns: list = [
    path("perks/", apis.PerkListApi.as_view(), name="api-perk-list"),
    path("perks/<int:pk>/", apis.PerkDetailApi.as_view(), name="api-perk-detail"),
    path("plans/", apis.PlanListApi.as_view(), name="api-plan-list"),
    path("plans/<int:pk>/", apis.PlanDetailApi.as_view(), name="api-plan-detail"),
    path("tiers/", apis.TierListApi.as_view(), name="api-tier-list"),
    path("tiers/<int:pk>/", apis.TierDetailApi.as_view(), name="api-tier-detail"),
    path("tiers/<int:pk>/review/", apis.TierReviewApi.as_view(), name="api-tier-review"),
]
