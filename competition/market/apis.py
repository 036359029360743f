"""REST endpoints of partners, launches and strategies (milestones and key figures as sub-resources).

Writes use the audited writes of core.services with the request's user, like the admin.
"""

from __future__ import annotations

from typing import Any

from django.db.models import Model, QuerySet
from django.shortcuts import get_object_or_404

from competition.market import selectors as selectors
from competition.market.filters import (
    KeyFigureFilter,
    LaunchFilter,
    PartnerFilter,
    StrategyFilter,
    StrategyMilestoneFilter,
)
from competition.market.models import KeyFigure, Launch, Partner, Strategy, StrategyMilestone
from competition.market.serializers import (
    KeyFigureInputSerializer,
    KeyFigureOutputSerializer,
    LaunchInputSerializer,
    LaunchOutputSerializer,
    PartnerInputSerializer,
    PartnerOutputSerializer,
    StrategyInputSerializer,
    StrategyMilestoneInputSerializer,
    StrategyMilestoneOutputSerializer,
    StrategyOutputSerializer,
)
from core.api.base import BaseApi, DetailApi, ListCreateApi
from core.services import audited_update


class PartnerListApi(ListCreateApi):
    """Companies the operators launch with (中国银联, 北京银行, 浦发银行 …)."""

    output_serializer_class = PartnerOutputSerializer
    input_serializer_class = PartnerInputSerializer
    filterset_class = PartnerFilter
    export_basename = "partners"

    def get_queryset(self) -> QuerySet[Partner]:
        return selectors.partner_list()


class PartnerDetailApi(DetailApi):
    output_serializer_class = PartnerOutputSerializer
    input_serializer_class = PartnerInputSerializer

    def get_queryset(self) -> QuerySet[Partner]:
        return selectors.partner_list()


class LaunchListApi(ListCreateApi):
    """Dated product launches and service moves, with partners and linked plans."""

    output_serializer_class = LaunchOutputSerializer
    input_serializer_class = LaunchInputSerializer
    filterset_class = LaunchFilter
    export_basename = "launches"

    def get_queryset(self) -> QuerySet[Launch]:
        return selectors.launch_list()


class LaunchDetailApi(DetailApi):
    output_serializer_class = LaunchOutputSerializer
    input_serializer_class = LaunchInputSerializer

    def get_queryset(self) -> QuerySet[Launch]:
        return selectors.launch_list()


class StrategyListApi(ListCreateApi):
    """Operators' strategic moves by theme, each with its milestones and key figures (read-only here)."""

    output_serializer_class = StrategyOutputSerializer
    input_serializer_class = StrategyInputSerializer
    filterset_class = StrategyFilter
    export_basename = "strategies"

    def get_queryset(self) -> QuerySet[Strategy]:
        return selectors.strategy_list()


class StrategyDetailApi(DetailApi):
    """One strategy. Deleting it deletes its milestones and key figures."""

    output_serializer_class = StrategyOutputSerializer
    input_serializer_class = StrategyInputSerializer

    def get_queryset(self) -> QuerySet[Strategy]:
        return selectors.strategy_list()


class StrategyChild(BaseApi):
    """Rows that belong to the strategy in the URL: an unknown strategy is a 404, new rows join it."""

    def get_strategy(self) -> Strategy:
        return get_object_or_404(Strategy, pk=self.kwargs["strategy_id"])

    def perform_create(self, data: dict[str, Any]) -> Model:
        model = self.get_queryset().model
        return audited_update(instance=model(strategy=self.get_strategy()), changes=data, actor=self.actor)


class StrategyMilestoneListApi(StrategyChild, ListCreateApi):
    """Dated steps of one strategy."""

    # Names the model for the schema generator, which calls no view with real URL kwargs.
    queryset = StrategyMilestone.objects.none()
    output_serializer_class = StrategyMilestoneOutputSerializer
    input_serializer_class = StrategyMilestoneInputSerializer
    filterset_class = StrategyMilestoneFilter
    export_basename = "strategy-milestones"

    def get_queryset(self) -> QuerySet[StrategyMilestone]:
        return selectors.strategy_milestone_list(strategy_id=self.get_strategy().pk)


class StrategyMilestoneDetailApi(StrategyChild, DetailApi):
    # Names the model for the schema generator, which calls no view with real URL kwargs.
    queryset = StrategyMilestone.objects.none()
    output_serializer_class = StrategyMilestoneOutputSerializer
    input_serializer_class = StrategyMilestoneInputSerializer

    def get_queryset(self) -> QuerySet[StrategyMilestone]:
        return selectors.strategy_milestone_list(strategy_id=self.kwargs["strategy_id"])


class KeyFigureListApi(StrategyChild, ListCreateApi):
    """Figures that back one strategy: an amount with its unit as printed (亿元, 万户, % …)."""

    # Names the model for the schema generator, which calls no view with real URL kwargs.
    queryset = KeyFigure.objects.none()
    output_serializer_class = KeyFigureOutputSerializer
    input_serializer_class = KeyFigureInputSerializer
    filterset_class = KeyFigureFilter
    export_basename = "strategy-key-figures"

    def get_queryset(self) -> QuerySet[KeyFigure]:
        return selectors.strategy_key_figure_list(strategy_id=self.get_strategy().pk)


class KeyFigureDetailApi(StrategyChild, DetailApi):
    # Names the model for the schema generator, which calls no view with real URL kwargs.
    queryset = KeyFigure.objects.none()
    output_serializer_class = KeyFigureOutputSerializer
    input_serializer_class = KeyFigureInputSerializer

    def get_queryset(self) -> QuerySet[KeyFigure]:
        return selectors.strategy_key_figure_list(strategy_id=self.kwargs["strategy_id"])
