"""The comparison pages under /compare/: thin views that validate a GET filter form, call selectors and render.

Every page is login-protected and answers `?format=csv&table=<name>` with the rows of that table,
built once in competition.compare.tables for both the HTML and the CSV.
"""

from competition.compare.views.base import ComparisonPage
from competition.compare.views.benchmarks import BasketView, BenchmarkView, MatrixView, TrendView
from competition.compare.views.market import LaunchTimelineView, StrategyView
from competition.compare.views.tiers import PlanDetailView, PlanListView, ProvinceCompareView

__all__ = [
    "BasketView",
    "BenchmarkView",
    "ComparisonPage",
    "LaunchTimelineView",
    "MatrixView",
    "PlanDetailView",
    "PlanListView",
    "ProvinceCompareView",
    "StrategyView",
    "TrendView",
]
