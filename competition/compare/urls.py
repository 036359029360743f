"""The comparison pages, mounted at /compare/."""

from django.urls import path

from competition.analyser import views as analyser_views
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
    path("analyser/", analyser_views.AnalyserView.as_view(), name="analyser"),
    path("analyser/save/", analyser_views.AnalyserSaveView.as_view(), name="analyser-save"),
    path("analyser/sets/<uuid:token>/", analyser_views.DraftSetView.as_view(), name="analyser-shared"),
    path("sensitivity/", analyser_views.SensitivityView.as_view(), name="sensitivity"),
]
