"""Admin for launches, partners and strategies; writes go through core.services (audited)."""

from __future__ import annotations

from django.contrib import admin
from django.db.models import Count, QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from competition.market.dating import date_display
from competition.market.models import (
    KeyFigure,
    Launch,
    Partner,
    Strategy,
    StrategyMilestone,
)
from competition.market.resources import LaunchResource
from core.admin import ServiceAdmin, ServiceInline
from core.audit import AuditTrailActionMixin
from operators.admin import operator_filter, province_filter
from plans.resources import AnalystImportExportMixin


@admin.register(Partner)
class PartnerAdmin(ServiceAdmin):
    list_display = ("name_zh", "name_en", "kind", "launch_count")
    list_filter = ("kind",)
    search_fields = ("name_zh", "name_en")

    def get_queryset(self, request: HttpRequest) -> QuerySet[Partner]:
        return super().get_queryset(request).annotate(launch_total=Count("launches"))

    @admin.display(description=_("launches"), ordering="launch_total")
    def launch_count(self, obj: Partner) -> int:
        return obj.launch_total  # type: ignore[attr-defined]


@admin.register(Launch)
class LaunchAdmin(AnalystImportExportMixin, AuditTrailActionMixin, ServiceAdmin):
    resource_classes = [LaunchResource]
    list_display = ("name_zh", "name_en", "operator", "branch", "kind", "date", "status", "partner_names", "source")
    list_filter = (
        operator_filter("operator"),
        province_filter("branch__province"),
        "kind",
        "status",
        "date_precision",
        "partners",
    )
    search_fields = (
        "name_zh",
        "name_en",
        "summary_zh",
        "summary_en",
        "=operator__code",
        "operator__name_zh",
        "branch__name_zh",
        "branch__name_en",
        "partners__name_zh",
        "partners__name_en",
    )
    autocomplete_fields = ("operator", "branch", "partners", "plans", "source")
    list_select_related = ("operator", "branch", "source")
    date_hierarchy = "launched_on"

    def get_queryset(self, request: HttpRequest) -> QuerySet[Launch]:
        return super().get_queryset(request).prefetch_related("partners")

    @admin.display(description=_("date"), ordering="launched_on")
    def date(self, obj: Launch) -> str:
        """The date only as precise as the source gives it (2025-03 for a month)."""
        return date_display(obj.launched_on, obj.date_precision) or "—"

    @admin.display(description=_("partners"))
    def partner_names(self, obj: Launch) -> str:
        return ", ".join(partner.name_zh for partner in obj.partners.all())


class StrategyMilestoneInline(ServiceInline):
    model = StrategyMilestone
    fields = ("happened_on", "date_precision", "status", "description_zh", "description_en")


class KeyFigureInline(ServiceInline):
    model = KeyFigure
    fields = ("label_zh", "label_en", "amount", "unit", "as_of", "as_of_precision", "status")


@admin.register(Strategy)
class StrategyAdmin(ServiceAdmin):
    list_display = ("title_zh", "title_en", "operator", "theme", "milestone_count", "key_figure_count", "source")
    list_filter = (operator_filter("operator"), "theme")
    search_fields = ("title_zh", "title_en", "summary_zh", "summary_en", "=operator__code", "operator__name_zh")
    autocomplete_fields = ("operator", "source")
    list_select_related = ("operator", "source")
    inlines = (StrategyMilestoneInline, KeyFigureInline)

    def get_queryset(self, request: HttpRequest) -> QuerySet[Strategy]:
        return (
            super()
            .get_queryset(request)
            .annotate(
                milestone_total=Count("milestones", distinct=True),
                key_figure_total=Count("key_figures", distinct=True),
            )
        )

    @admin.display(description=_("milestones"), ordering="milestone_total")
    def milestone_count(self, obj: Strategy) -> int:
        return obj.milestone_total  # type: ignore[attr-defined]

    @admin.display(description=_("key figures"), ordering="key_figure_total")
    def key_figure_count(self, obj: Strategy) -> int:
        return obj.key_figure_total  # type: ignore[attr-defined]


@admin.register(StrategyMilestone)
class StrategyMilestoneAdmin(ServiceAdmin):
    list_display = ("date", "date_precision", "status", "description_zh", "strategy", "theme")
    list_filter = (operator_filter("strategy__operator"), "strategy__theme", "status", "date_precision")
    search_fields = ("description_zh", "description_en", "strategy__title_zh", "strategy__title_en")
    autocomplete_fields = ("strategy",)
    list_select_related = ("strategy__operator",)
    date_hierarchy = "happened_on"

    @admin.display(description=_("date"), ordering="happened_on")
    def date(self, obj: StrategyMilestone) -> str:
        return date_display(obj.happened_on, obj.date_precision) or "—"

    @admin.display(description=_("theme"), ordering="strategy__theme")
    def theme(self, obj: StrategyMilestone) -> str:
        return obj.strategy.get_theme_display()


@admin.register(KeyFigure)
class KeyFigureAdmin(ServiceAdmin):
    list_display = ("label_zh", "label_en", "amount_display", "unit", "as_of_display", "status", "strategy")
    list_filter = (operator_filter("strategy__operator"), "strategy__theme", "status", "as_of_precision", "unit")
    search_fields = ("label_zh", "label_en", "unit", "strategy__title_zh", "strategy__title_en")
    autocomplete_fields = ("strategy",)
    list_select_related = ("strategy__operator",)

    @admin.display(description=_("amount"), ordering="amount")
    def amount_display(self, obj: KeyFigure) -> str:
        return f"{obj.amount.normalize():f}"

    @admin.display(description=_("as of"), ordering="as_of")
    def as_of_display(self, obj: KeyFigure) -> str:
        return date_display(obj.as_of, obj.as_of_precision) or "—"
