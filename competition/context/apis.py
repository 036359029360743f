"""REST endpoints of market context: /indicators/ (sourced figures by region and period) and /exchange-rates/.

Writes go through competition.context.services with the request's user; a detail endpoint sends
the row's version as ETag and takes a change only based on a version (If-Match), like tiers.
"""

from __future__ import annotations

from typing import Any

from django.db.models import Model, QuerySet

from competition.context import selectors, services
from competition.context.filters import ExchangeRateFilter, IndicatorValueFilter
from competition.context.models import ExchangeRate, IndicatorValue
from competition.context.serializers import (
    ExchangeRateInputSerializer,
    ExchangeRateOutputSerializer,
    IndicatorValueInputSerializer,
    IndicatorValueOutputSerializer,
)
from core.api.base import BaseApi, DetailApi, ListCreateApi


class VersionedWrites(BaseApi):
    """Create at version 1; change and delete based on the version the client saw."""

    def perform_create(self, data: dict[str, Any]) -> Model:
        data.pop("version", None)
        return services.versioned_create(model=self.get_queryset().model, actor=self.actor, **data)

    def perform_update(self, instance: Any, data: dict[str, Any]) -> Model:
        return services.versioned_update(
            instance=instance, changes=data, actor=self.actor, version=self.based_on_version
        )

    def perform_destroy(self, instance: Any) -> None:
        services.versioned_delete(instance=instance, actor=self.actor, version=self.based_on_version)


class IndicatorValueListApi(VersionedWrites, ListCreateApi):
    """Dated, sourced figures about the nation or a province (market context), each with its citation.

    A flag indicator (indicator_kind `flag`) lists the provinces a source names: one row per
    province, value 1. `confidence` is `inferred` where the source implies the period rather than
    printing it.
    """

    output_serializer_class = IndicatorValueOutputSerializer
    input_serializer_class = IndicatorValueInputSerializer
    filterset_class = IndicatorValueFilter
    export_basename = "indicators"

    def get_queryset(self) -> QuerySet[IndicatorValue]:
        return selectors.indicator_value_list()


class IndicatorValueDetailApi(VersionedWrites, DetailApi):
    """One indicator value, with its version as ETag."""

    versioned = True
    output_serializer_class = IndicatorValueOutputSerializer
    input_serializer_class = IndicatorValueInputSerializer

    def get_queryset(self) -> QuerySet[IndicatorValue]:
        return selectors.indicator_value_list()


class ExchangeRateListApi(VersionedWrites, ListCreateApi):
    """Exchange rates an analyst entered: CNY per unit of USD or EUR on a day, with the source."""

    output_serializer_class = ExchangeRateOutputSerializer
    input_serializer_class = ExchangeRateInputSerializer
    filterset_class = ExchangeRateFilter
    export_basename = "exchange-rates"

    def get_queryset(self) -> QuerySet[ExchangeRate]:
        return selectors.exchange_rate_list()


class ExchangeRateDetailApi(VersionedWrites, DetailApi):
    """One exchange rate, with its version as ETag."""

    versioned = True
    output_serializer_class = ExchangeRateOutputSerializer
    input_serializer_class = ExchangeRateInputSerializer

    def get_queryset(self) -> QuerySet[ExchangeRate]:
        return selectors.exchange_rate_list()
