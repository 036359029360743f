"""The tier admin's export run by a worker: pick the API's filters, get a job page with a download."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import URLPattern, path, reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from core.jobs import job_create
from plans import selectors
from plans.filters import TierFilter
from plans.jobs import TIER_EXPORT


class TierExportJobForm(forms.Form):
    format = forms.ChoiceField(label=gettext_lazy("Format"), choices=[("csv", "CSV"), ("xlsx", "XLSX")])
    operator = forms.CharField(
        label=gettext_lazy("Operator code"), required=False, help_text=gettext_lazy("e.g. cmcc; empty for all")
    )
    province = forms.CharField(
        label=gettext_lazy("Province code"), required=False, help_text=gettext_lazy("e.g. 31; empty for all")
    )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        filters = {name: data[name] for name in ("operator", "province") if data.get(name)}
        # The API's own filters, so a bad code is refused here with the API's words.
        filterset = TierFilter(data=filters, queryset=selectors.tier_list())
        if not filterset.is_valid():
            for name, errors in filterset.errors.items():
                self.add_error(name if name in self.fields else None, errors)
        data["filters"] = filters
        return data


class TierExportJobAdminMixin:
    """Adds `export-job/` to the tier admin: the export as a background job (core.jobs)."""

    admin_site: Any
    model: Any
    has_view_permission: Any
    message_user: Any

    def get_urls(self) -> list[URLPattern]:
        view = self.admin_site.admin_view(self.export_job_view)
        return [path("export-job/", view, name="plans_tier_export_job"), *super().get_urls()]  # type: ignore[misc]

    def export_job_view(self, request: HttpRequest) -> HttpResponse:
        if not self.has_view_permission(request):
            raise PermissionDenied
        form = TierExportJobForm(request.POST or None)
        if request.method == "POST" and form.is_valid():
            job = job_create(
                kind=TIER_EXPORT,
                actor=request.user,  # type: ignore[arg-type]
                params={"format": form.cleaned_data["format"], "filters": form.cleaned_data["filters"]},
            )
            self.message_user(request, _("The export runs in the background."), messages.INFO)
            return HttpResponseRedirect(reverse("admin:core_job_change", args=[job.pk]))
        context = {
            **self.admin_site.each_context(request),
            "title": _("Export tiers in the background"),
            "opts": self.model._meta,
            "form": form,
        }
        return TemplateResponse(request, "admin/plans/tier/export_job.html", context)
