"""API routes of the stored benchmarks."""

from django.urls import path

from competition.benchmarks import apis

urlpatterns: list = [
    path("benchmarks/per-gb/", apis.BenchmarkPerGbApi.as_view(), name="api-benchmark-per-gb"),
    path("benchmarks/matrix/", apis.BenchmarkMatrixApi.as_view(), name="api-benchmark-matrix"),
    path("benchmarks/baskets/", apis.BenchmarkBasketApi.as_view(), name="api-benchmark-baskets"),
    path("benchmarks/history/", apis.BenchmarkHistoryApi.as_view(), name="api-benchmark-history"),
]
