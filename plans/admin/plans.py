"""Admin of perks and plans (with their tiers inline); every write goes through plans.services."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.db import models
from django.db.models import (
    Count,
    F,
    OuterRef,
    QuerySet,
    Subquery,
    Value,
)
from django.db.models.functions import Coalesce
from django.forms import BaseInlineFormSet, BaseModelForm
from django.http import HttpRequest
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from core.admin import (
    ServiceAdmin,
    ServiceInline,
    VersionedModelForm,
    actor_of,
    adopt,
    form_changes,
    instance_values,
)
from core.audit import AuditTrailActionMixin
from operators.admin import operator_filter, province_filter
from plans.admin.display import TierDisplayMixin
from plans.admin.forms import TierChangeForm, tier_save
from plans.models import Perk, Plan, Tier
from plans.resources import AnalystImportExportMixin, PlanResource
from plans.services import (
    plan_create,
    plan_delete,
    plan_update,
    tier_delete,
)


class TierInlineForm(TierChangeForm):
    """An inline tier row whose source may be left empty: it then cites the plan's own source."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if self.instance.pk is None:  # a stored tier keeps the source it has
            source = self.fields["source"]
            source.required = False
            source.help_text = _("Empty: the plan's source.")


# The inline's rows laid out as short lines of related fields (stacked, not one 17-column table row),
# so a tier fits a 1440 px screen and an error shows beside its field instead of off to the right.
TIER_INLINE_LINES: tuple[tuple[str, ...], ...] = (
    ("validity_days", "price_cny", "price_qualifier"),
    ("data_gb", "data_unlimited", "per_gb", "per_day"),
    ("domestic_voice_min", "intl_voice_min", "intl_discount_cap_cny"),
    ("confidence", "is_promotional"),
    ("effective_from", "effective_to"),
    ("source",),
    ("new_source", "reason"),
    ("based_on_version",),
)


# A plan collects a tier per price change: its page shows this many (the open ones, then the latest
# ended), so the page stays small whatever the plan's history; the rest are a link away.
TIER_INLINE_LIMIT = 10


class TierInlineFormSet(BaseInlineFormSet):
    """The plan's tiers inline: open tiers first, then the latest ended ones, at most TIER_INLINE_LIMIT."""

    hidden_count = 0

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if self.instance.pk is None:
            return
        latest = (
            Tier.objects.filter(plan=self.instance)
            .order_by(F("effective_to").desc(nulls_first=True), F("effective_from").desc(nulls_last=True), "-pk")
            .values_list("pk", flat=True)
        )
        shown = list(latest[: TIER_INLINE_LIMIT + 1])
        if len(shown) > TIER_INLINE_LIMIT:
            self.hidden_count = latest.count() - TIER_INLINE_LIMIT
            assert self.queryset is not None  # BaseInlineFormSet always sets the plan's tiers
            self.queryset = self.queryset.filter(pk__in=shown[:TIER_INLINE_LIMIT])

    def _construct_form(self, i: int, **kwargs: Any) -> Any:
        form = super()._construct_form(i, **kwargs)  # type: ignore[misc]
        # Each row's tier belongs to this plan: share the loaded plan rather than fetch it again per row.
        if self.instance.pk is not None:
            form.instance.plan = self.instance
        return form

    @property
    def all_tiers_url(self) -> str:
        return f"{reverse('admin:plans_tier_changelist')}?plan__id__exact={self.instance.pk}"


class TierInline(TierDisplayMixin, ServiceInline):
    model = Tier
    form = TierInlineForm
    formset = TierInlineFormSet
    template = "admin/plans/plan/tier_inline.html"
    # Every editable field but the plan (the inline's parent) and the notes (edited on the tier's own page),
    # then what a price change needs, and the version the row was opened on (hidden).
    fieldsets = ((None, {"fields": TIER_INLINE_LINES}),)
    readonly_fields = ("per_gb", "per_day")
    autocomplete_fields = ("source",)
    extra = 1
    show_change_link = True
    verbose_name_plural = _("price tiers (a price change of a current tier starts a new tier)")

    def get_queryset(self, request: HttpRequest) -> QuerySet[Tier]:
        return super().get_queryset(request).select_related("source")

    def service_save(self, *, request: HttpRequest, form: BaseModelForm, change: bool) -> None:
        if not change and form.cleaned_data.get("source") is None:
            # A new row left without a source cites its plan's (the plan form just saved it, so it is set).
            form.instance.source_id = form.instance.plan.source_id
        tier_save(request=request, form=form, change=change)

    def service_delete(self, *, request: HttpRequest, obj: models.Model) -> None:
        tier_delete(tier=obj, actor=actor_of(request))  # type: ignore[arg-type]


