"""API routes of the draft analyser, its saved sets and the rank sensitivity table."""

from django.urls import path

from competition.analyser import apis

urlpatterns: list = [
    path("analyser/", apis.AnalyserApi.as_view(), name="api-analyser"),
    path("analyser/sets/", apis.DraftSetListApi.as_view(), name="api-draft-set-list"),
    path("analyser/sets/<int:pk>/", apis.DraftSetDetailApi.as_view(), name="api-draft-set-detail"),
    path("analyser/shared/<uuid:token>/", apis.DraftSetSharedApi.as_view(), name="api-draft-set-shared"),
    path("benchmarks/sensitivity/", apis.BenchmarkSensitivityApi.as_view(), name="api-benchmark-sensitivity"),
]
