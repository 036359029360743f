"""How the admin shows tiers: money, data and per-GB cells, sidebar filters, the shared display columns."""

from __future__ import annotations

from decimal import Decimal
from typing import cast

from django.contrib import admin
from django.db.models import (
    Exists,
    QuerySet,
)
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from plans import pricing
from plans.models import Tier, TierReview
from plans.periods import TierQuerySet
from plans.selectors import tier_validity_days_list


def review_in_force() -> Exists:
    return TierReview.objects.in_force_for_outer_tier()


def format_cny(amount: Decimal | None) -> str:
    return "—" if amount is None else f"¥{pricing.round_cny(amount)}"


def data_display(tier: Tier) -> str:
    if tier.data_unlimited:
        return gettext("unlimited")
    if tier.data_gb is None:
        return gettext("unknown")
    return f"{tier.data_gb.normalize():f} GB"


def per_gb_display(tier: Tier) -> str:
    per_gb = tier.price_per_gb
    if per_gb.value is None:
        reason = per_gb.undefined_reason.value.replace("_", " ") if per_gb.undefined_reason else ""
        return f"— ({reason})"
    return format_cny(per_gb.value)


class ValidityBucketFilter(admin.SimpleListFilter):
    """The comparable validity groups of DOMAIN.md (1-7, 8-14, 15-29, 30+ days)."""

    title = _("validity bucket")
    parameter_name = "bucket"

    def lookups(self, request: HttpRequest, model_admin: admin.ModelAdmin) -> list[tuple[str, str]]:
        return [(label, gettext("%(label)s days") % {"label": label}) for label in pricing.BUCKET_LABELS]

    def queryset(self, request: HttpRequest, queryset: QuerySet[Tier]) -> QuerySet[Tier]:
        label = self.value()
        if not label:
            return queryset
        first, last = pricing.bucket_bounds(label)
        queryset = queryset.filter(validity_days__gte=first)
        return queryset if last is None else queryset.filter(validity_days__lte=last)


class ValidityDaysFilter(admin.SimpleListFilter):
    """Tiers of one validity; its choices come from the validity index, not a DISTINCT over every tier."""

    title = _("validity (days)")
    parameter_name = "validity_days"

    def lookups(self, request: HttpRequest, model_admin: admin.ModelAdmin) -> list[tuple[str, str]]:
        return [(str(days), str(days)) for days in tier_validity_days_list()]

    def queryset(self, request: HttpRequest, queryset: QuerySet[Tier]) -> QuerySet[Tier]:
        value = self.value()
        return queryset.filter(validity_days=int(value)) if value and value.isdigit() else queryset


class StatusFilter(admin.SimpleListFilter):
    """Today's status of a tier: scheduled (upcoming), in effect (current) or ended (plans.periods)."""

    title = _("status")
    parameter_name = "status"

    def lookups(self, request: HttpRequest, model_admin: admin.ModelAdmin) -> list[tuple[str, str]]:
        return [(str(value), str(label)) for value, label in Tier.Status.choices]

    def queryset(self, request: HttpRequest, queryset: QuerySet[Tier]) -> QuerySet[Tier]:
        if self.value() not in Tier.Status.values:
            return queryset
        return cast(TierQuerySet, queryset).with_status(status=str(self.value()), on=timezone.localdate())


class TierDisplayMixin:
    """Columns computed from the model's pricing properties, shared by the changelist and the inline."""

    @admin.display(description=_("data"), ordering="data_gb")
    def data(self, obj: Tier) -> str:
        return data_display(obj)

    @admin.display(description=_("CNY per GB"), ordering="per_gb_sort")
    def per_gb(self, obj: Tier) -> str:
        return per_gb_display(obj) if obj.pk else "—"

    @admin.display(description=_("CNY per day"))
    def per_day(self, obj: Tier) -> str:
        return format_cny(obj.price_per_day) if obj.pk else "—"

    @admin.display(description=_("status"))
    def status(self, obj: Tier) -> str:
        """Today's status; a scheduled tier says when it takes over."""
        if not obj.pk:
            return "—"
        status = obj.status
        if status == Tier.Status.SCHEDULED and obj.effective_from:
            return gettext("upcoming from %(day)s") % {"day": obj.effective_from.isoformat()}
        return str(status.label)


class ReviewedFilter(admin.SimpleListFilter):
    title = _("reviewed")
    parameter_name = "reviewed"

    def lookups(self, request: HttpRequest, model_admin: admin.ModelAdmin) -> list[tuple[str, str]]:
        return [("yes", gettext("Reviewed")), ("no", gettext("Awaiting review"))]

    def queryset(self, request: HttpRequest, queryset: QuerySet[Tier]) -> QuerySet[Tier]:
        if self.value() == "yes":
            return queryset.filter(review_in_force())
        if self.value() == "no":
            return queryset.exclude(review_in_force())
        return queryset
