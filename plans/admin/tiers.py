"""Admin of price tiers: new prices, corrections, reviews and the import; every write goes through plans.services."""

from __future__ import annotations

from typing import Any

from django.contrib import admin, messages
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import (
    Case,
    DecimalField,
    ExpressionWrapper,
    F,
    QuerySet,
    When,
)
from django.forms import BaseModelForm
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.urls import reverse
from django.utils import timezone
from django.utils.html import format_html, format_html_join
from django.utils.safestring import mark_safe
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from core.admin import (
    ServiceAdmin,
    actor_of,
)
from core.audit import AuditTrailActionMixin
from operators.admin import operator_filter, province_filter
from plans.admin.display import (
    ReviewedFilter,
    StatusFilter,
    TierDisplayMixin,
    ValidityBucketFilter,
    ValidityDaysFilter,
    format_cny,
    review_in_force,
)
from plans.admin.export_jobs import TierExportJobAdminMixin
from plans.admin.forms import SUPERSEDE_HELP, TierAdminForm, successor_of, tier_save
from plans.importing.admin_views import TierImportAdminMixin
from plans.models import Tier
from plans.resources import AnalystImportExportMixin, TierResource
from plans.services import (
    tier_delete,
    tier_mark_reviewed,
)


@admin.register(Tier)
class TierAdmin(
    TierExportJobAdminMixin,
    TierImportAdminMixin,
    AnalystImportExportMixin,
    AuditTrailActionMixin,
    TierDisplayMixin,
    ServiceAdmin,
):
    resource_classes = [TierResource]  # the export; imports go through TierImportAdminMixin's engine view
    # Nine columns that fit a 1440 px screen beside the filters: branch with plan, price with its
    # qualifier, both voice allowances, status with its period, and the flags (confidence, promotional,
    # review) share a column each; the sidebar filters by every one of them.
    import_export_change_list_template = "admin/plans/tier/change_list.html"  # adds the background export
    list_display = (
        "plan_name",
        "validity_days",
        "price",
        "data",
        "per_gb",
        "per_day",
        "voice",
        "period",
        "flags",
    )
    list_display_links = ("plan_name", "validity_days")
    # Nine rich columns a row: 50 rows keep a page of a million tiers quick to render.
    list_per_page = 50
    list_filter = (
        operator_filter("plan__branch__operator"),
        province_filter("plan__branch__province"),
        ValidityBucketFilter,
        ValidityDaysFilter,
        "confidence",
        "is_promotional",
        "price_qualifier",
        StatusFilter,
        "data_unlimited",
        ReviewedFilter,
    )
    search_fields = (
        "plan__name_zh",
        "plan__name_en",
        "plan__branch__name_zh",
        "plan__branch__name_en",
        "=plan__branch__operator__code",
        "=plan__branch__province__code",
        "notes",
    )
    autocomplete_fields = ("plan", "source")
    list_select_related = ("plan__branch", "source")
    form = TierAdminForm
    readonly_fields = ("per_gb", "per_day", "status", "review")
    fieldsets = (
        (
            None,
            {
                "fields": (
                    "plan",
                    "validity_days",
                    "confidence",
                    "is_promotional",
                    "price_qualifier",
                    "source",
                    "based_on_version",
                )
            },
        ),
        (
            _("Price and allowances"),
            {
                "description": SUPERSEDE_HELP,
                "fields": (
                    "price_cny",
                    ("data_gb", "data_unlimited"),
                    ("domestic_voice_min", "intl_voice_min"),
                    "intl_discount_cap_cny",
                    ("per_gb", "per_day"),
                ),
            },
        ),
        (_("Validity period"), {"fields": (("effective_from", "effective_to"), "status")}),
        (None, {"fields": ("notes",)}),
        (_("This change"), {"fields": ("new_source", "reason", "is_correction")}),
        # Given only by the "mark reviewed" action, which enforces the second pair of eyes.
        (_("Review"), {"fields": ("review",)}),
    )
    actions = ("mark_reviewed",)

    def get_fieldsets(self, request: HttpRequest, obj: models.Model | None = None) -> Any:
        fieldsets = super().get_fieldsets(request, obj)
        if obj is not None:
            return fieldsets
        # A new tier is no change of figures and has no review yet: only the reason applies.
        adding = {"new_source", "is_correction", "review", "based_on_version"}
        return [
            (name, {**options, "fields": tuple(field for field in options["fields"] if field not in adding)})
            for name, options in fieldsets
            if any(field not in adding for field in options["fields"])
        ]

    def get_queryset(self, request: HttpRequest) -> QuerySet[Tier]:
        # The per-GB sort key mirrors pricing.price_per_gb; rows without a figure sort last.
        per_gb = ExpressionWrapper(
            F("price_cny") / F("data_gb"), output_field=DecimalField(max_digits=20, decimal_places=6)
        )
        return (
            super()
            .get_queryset(request)
            .annotate(
                reviewed_now=review_in_force(),
                per_gb_sort=Case(
                    When(data_unlimited=False, data_gb__gt=0, then=per_gb),
                    default=None,
                    output_field=DecimalField(max_digits=20, decimal_places=6),
                ),
            )
        )

    @admin.display(description=_("branch · plan"), ordering="plan__branch__name_zh")
    def plan_name(self, obj: Tier) -> str:
        return f"{obj.plan.branch.name_zh} · {obj.plan.name_zh} {obj.plan.name_en}".strip()

    @admin.display(description=_("price (CNY)"), ordering="price_cny")
    def price(self, obj: Tier) -> str:
        amount = format_cny(obj.price_cny)
        if obj.price_qualifier == Tier.PriceQualifier.FROM:
            return gettext("from %(price)s") % {"price": amount}
        return amount

    @admin.display(description=_("voice min (domestic / intl)"), ordering="domestic_voice_min")
    def voice(self, obj: Tier) -> str:
        def minutes(value: int | None) -> str:
            return "?" if value is None else str(value)

        return f"{minutes(obj.domestic_voice_min)} / {minutes(obj.intl_voice_min)}"

    @admin.display(description=_("status and period"), ordering="effective_from")
    def period(self, obj: Tier) -> str:
        start = obj.effective_from.isoformat() if obj.effective_from else gettext("undated")
        span = f"{start} – {obj.effective_to.isoformat()}" if obj.effective_to else f"{start} –"
        return format_html("{}<br>{}", self.status(obj), span)

    @admin.display(description=_("flags"))
    def flags(self, obj: Tier) -> str:
        shown = [gettext("inferred") if obj.confidence == Tier.Confidence.INFERRED else gettext("confirmed")]
        if obj.is_promotional:
            shown.append(gettext("promotional"))
        shown.append(gettext("reviewed") if self.reviewed(obj) else gettext("not reviewed"))
        return format_html_join(mark_safe("<br>"), "{}", ((flag,) for flag in shown))

    @admin.display(description=_("reviewed"), boolean=True, ordering="reviewed_now")
    def reviewed(self, obj: Tier) -> bool:
        return bool(getattr(obj, "reviewed_now", False))

    @admin.display(description=_("review"))
    def review(self, obj: Tier) -> str:
        """The review in force, then the voided ones: their records stay when a change voids them."""
        reviews = list(obj.reviews.select_related("reviewer").order_by("-reviewed_at")) if obj.pk else []
        lines = [] if any(r.voided_at is None for r in reviews) else [gettext("Not reviewed (or voided since).")]
        for review in reviews:
            given = gettext("Reviewed by %(user)s on %(date)s (version %(version)s).") % {
                "user": review.reviewer.get_username(),
                "date": timezone.localtime(review.reviewed_at).strftime("%Y-%m-%d %H:%M"),
                "version": review.tier_version,
            }
            if review.voided_at is not None:
                given = gettext("Voided by version %(version)s: %(review)s") % {
                    "version": review.voided_by_version,
                    "review": given,
                }
            lines.append(given)
        return " ".join(lines)

    @admin.action(
        description=_("Mark the selected tiers reviewed (by me, as the second analyst)"), permissions=["change"]
    )
    def mark_reviewed(self, request: HttpRequest, queryset: QuerySet[Tier]) -> None:
        reviewed = 0
        for tier in queryset:
            try:
                tier_mark_reviewed(tier=tier, reviewer=actor_of(request))
            except ValidationError as error:
                self.message_user(request, f"{tier}: {' '.join(error.messages)}", messages.WARNING)
            else:
                reviewed += 1
        if reviewed:
            self.message_user(request, gettext("%(count)d tier(s) marked reviewed.") % {"count": reviewed})

    def service_save(self, *, request: HttpRequest, obj: models.Model, form: BaseModelForm, change: bool) -> None:
        tier_save(request=request, form=form, change=change)
        if change:
            # The form's instance holds the submitted figures; show what is stored now.
            obj.refresh_from_db()

    def service_delete(self, *, request: HttpRequest, obj: models.Model) -> None:
        tier_delete(tier=obj, actor=actor_of(request))  # type: ignore[arg-type]

    def response_change(self, request: HttpRequest, obj: models.Model) -> HttpResponse:
        successor = successor_of(request, obj)  # type: ignore[arg-type]
        if successor is not None:
            # A price change closed `obj` and started `successor`: the success message names the new tier
            # and its price (not the closed one's), and "save and continue" edits the tier now current.
            return self._response_new_price(request, successor)
        return super().response_change(request, obj)

    def _response_new_price(self, request: HttpRequest, successor: Tier) -> HttpResponse:
        """A price change closed the tier of this page and started `successor`: say so, naming the new
        tier and its price (Django's "changed successfully" would name and link the closed one), and
        "save and continue" edits the tier that is current now."""
        self._flush_notes(request)
        url = reverse("admin:plans_tier_change", args=[successor.pk])
        self.message_user(
            request,
            format_html(
                gettext("The new price tier “{}” was saved."), format_html('<a href="{}">{}</a>', url, successor)
            ),
            messages.SUCCESS,
        )
        if "_continue" in request.POST:
            return HttpResponseRedirect(url)
        if "_addanother" in request.POST:
            return HttpResponseRedirect(reverse("admin:plans_tier_add"))
        return self.response_post_save_change(request, successor)
