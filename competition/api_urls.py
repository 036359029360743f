"""API routes of the competition app."""

from django.urls import path

from competition.benchmarks import apis
from competition.market import apis as launch_apis

urlpatterns: list = [
    # Stored benchmarks (competition/apis.py).
    path("benchmarks/per-gb/", apis.BenchmarkPerGbApi.as_view(), name="api-benchmark-per-gb"),
    path("benchmarks/matrix/", apis.BenchmarkMatrixApi.as_view(), name="api-benchmark-matrix"),
    path("benchmarks/baskets/", apis.BenchmarkBasketApi.as_view(), name="api-benchmark-baskets"),
    # Launches, partners and strategies (competition/launch_apis.py).
    path("partners/", launch_apis.PartnerListApi.as_view(), name="api-partner-list"),
    path("partners/<int:pk>/", launch_apis.PartnerDetailApi.as_view(), name="api-partner-detail"),
    path("launches/", launch_apis.LaunchListApi.as_view(), name="api-launch-list"),
    path("launches/<int:pk>/", launch_apis.LaunchDetailApi.as_view(), name="api-launch-detail"),
    path("strategies/", launch_apis.StrategyListApi.as_view(), name="api-strategy-list"),
    path("strategies/<int:pk>/", launch_apis.StrategyDetailApi.as_view(), name="api-strategy-detail"),
    path(
        "strategies/<int:strategy_id>/milestones/",
        launch_apis.StrategyMilestoneListApi.as_view(),
        name="api-strategy-milestone-list",
    ),
    path(
        "strategies/<int:strategy_id>/milestones/<int:pk>/",
        launch_apis.StrategyMilestoneDetailApi.as_view(),
        name="api-strategy-milestone-detail",
    ),
    path(
        "strategies/<int:strategy_id>/key-figures/",
        launch_apis.KeyFigureListApi.as_view(),
        name="api-strategy-key-figure-list",
    ),
    path(
        "strategies/<int:strategy_id>/key-figures/<int:pk>/",
        launch_apis.KeyFigureDetailApi.as_view(),
        name="api-strategy-key-figure-detail",
    ),
]
