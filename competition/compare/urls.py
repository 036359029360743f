"""The comparison pages, mounted at /compare/."""

from django.urls import path

from competition.analyser import views as analyser_views
from competition.changes import feeds as change_feeds
from competition.changes import views as change_views
from competition.compare import views
from competition.watching import views as watching_views

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
    path("changes/", change_views.ChangeFeedView.as_view(), name="changes"),
    path("changes/feed/<int:user_id>/<str:secret>/", change_feeds.ChangeAtomFeed(), name="change-feed"),
    path("watching/", watching_views.WatchingView.as_view(), name="watching"),
    path("trends/", views.TrendView.as_view(), name="trends"),
]
