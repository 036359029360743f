"""Admin of the benchmark runs: read-only rows, the latest run's date, and a recompute button."""

from __future__ import annotations

from typing import Any

from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import URLPattern, path, reverse
from django.utils.translation import gettext_lazy as _

from competition.benchmarks.models import (
    BenchmarkBucketSummary,
    BenchmarkRun,
)
from core.admin import LargeTableAdmin
from core.roles import is_analyst

# --------------------------------------------------------------------------- benchmark runs (analytics)
# Runs are written only by competition.benchmarks.services: the admin shows them read-only, says when the
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
class BenchmarkRunAdmin(LargeTableAdmin):
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
        from competition.benchmarks import scheduling, selectors

        running = selectors.benchmark_run_in_progress()
        # A task that exhausted its retries leaves a failed run newer than the published one: say so.
        finished = BenchmarkRun.objects.exclude(status=BenchmarkRun.Status.RUNNING).order_by("-started_at", "-id")
        newest = finished.first()
        context = {
            "latest_run": selectors.benchmark_run_latest(),
            "failed_run": newest if newest is not None and newest.status == BenchmarkRun.Status.FAILED else None,
            "running_run": running,
            "pending_since": scheduling.benchmarks_pending_since(),
            "can_recompute": self.can_recompute(request),
            # While a run is in progress the page reloads itself, so its stage and percentage move.
            "refresh_seconds": 3 if running else None,
            **(extra_context or {}),
        }
        return super().changelist_view(request, extra_context=context)

    def recompute_view(self, request: HttpRequest) -> HttpResponse:
        from competition.benchmarks import scheduling, selectors

        changelist = reverse("admin:competition_benchmarkrun_changelist")
        if request.method != "POST":
            return redirect(changelist)
        if not self.can_recompute(request):
            raise PermissionDenied
        before = selectors.benchmark_run_latest()
        try:
            # Pending first: if the broker is down the catch-up beat or the nightly run still does it.
            scheduling.benchmarks_mark_pending()
            published = scheduling.benchmarks_publish(trigger="admin", requested_by_id=request.user.pk)
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
        elif published:
            self.message_user(request, _("Recompute queued; this page shows its progress."), messages.INFO)
        else:
            self.message_user(
                request,
                _(
                    "The task queue does not answer: the recompute is pending and runs once it is back "
                    "(at the latest with the nightly run)."
                ),
                messages.WARNING,
            )
        return redirect(changelist)
