"""API routes of the operators app (under /api/v1/)."""

from django.urls import path

from operators import apis

urlpatterns: list = [
    path("operators/", apis.OperatorListApi.as_view(), name="api-operator-list"),
    path("operators/<slug:id_or_code>/", apis.OperatorDetailApi.as_view(), name="api-operator-detail"),
    path("provinces/", apis.ProvinceListApi.as_view(), name="api-province-list"),
    path("provinces/<slug:code>/", apis.ProvinceDetailApi.as_view(), name="api-province-detail"),
    path("branches/", apis.BranchListApi.as_view(), name="api-branch-list"),
    path("branches/<int:pk>/", apis.BranchDetailApi.as_view(), name="api-branch-detail"),
    path("sources/", apis.SourceListApi.as_view(), name="api-source-list"),
    path("sources/<int:pk>/", apis.SourceDetailApi.as_view(), name="api-source-detail"),
]
