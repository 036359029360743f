"""Query filters of plans, tiers and perks. Unknown values are a 400 naming the parameter."""

from __future__ import annotations

import datetime
from typing import cast

import django_filters
from django.db.models import QuerySet
from django.utils import timezone

from core.filters import AmountFilter, IdFilter, IntegerFilter, StrictBooleanFilter, ordering, text_search
from operators.filters import operator_filter, province_filter
from operators.models import Branch
from plans.models import Perk, Plan, Tier, TierReview
from plans.periods import TierQuerySet
from plans.pricing import BUCKET_LABELS, bucket_bounds


class PerkFilter(django_filters.FilterSet):
    category = django_filters.ChoiceFilter(choices=Perk.Category.choices, help_text="Kind of benefit.")
    q = text_search(["name_zh", "name_en", "description"])
    ordering = ordering({"id": "id", "category": "category"})

    class Meta:
        model = Perk
        fields = ["category"]


class PlanFilter(django_filters.FilterSet):
    operator = operator_filter("branch__operator")
    province = province_filter("branch__province")
    branch = IdFilter(queryset=Branch.objects.all(), help_text="Branch id (see /branches/). An unknown id is a 404.")
    segment = django_filters.ChoiceFilter(choices=Plan.Segment.choices, help_text="Market segment.")
    perk = IdFilter(field_name="perks", queryset=Perk.objects.all(), help_text="Plans bundling this perk (id).")
    launched_from = django_filters.DateFilter(
        field_name="launched_on", lookup_expr="gte", help_text="Launched on or after this date (YYYY-MM-DD)."
    )
    launched_to = django_filters.DateFilter(
        field_name="launched_on", lookup_expr="lte", help_text="Launched on or before this date (YYYY-MM-DD)."
    )
    q = text_search(["name_zh", "name_en", "branch__name_zh", "branch__name_en"])
    ordering = ordering({"id": "id", "launched_on": "launched_on", "withdrawn_on": "withdrawn_on"})

    class Meta:
        model = Plan
        fields = ["operator", "province", "branch", "segment"]


def _bucket(queryset: QuerySet, name: str, value: str) -> QuerySet:
    first, last = bucket_bounds(value)
    queryset = queryset.filter(validity_days__gte=first)
    return queryset if last is None else queryset.filter(validity_days__lte=last)


def _current(queryset: QuerySet, name: str, value: bool) -> QuerySet:
    tiers = cast(TierQuerySet, queryset)
    current = tiers.current()
    return current if value else tiers.exclude(pk__in=current.values("pk"))


def _reviewed(queryset: QuerySet, name: str, value: bool) -> QuerySet:
    in_force = TierReview.objects.in_force_for_outer_tier()
    return queryset.filter(in_force) if value else queryset.exclude(in_force)


def _in_effect_on(queryset: QuerySet, name: str, value: datetime.date) -> QuerySet:
    return cast(TierQuerySet, queryset).in_effect(on=value)


def _status(queryset: QuerySet, name: str, value: str) -> QuerySet:
    return cast(TierQuerySet, queryset).with_status(status=value, on=timezone.localdate())


class TierFilter(django_filters.FilterSet):
    operator = operator_filter("plan__branch__operator")
    province = province_filter("plan__branch__province")
    plan = IdFilter(queryset=Plan.objects.all(), help_text="Plan id (see /plans/). An unknown id is a 404.")
    branch = IdFilter(
        field_name="plan__branch",
        queryset=Branch.objects.all(),
        help_text="Branch id (see /branches/). An unknown id is a 404.",
    )
    validity_days = IntegerFilter(help_text="Exactly this validity, in days.")
    validity_days_min = IntegerFilter(field_name="validity_days", lookup_expr="gte", help_text="Validity ≥ days.")
    validity_days_max = IntegerFilter(field_name="validity_days", lookup_expr="lte", help_text="Validity ≤ days.")
    bucket = django_filters.ChoiceFilter(
        choices=[(label, label) for label in BUCKET_LABELS],
        method=_bucket,
        help_text="Validity bucket of comparable tiers: 1-7, 8-14, 15-29 or 30+ days.",
    )
    price_min = AmountFilter(field_name="price_cny", lookup_expr="gte", help_text="Price ≥ this many CNY.")
    price_max = AmountFilter(field_name="price_cny", lookup_expr="lte", help_text="Price ≤ this many CNY.")
    data_min = AmountFilter(
        field_name="data_gb", lookup_expr="gte", help_text="Data ≥ this many GB (unknown data never matches)."
    )
    data_max = AmountFilter(
        field_name="data_gb", lookup_expr="lte", help_text="Data ≤ this many GB (unknown data never matches)."
    )
    confidence = django_filters.ChoiceFilter(
        choices=Tier.Confidence.choices, help_text="confirmed (printed in the source) or inferred."
    )
    is_promotional = StrictBooleanFilter(help_text="Free trials and welcome offers (true) or regular tiers (false).")
    current = StrictBooleanFilter(
        method=_current,
        help_text="true: tiers in effect today (started, not ended, plan on sale); "
        "false: the rest (scheduled and ended ones).",
    )
    status = django_filters.ChoiceFilter(
        choices=Tier.Status.choices,
        method=_status,
        help_text="Status today: scheduled (a future-dated price, listed as upcoming), in_effect or ended.",
    )
    reviewed = StrictBooleanFilter(
        method=_reviewed,
        help_text="true: the current figures are approved by a second analyst; false: awaiting review "
        "(never reviewed, or changed since).",
    )
    in_effect_on = django_filters.DateFilter(
        method=_in_effect_on,
        help_text="Tiers in effect on this date (YYYY-MM-DD): started on or before it (or no start date), "
        "not ended by it (end date after it, or none), and their plan on sale that day.",
    )
    q = text_search(["plan__name_zh", "plan__name_en", "plan__branch__name_zh", "plan__branch__name_en"])
    ordering = ordering(
        {
            "id": "id",
            "validity_days": "validity_days",
            "price_cny": "price_cny",
            "data_gb": "data_gb",
            "domestic_voice_min": "domestic_voice_min",
            "intl_voice_min": "intl_voice_min",
            "intl_discount_cap_cny": "intl_discount_cap_cny",
            "per_gb_sort": "price_per_gb_cny",
            "per_day_sort": "price_per_day_cny",
            "per_30_days_sort": "price_per_30_days_cny",
            "effective_from": "effective_from",
            "effective_to": "effective_to",
        }
    )

    class Meta:
        model = Tier
        fields = ["operator", "province", "plan", "validity_days", "confidence", "is_promotional"]
