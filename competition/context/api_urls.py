"""API routes of market context: indicator values and exchange rates."""

from django.urls import path

from competition.context import apis

urlpatterns: list = [
    path("indicators/", apis.IndicatorValueListApi.as_view(), name="api-indicator-list"),
    path("indicators/<int:pk>/", apis.IndicatorValueDetailApi.as_view(), name="api-indicator-detail"),
    path("exchange-rates/", apis.ExchangeRateListApi.as_view(), name="api-exchange-rate-list"),
    path("exchange-rates/<int:pk>/", apis.ExchangeRateDetailApi.as_view(), name="api-exchange-rate-detail"),
]
