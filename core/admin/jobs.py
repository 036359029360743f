"""The admin's page of background jobs: each one's progress bar while it runs, its download when done.

Staff see their own jobs (a superuser sees all). Jobs are made by the doors that start them (the
tier import's confirm, the tier export form), never by hand; the result file is served by
`job_download` to the job's owner only, as evidence files are (uploads are never public media).
"""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.http import FileResponse, Http404, HttpRequest
from django.urls import URLPattern, path, reverse
from django.utils.html import format_html
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from core.admin.scale import LargeTableAdmin
from core.jobs import job_kind_label, job_progress
from core.models import Job


@admin.register(Job)
class JobAdmin(LargeTableAdmin):
    list_display = ("pk", "kind_label", "status", "progress_bar", "input_name", "created_by", "created_at", "download")
    list_filter = ("status", "kind")
    fields = (
        "kind_label",
        "status",
        "progress_bar",
        "summary",
        "input_name",
        "download",
        "attempts",
        "created_by",
        "created_at",
        "started_at",
        "finished_at",
    )
    readonly_fields = fields
    change_form_template = "admin/core/job/change_form.html"

    def get_queryset(self, request: HttpRequest) -> QuerySet[Job]:
        jobs = super().get_queryset(request).select_related("created_by")
        return jobs if request.user.is_superuser else jobs.filter(created_by_id=request.user.pk)

    def has_module_permission(self, request: HttpRequest) -> bool:
        return bool(request.user.is_staff)

    def has_view_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return bool(request.user.is_staff) and (obj is None or _may_see(request, obj))

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return bool(request.user.is_superuser)

    @admin.display(description=_("kind"))
    def kind_label(self, obj: Job) -> str:
        return str(job_kind_label(obj.kind))

    @admin.display(description=_("progress"))
    def progress_bar(self, obj: Job) -> str:
        done, total = job_progress(obj)
        if not total:
            return "–" if obj.finished else gettext("waiting for a worker")
        percent = int(100 * done / total)
        return format_html(
            '<progress class="job-progress" value="{}" max="{}">{}%</progress> {} / {} ({}%)',
            done,
            total,
            percent,
            done,
            total,
            percent,
        )

    @admin.display(description=_("download"))
    def download(self, obj: Job) -> str:
        if not obj.result_file:
            return "–"
        url = reverse("admin:core_job_download", args=[obj.pk])
        return format_html('<a class="job-download" href="{}">{}</a>', url, obj.result_name)

    def get_urls(self) -> list[URLPattern]:
        download = path("<int:pk>/download/", self.admin_site.admin_view(self.job_download), name="core_job_download")
        return [download, *super().get_urls()]

    def job_download(self, request: HttpRequest, pk: int) -> FileResponse:
        job = Job.objects.filter(pk=pk).first()
        if job is None or not job.result_file:
            raise Http404
        if not _may_see(request, job):
            raise PermissionDenied
        return FileResponse(job.result_file.open("rb"), as_attachment=True, filename=job.result_name)

    def change_view(self, request: HttpRequest, object_id: str, form_url: str = "", extra_context: Any = None) -> Any:
        job = Job.objects.filter(pk=object_id).first() if object_id.isdigit() else None
        extra = {**(extra_context or {}), "job_running": bool(job and not job.finished)}
        return super().change_view(request, object_id, form_url, extra_context=extra)


def _may_see(request: HttpRequest, job: Job) -> bool:
    return bool(request.user.is_superuser or job.created_by_id == request.user.pk)
