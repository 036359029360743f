"""Query filters of launches, partners and strategies. Unknown values are a 400 naming the parameter."""

from __future__ import annotations

import django_filters

from competition.market.models import KeyFigure, Launch, Partner, Strategy, StrategyMilestone
from core.filters import IdFilter, ordering, text_search
from operators.filters import operator_filter, province_filter
from operators.models import Branch
from plans.models import Plan


class PartnerFilter(django_filters.FilterSet):
    kind = django_filters.ChoiceFilter(choices=Partner.Kind.choices, help_text="Kind of company.")
    q = text_search(["name_zh", "name_en"])
    ordering = ordering({"id": "id", "name_zh": "name_zh"})

    class Meta:
        model = Partner
        fields = ["kind"]


class LaunchFilter(django_filters.FilterSet):
    operator = operator_filter("operator")
    province = province_filter(
        "branch__province",
        help_text="GB/T 2260 province code of the launching branch; operator-wide launches have none. "
        "An unknown code is a 404.",
    )
    branch = IdFilter(queryset=Branch.objects.all(), help_text="Branch id (see /branches/). An unknown id is a 404.")
    kind = django_filters.ChoiceFilter(choices=Launch.Kind.choices, help_text="What was launched.")
    partner = IdFilter(
        field_name="partners",
        queryset=Partner.objects.all(),
        help_text="Launches with this partner (id, see /partners/).",
    )
    plan = IdFilter(field_name="plans", queryset=Plan.objects.all(), help_text="Launches linked to this plan (id).")
    launched_from = django_filters.DateFilter(
        field_name="launched_on", lookup_expr="gte", help_text="Launched on or after this date (YYYY-MM-DD)."
    )
    launched_to = django_filters.DateFilter(
        field_name="launched_on", lookup_expr="lte", help_text="Launched on or before this date (YYYY-MM-DD)."
    )
    q = text_search(["name_zh", "name_en", "summary_zh", "summary_en"])
    ordering = ordering({"id": "id", "launched_on": "launched_on"})

    class Meta:
        model = Launch
        fields = ["operator", "province", "branch", "kind"]


class StrategyFilter(django_filters.FilterSet):
    operator = operator_filter(
        "operator", help_text="Operator code (cmcc, cucc, ctcc, cbn). Industry-wide strategies have none."
    )
    theme = django_filters.ChoiceFilter(choices=Strategy.Theme.choices, help_text="Strategic theme.")
    q = text_search(["title_zh", "title_en", "summary_zh", "summary_en"])
    ordering = ordering({"id": "id", "theme": "theme"})

    class Meta:
        model = Strategy
        fields = ["operator", "theme"]


class StrategyMilestoneFilter(django_filters.FilterSet):
    happened_from = django_filters.DateFilter(
        field_name="happened_on", lookup_expr="gte", help_text="On or after this date (YYYY-MM-DD)."
    )
    happened_to = django_filters.DateFilter(
        field_name="happened_on", lookup_expr="lte", help_text="On or before this date (YYYY-MM-DD)."
    )
    ordering = ordering({"id": "id", "happened_on": "happened_on"})

    class Meta:
        model = StrategyMilestone
        fields: list[str] = []


class KeyFigureFilter(django_filters.FilterSet):
    unit = django_filters.CharFilter(help_text="Exactly this unit as printed, e.g. 亿元.", max_length=32)
    q = text_search(["label_zh", "label_en"])
    ordering = ordering({"id": "id", "amount": "amount", "as_of": "as_of"})

    class Meta:
        model = KeyFigure
        fields = ["unit"]
