"""Admin for plans, their price tiers and perks; every write goes through plans.services."""

from __future__ import annotations

from decimal import Decimal
from typing import Any, cast

from django import forms
from django.contrib import admin, messages
from django.contrib.admin.widgets import AutocompleteSelect
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import (
    Case,
    Count,
    DecimalField,
    Exists,
    ExpressionWrapper,
    F,
    OuterRef,
    QuerySet,
    Subquery,
    Value,
    When,
)
from django.db.models.functions import Coalesce
from django.forms import BaseModelForm
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from core.admin import (
    ServiceAdmin,
    ServiceInline,
    VersionedModelForm,
    actor_of,
    adopt,
    form_changes,
    instance_values,
    note,
)
from core.audit import AuditTrailActionMixin
from operators.admin import operator_filter, province_filter
from operators.models import Source
from plans import pricing
from plans.importing.admin_views import TierImportAdminMixin
from plans.models import Perk, Plan, Tier, TierReview
from plans.periods import TierQuerySet
from plans.resources import AnalystImportExportMixin, PlanResource, TierResource
from plans.services import (
    TIER_EDITABLE_FIELDS,
    plan_create,
    plan_delete,
    plan_update,
    tier_correct,
    tier_create,
    tier_delete,
    tier_mark_reviewed,
    tier_update,
)

_SUCCESSORS = "_tier_successors"

SUPERSEDE_HELP = _(
    "Changing the price, data, minutes or discount cap of a tier that has not ended is a new observation: "
    "the tier is not overwritten but closed, and a new tier with the new figures starts on the 'effective from' "
    "date you enter (today if you leave it unchanged; a future date schedules it). Name the source that printed "
    "the new figures below. A tier that has ended is history: tick 'this is a correction' to fix a recorded figure."
)


def _review_in_force() -> Exists:
    return Exists(TierReview.objects.filter(tier=OuterRef("pk"), voided_at__isnull=True))


class TierChangeForm(VersionedModelForm):
    """The tier's fields plus what a change needs: the version it was opened on (hidden), the source
    of a new price (empty: a new price never inherits the old one's source) and the reason."""

    new_source = forms.ModelChoiceField(
        queryset=Source.objects.all(),
        required=False,
        label=_("source of the new price"),
        help_text=_("Required for a new price or allowance: the source that printed it."),
        widget=AutocompleteSelect(Tier._meta.get_field("source"), admin.site),
    )
    reason = forms.CharField(
        required=False,
        label=_("reason"),
        help_text=_("Why the figures change; kept in the audit trail."),
        widget=forms.TextInput(attrs={"size": 40}),
    )


class TierAdminForm(TierChangeForm):
    is_correction = forms.BooleanField(
        required=False,
        label=_("this is a correction"),
        help_text=_(
            "Fix a wrongly recorded figure in place (also on a tier that has ended) instead of starting a new "
            "price. A reason is required."
        ),
    )


def _as_new_source_error(error: ValidationError) -> ValidationError:
    """Show "name the source" on the form's new-price source field, where the analyst fills it in."""
    if not hasattr(error, "error_dict") or "source" not in error.error_dict:
        return error
    errors = dict(error.error_dict)
    missing = [item for item in errors["source"] if item.code == "source_required"]
    if missing:
        errors["new_source"] = missing
        errors["source"] = [item for item in errors["source"] if item.code != "source_required"]
        if not errors["source"]:
            del errors["source"]
    return ValidationError(errors)


def tier_save(*, request: HttpRequest, form: BaseModelForm, change: bool) -> Tier:
    """Create or change a tier from a validated admin form; returns the tier holding the new figures.

    The services decide whether a change supersedes the tier, edits it or is refused; the form
    only passes what the analyst entered: the changed fields, the version the form was opened on,
    the source of a new price, the reason, and whether this is a correction.
    """
    actor = actor_of(request)
    data = form.cleaned_data
    reason = data.get("reason") or ""
    if not change:
        tier = tier_create(actor=actor, reason=reason, **instance_values(form.instance))
        adopt(form.instance, tier)
        return tier
    stored = Tier.objects.get(pk=form.instance.pk)
    changes = form_changes(form, add=False)
    version = data.get("based_on_version")
    if data.get("is_correction"):
        return tier_correct(tier=stored, changes=changes, actor=actor, reason=reason, version=version)
    try:
        current = tier_update(
            tier=stored, changes=changes, actor=actor, version=version, source=data.get("new_source"), reason=reason
        )
    except ValidationError as error:
        raise _as_new_source_error(error) from error
    if current.pk != stored.pk:
        stored.refresh_from_db()
        setattr(request, _SUCCESSORS, {**getattr(request, _SUCCESSORS, {}), stored.pk: current})
        if current.effective_from and current.effective_from > timezone.localdate():
            message = gettext(
                "New price: “%(old)s” now ends on %(date)s and “%(new)s” is scheduled to take over that day."
            )
        else:
            message = gettext("New price: “%(old)s” now ends on %(date)s and “%(new)s” is current from that day.")
        note(request, message % {"old": stored, "new": current, "date": current.effective_from})
    return current


