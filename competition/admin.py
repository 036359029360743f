"""Admin for launches, partners and strategies; writes go through operators.services (audited)."""

from __future__ import annotations

from typing import Any

from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.db.models import Count, QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import URLPattern, path, reverse
from django.utils.translation import gettext_lazy as _

from competition.models import (
    BenchmarkBucketSummary,
    BenchmarkRun,
    KeyFigure,
    Launch,
    Partner,
    Strategy,
    StrategyMilestone,
)
from competition.resources import LaunchResource
from operators.admin import ServiceAdmin, ServiceInline, operator_filter, province_filter
from operators.audit import AuditTrailActionMixin
from operators.roles import is_analyst
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
    list_display = ("name_zh", "name_en", "operator", "branch", "kind", "date", "partner_names", "source")
    list_filter = (
        operator_filter("operator"),
        province_filter("branch__province"),
        "kind",
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
        if obj.launched_on is None:
            return "—"
        if obj.date_precision == "month":
            return obj.launched_on.strftime("%Y-%m")
        if obj.date_precision == "year":
            return obj.launched_on.strftime("%Y")
        return obj.launched_on.isoformat()

    @admin.display(description=_("partners"))
    def partner_names(self, obj: Launch) -> str:
        return ", ".join(partner.name_zh for partner in obj.partners.all())


class StrategyMilestoneInline(ServiceInline):
    model = StrategyMilestone
    fields = ("happened_on", "date_precision", "description_zh", "description_en")


class KeyFigureInline(ServiceInline):
    model = KeyFigure
    fields = ("label_zh", "label_en", "amount", "unit", "as_of")


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
    list_display = ("happened_on", "date_precision", "description_zh", "strategy", "theme")
    list_filter = (operator_filter("strategy__operator"), "strategy__theme", "date_precision")
    search_fields = ("description_zh", "description_en", "strategy__title_zh", "strategy__title_en")
    autocomplete_fields = ("strategy",)
    list_select_related = ("strategy__operator",)
    date_hierarchy = "happened_on"

    @admin.display(description=_("theme"), ordering="strategy__theme")
    def theme(self, obj: StrategyMilestone) -> str:
        return obj.strategy.get_theme_display()


@admin.register(KeyFigure)
class KeyFigureAdmin(ServiceAdmin):
    list_display = ("label_zh", "label_en", "amount_display", "unit", "as_of", "strategy")
    list_filter = (operator_filter("strategy__operator"), "strategy__theme", "unit")
    search_fields = ("label_zh", "label_en", "unit", "strategy__title_zh", "strategy__title_en")
    autocomplete_fields = ("strategy",)
    list_select_related = ("strategy__operator",)

    @admin.display(description=_("amount"), ordering="amount")
    def amount_display(self, obj: KeyFigure) -> str:
        return f"{obj.amount.normalize():f}"


# --------------------------------------------------------------------------- benchmark runs (analytics)
# Runs are written only by competition.services: the admin shows them read-only, says when the
# latest one was computed, and lets an analyst ask for a recompute and watch its progress.


class BenchmarkBucketSummaryInline(admin.TabularInline):
    model = BenchmarkBucketSummary
    fields = ("bucket", "median_per_gb_cny", "min_per_gb_cny", "max_per_gb_cny", "sample_count", "tier_count")
    readonly_fields = fields
    extra = 0
    can_delete = False

    def has_add_permission(self, request: HttpRequest, obj: BenchmarkRun | None = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: BenchmarkRun | None = None) -> bool:
        return False


@admin.register(BenchmarkRun)
class BenchmarkRunAdmin(admin.ModelAdmin):
    change_list_template = "admin/competition/benchmarkrun/change_list.html"
    list_display = (
        "id",
        "status",
        "stage_progress",
        "computed_at",
        "trigger",
        "requested_by",
        "input_tier_count",
        "ranked_count",
        "duration_ms",
        "methodology_version",
        "fingerprint",
    )
    list_filter = ("status", "trigger", "methodology_version")
    list_select_related = ("requested_by",)
    inlines = (BenchmarkBucketSummaryInline,)

    def get_readonly_fields(self, request: HttpRequest, obj: BenchmarkRun | None = None) -> list[str]:
        return [field.name for field in BenchmarkRun._meta.fields]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: BenchmarkRun | None = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: BenchmarkRun | None = None) -> bool:
        return False  # the service prunes old runs; deleting the latest by hand would hide the benchmarks

    @admin.display(description=_("stage"))
    def stage_progress(self, obj: BenchmarkRun) -> str:
        if obj.status == BenchmarkRun.Status.RUNNING:
            return f"{obj.get_stage_display()} ({obj.progress}%)"
        return obj.get_stage_display()

    @admin.display(description=_("input fingerprint"))
    def fingerprint(self, obj: BenchmarkRun) -> str:
        return obj.input_fingerprint[:12]

    def get_urls(self) -> list[URLPattern]:
        recompute = path(
            "recompute/",
            self.admin_site.admin_view(self.recompute_view),
            name="competition_benchmarkrun_recompute",
        )
        return [recompute, *super().get_urls()]

    def can_recompute(self, request: HttpRequest) -> bool:
        return is_analyst(request.user)

    def changelist_view(self, request: HttpRequest, extra_context: dict[str, Any] | None = None) -> HttpResponse:
        from competition import selectors

        running = selectors.benchmark_run_in_progress()
        # A task that exhausted its retries leaves a failed run newer than the published one: say so.
        finished = BenchmarkRun.objects.exclude(status=BenchmarkRun.Status.RUNNING).order_by("-started_at", "-id")
        newest = finished.first()
        context = {
            "latest_run": selectors.benchmark_run_latest(),
            "failed_run": newest if newest is not None and newest.status == BenchmarkRun.Status.FAILED else None,
            "running_run": running,
            "can_recompute": self.can_recompute(request),
            # While a run is in progress the page reloads itself, so its stage and percentage move.
            "refresh_seconds": 3 if running else None,
            **(extra_context or {}),
        }
        return super().changelist_view(request, extra_context=context)

    def recompute_view(self, request: HttpRequest) -> HttpResponse:
        from competition import selectors, services

        changelist = reverse("admin:competition_benchmarkrun_changelist")
        if request.method != "POST":
            return redirect(changelist)
        if not self.can_recompute(request):
            raise PermissionDenied
        before = selectors.benchmark_run_latest()
        try:
            services.benchmarks_request_recompute(trigger="admin", requested_by_id=request.user.pk, debounce=False)
        except Exception as error:  # noqa: BLE001 - in eager mode the run happens here; report it on the page
            self.message_user(request, _("The recompute failed: %(error)s") % {"error": error}, messages.ERROR)
            return redirect(changelist)
        after = selectors.benchmark_run_latest()
        if after is not None and after != before:
            self.message_user(
                request,
                _("Benchmarks recomputed: run #%(id)s, %(count)s tiers.")
                % {"id": after.pk, "count": after.input_tier_count},
                messages.SUCCESS,
            )
        else:
            self.message_user(request, _("Recompute queued; this page shows its progress."), messages.INFO)
        return redirect(changelist)