@admin.register(Perk)
class PerkAdmin(ServiceAdmin):
    list_display = ("name_zh", "name_en", "category", "plan_count")
    list_filter = ("category",)
    search_fields = ("name_zh", "name_en", "description")

    def get_queryset(self, request: HttpRequest) -> QuerySet[Perk]:
        return super().get_queryset(request).annotate(plan_total=Count("plans"))

    @admin.display(description=_("plans"), ordering="plan_total")
    def plan_count(self, obj: Perk) -> int:
        return obj.plan_total  # type: ignore[attr-defined]


@admin.register(Plan)
class PlanAdmin(AnalystImportExportMixin, AuditTrailActionMixin, ServiceAdmin):
    form = VersionedModelForm
    resource_classes = [PlanResource]
    list_display = (
        "name_zh",
        "name_en",
        "branch",
        "operator_code",
        "segment",
        "current_tier_count",
        "launched_on",
        "withdrawn_on",
        "source",
    )
    list_filter = (
        operator_filter("branch__operator"),
        province_filter("branch__province"),
        "segment",
        "perks__category",
    )
    search_fields = (
        "name_zh",
        "name_en",
        "branch__name_zh",
        "branch__name_en",
        "=branch__operator__code",
        "=branch__province__code",
        "perks__name_zh",
        "perks__name_en",
    )
    autocomplete_fields = ("branch", "source", "perks")
    list_select_related = ("branch__operator", "source")
    inlines = (TierInline,)
    # Newest first, by the primary key's index: the model's order (province, operator, name) sorts
    # every plan on each page view. The columns still sort on a click.
    ordering = ("-pk",)

    def get_queryset(self, request: HttpRequest) -> QuerySet[Plan]:
        # Counted by the one definition of "in effect" (a subquery, so the join stays out of the list query).
        in_effect = Tier.objects.current().filter(plan=OuterRef("pk")).order_by().values("plan").annotate(n=Count("pk"))
        return super().get_queryset(request).annotate(current_tiers=Coalesce(Subquery(in_effect.values("n")), Value(0)))

    @admin.display(description=_("operator"), ordering="branch__operator__code")
    def operator_code(self, obj: Plan) -> str:
        return obj.branch.operator.code

    @admin.display(description=_("current tiers"), ordering="current_tiers")
    def current_tier_count(self, obj: Plan) -> int:
        return obj.current_tiers  # type: ignore[attr-defined]

    def get_formset_kwargs(self, request: HttpRequest, obj: Plan, inline: Any, prefix: str) -> dict[str, Any]:
        kwargs = super().get_formset_kwargs(request, obj, inline, prefix)
        # New tiers usually cite the plan's own source: offer it. The same initial on GET and POST,
        # so an untouched extra row still counts as unchanged and is skipped.
        if isinstance(inline, TierInline) and obj.pk and obj.source_id:
            kwargs["initial"] = [{"source": obj.source_id}] * inline.get_extra(request, obj)
        return kwargs

    def service_save(self, *, request: HttpRequest, obj: models.Model, form: BaseModelForm, change: bool) -> None:
        if change:
            changes = form_changes(form, add=False)
            # When only the tiers inline changed, the plan row needs no write (and no extra signal).
            if changes:
                plan_update(
                    plan=obj,  # type: ignore[arg-type]
                    changes=changes,
                    actor=actor_of(request),
                    version=form.cleaned_data.get("based_on_version"),
                )
            return
        values = instance_values(obj)
        plan = plan_create(actor=actor_of(request), perks=form.cleaned_data.get("perks", ()), **values)
        adopt(obj, plan)

    def service_delete(self, *, request: HttpRequest, obj: models.Model) -> None:
        plan_delete(plan=obj, actor=actor_of(request))  # type: ignore[arg-type]