def successor_of(request: HttpRequest, tier: Tier) -> Tier | None:
    return getattr(request, _SUCCESSORS, {}).get(tier.pk)


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


class TierInline(TierDisplayMixin, ServiceInline):
    model = Tier
    form = TierChangeForm
    # Every editable field but the plan (the inline's parent) and the notes (edited on the tier's own page),
    # then what a price change needs, and the version the row was opened on (hidden).
    fields = (
        *(name for name in TIER_EDITABLE_FIELDS if name not in {"plan", "notes"}),
        "new_source",
        "reason",
        "per_gb",
        "per_day",
        "based_on_version",
    )
    readonly_fields = ("per_gb", "per_day")
    autocomplete_fields = ("source",)
    extra = 1
    show_change_link = True
    verbose_name_plural = _("price tiers (a price change of a current tier starts a new tier)")

    def get_queryset(self, request: HttpRequest) -> QuerySet[Tier]:
        return super().get_queryset(request).select_related("source")

    def service_save(self, *, request: HttpRequest, form: BaseModelForm, change: bool) -> None:
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
    date_hierarchy = "launched_on"

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


class ReviewedFilter(admin.SimpleListFilter):
    title = _("reviewed")
    parameter_name = "reviewed"

    def lookups(self, request: HttpRequest, model_admin: admin.ModelAdmin) -> list[tuple[str, str]]:
        return [("yes", gettext("Reviewed")), ("no", gettext("Awaiting review"))]

    def queryset(self, request: HttpRequest, queryset: QuerySet[Tier]) -> QuerySet[Tier]:
        if self.value() == "yes":
            return queryset.filter(_review_in_force())
        if self.value() == "no":
            return queryset.exclude(_review_in_force())
        return queryset


@admin.register(Tier)
class TierAdmin(TierImportAdminMixin, AnalystImportExportMixin, AuditTrailActionMixin, TierDisplayMixin, ServiceAdmin):
    resource_classes = [TierResource]  # the export; imports go through TierImportAdminMixin's engine view
    list_display = (
        "branch",
        "plan_name",
        "validity_days",
        "price_cny",
        "data",
        "per_gb",
        "per_day",
        "domestic_voice_min",
        "intl_voice_min",
        "confidence",
        "is_promotional",
        "status",
        "effective_from",
        "effective_to",
        "reviewed",
    )
    list_display_links = ("plan_name", "validity_days")
    list_filter = (
        operator_filter("plan__branch__operator"),
        province_filter("plan__branch__province"),
        ValidityBucketFilter,
        "validity_days",
        "confidence",
        "is_promotional",
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
        (None, {"fields": ("plan", "validity_days", "confidence", "is_promotional", "source", "based_on_version")}),
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
                reviewed_now=_review_in_force(),
                per_gb_sort=Case(
                    When(data_unlimited=False, data_gb__gt=0, then=per_gb),
                    default=None,
                    output_field=DecimalField(max_digits=20, decimal_places=6),
                ),
            )
        )

    @admin.display(description=_("branch"), ordering="plan__branch__name_zh")
    def branch(self, obj: Tier) -> str:
        return obj.plan.branch.name_zh

    @admin.display(description=_("plan"), ordering="plan__name_zh")
    def plan_name(self, obj: Tier) -> str:
        return f"{obj.plan.name_zh} {obj.plan.name_en}".strip()

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
        if successor is not None and "_continue" in request.POST:
            # Continue editing the tier that is current now, not the one just closed.
            self._flush_notes(request)
            return HttpResponseRedirect(reverse("admin:plans_tier_change", args=[successor.pk]))
        return super().response_change(request, obj)
