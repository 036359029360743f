"""The comparison pages, mounted at /compare/."""

from django.urls import path

from competition.compare import views

app_name = "compare"

urlpatterns = [
    path("", views.MatrixView.as_view(), name="matrix"),
    path("provinces/", views.ProvinceCompareView.as_view(), name="provinces"),
    path("plans/", views.PlanListView.as_view(), name="plans"),
    path("plans/<int:plan_id>/", views.PlanDetailView.as_view(), name="plan"),
    path("benchmarks/", views.BenchmarkView.as_view(), name="benchmarks"),
    path("basket/", views.BasketView.as_view(), name="basket"),
    path("launches/", views.LaunchTimelineView.as_view(), name="launches"),
    path("strategies/", views.StrategyView.as_view(), name="strategies"),
    path("trends/", views.TrendView.as_view(), name="trends"),
]
