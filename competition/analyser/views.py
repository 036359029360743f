"""The analyst tools' pages: the draft analyser (/compare/analyser/), a shared draft set, rank sensitivity.

Thin views: the page's rows go to the analyser's one validator (forms.page_input_read), the figures
come from competition.analyser.selectors, the tables from competition.compare.tables, saving goes
through competition.analyser.services. Every page needs a login; saving needs the analyst role.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.views import View

from competition.analyser import selectors, services
from competition.analyser.forms import SensitivityForm, page_input_read, page_rows_from_drafts
from competition.analyser.models import DraftSet
from competition.analyser.validation import MAX_DRAFTS
from competition.compare import tables
from competition.compare.forms import BUCKET_CHOICES
from competition.compare.views.base import ComparisonPage
from core.roles import is_analyst
from operators import selectors as reference_selectors
from operators.models import Province

TEMPLATE = "compare/analyser.html"
# The sensitivity page shows the tiers whose rank moves most; its CSV carries every tier of the bucket.
SENSITIVITY_SHOWN_ROWS = 200


def analyser_context(request: HttpRequest, data: Mapping[str, Any], **extra: Any) -> dict[str, Any]:
    """What the analyser template shows for `data` (the page's rows, province, as_of)."""
    page = page_input_read(data)
    result = selectors.drafts_analyse(analyser_input=page.validated) if page.validated is not None else None
    user = request.user
    return {
        "page": page,
        "result": result,
        "max_drafts": MAX_DRAFTS,
        "provinces": list(reference_selectors.province_list()),
        "operators": list(reference_selectors.operator_list()),
        "can_save": is_analyst(user),
        "draft_sets": list(selectors.draft_set_list(owner=user)) if user.is_authenticated else [],  # type: ignore[arg-type]
        "profiles": selectors.basket_profiles(),
        "tables": {"drafts": tables.draft_position_table(result), "baskets": tables.draft_basket_table(result)},
        **extra,
    }


class AnalyserView(ComparisonPage):
    template_name = TEMPLATE
    csv_basename = "analyser"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        context.update(analyser_context(self.request, self.request.GET))
        return context


class AnalyserSaveView(LoginRequiredMixin, View):
    """POST: save the analysed drafts as a named draft set (analysts), then open its share link."""

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if not is_analyst(request.user):
            raise PermissionDenied(_("Saving a draft set needs the analyst role."))
        context = analyser_context(request, request.POST)
        page = context["page"]
        if page.validated is None:
            return render(request, TEMPLATE, context, status=400)
        province = Province.objects.filter(code=page.validated.province).first() if page.validated.province else None
        try:
            draft_set = services.draft_set_create(
                actor=request.user,  # type: ignore[arg-type]
                name=request.POST.get("name", "").strip(),
                drafts=[draft.as_json() for draft in page.validated.drafts],
                province=province,
                as_of=page.validated.as_of,
            )
        except ValidationError as error:
            context["save_errors"] = [message for messages in error.message_dict.values() for message in messages]
            return render(request, TEMPLATE, context, status=400)
        return HttpResponseRedirect(reverse("compare:analyser-shared", kwargs={"token": draft_set.share_token}))


class DraftSetView(ComparisonPage):
    """A saved draft set by its share link: analysed as of its date; read-only unless you own it."""

    template_name = TEMPLATE
    csv_basename = "draft-set"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        draft_set: DraftSet | None = selectors.draft_set_shared(token=kwargs["token"])
        if draft_set is None:
            raise Http404(_("No draft set has this share link."))
        data = page_rows_from_drafts(draft_set.drafts)
        if draft_set.province_id:
            data["province"] = draft_set.province.code  # type: ignore[union-attr]
        if draft_set.as_of:
            data["as_of"] = draft_set.as_of.isoformat()
        context.update(
            analyser_context(
                self.request,
                data,
                draft_set=draft_set,
                is_owner=draft_set.owner_id == self.request.user.pk,
                open_url=f"{reverse('compare:analyser')}?{urlencode(data)}",
            )
        )
        return context

    def csv_filename(self, table: str, context: dict[str, Any]) -> str:
        return f"draft-set-{context['draft_set'].pk}-{table}"


class SensitivityView(ComparisonPage):
    """A bucket's tiers ranked per GB, per day, per 30 days and per basket, largest rank spread first."""

    template_name = "compare/sensitivity.html"
    csv_basename = "sensitivity"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        form = SensitivityForm(self.request.GET or None)
        bucket = form.value("bucket")
        sensitivity = selectors.rank_sensitivity(bucket=bucket, as_of=self.dated(context, form))
        context.update(
            form=form,
            bucket=bucket,
            buckets=BUCKET_CHOICES,
            sensitivity=sensitivity,
            shown_rows=SENSITIVITY_SHOWN_ROWS,
            # The page renders the first rows only (one read by position when stored); the CSV streams all.
            tables={"sensitivity": tables.sensitivity_table(sensitivity, shown=SENSITIVITY_SHOWN_ROWS)},
        )
        return context

    def csv_filename(self, table: str, context: dict[str, Any]) -> str:
        return f"sensitivity-{context['bucket']}"
