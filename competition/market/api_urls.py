"""API routes of partners, launches and strategies (milestones and key figures as sub-resources)."""

from django.urls import path

from competition.market import apis

urlpatterns: list = [
    # Launches, partners and strategies (competition/apis.py).
    path("partners/", apis.PartnerListApi.as_view(), name="api-partner-list"),
    path("partners/<int:pk>/", apis.PartnerDetailApi.as_view(), name="api-partner-detail"),
    path("launches/", apis.LaunchListApi.as_view(), name="api-launch-list"),
    path("launches/<int:pk>/", apis.LaunchDetailApi.as_view(), name="api-launch-detail"),
    path("strategies/", apis.StrategyListApi.as_view(), name="api-strategy-list"),
    path("strategies/<int:pk>/", apis.StrategyDetailApi.as_view(), name="api-strategy-detail"),
    path(
        "strategies/<int:strategy_id>/milestones/",
        apis.StrategyMilestoneListApi.as_view(),
        name="api-strategy-milestone-list",
    ),
    path(
        "strategies/<int:strategy_id>/milestones/<int:pk>/",
        apis.StrategyMilestoneDetailApi.as_view(),
        name="api-strategy-milestone-detail",
    ),
    path(
        "strategies/<int:strategy_id>/key-figures/",
        apis.KeyFigureListApi.as_view(),
        name="api-strategy-key-figure-list",
    ),
    path(
        "strategies/<int:strategy_id>/key-figures/<int:pk>/",
        apis.KeyFigureDetailApi.as_view(),
        name="api-strategy-key-figure-detail",
    ),
]
