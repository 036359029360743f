"""/compare/watching/: a user's inbox, watches, delivery choice and feed link (any logged-in user, viewers too)."""

from __future__ import annotations

import contextlib
from typing import Any

from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.urls import reverse
from django.views.generic import TemplateView

from competition.watching import selectors, services
from competition.watching.forms import SettingsForm, WatchForm
from competition.watching.models import Watch
from competition.watching.text import notification_detail, notification_title
from operators import selectors as reference_selectors
from operators.models import Branch

INBOX_SIZE = 50


class WatchingView(LoginRequiredMixin, TemplateView):
    template_name = "compare/watching.html"

    def watch_form(self, data: Any = None) -> WatchForm:
        return WatchForm(
            data,
            operators=reference_selectors.operator_list(),
            provinces=reference_selectors.province_list(),
            branches=Branch.objects.select_related("operator", "province").order_by("province__code", "name_zh"),
        )

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        user = self.request.user
        settings = services.watching_settings_get(user=user)  # type: ignore[arg-type]
        notifications = list(selectors.notification_list(user=user)[:INBOX_SIZE])  # type: ignore[arg-type]
        feed = reverse("compare:change-feed", args=[user.pk, settings.feed_secret])
        context.update(
            inbox=[{"n": n, "title": notification_title(n), "detail": notification_detail(n)} for n in notifications],
            watches=list(selectors.watch_list(user=user)),  # type: ignore[arg-type]
            watch_form=kwargs.get("watch_form") or self.watch_form(),
            settings_form=SettingsForm(initial={"email_delivery": settings.email_delivery}),
            feed_url=self.request.build_absolute_uri(feed),
        )
        return context

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        user: Any = request.user
        action = request.POST.get("action")
        if action == "add":
            form = self.watch_form(request.POST)
            if form.is_valid():
                try:
                    services.watch_create(
                        user=user, **{k: v for k, v in form.cleaned_data.items() if v not in (None, "")}
                    )
                except ValidationError as error:
                    for field, messages in error.message_dict.items():
                        form.add_error(None if field == "__all__" else field, messages)
            if form.errors:
                return self.render_to_response(self.get_context_data(watch_form=form), status=400)
        elif action == "delete":
            # Someone else's or already gone: nothing of this user's to delete.
            with contextlib.suppress(Watch.DoesNotExist):
                services.watch_delete(user=user, watch_id=_int(request.POST.get("watch")))
        elif action == "read":
            ids = [_int(value) for value in request.POST.getlist("notification")]
            services.notifications_mark_read(user=user, notification_ids=ids or None)
        elif action == "settings":
            settings_form = SettingsForm(request.POST)
            if settings_form.is_valid():
                services.watching_settings_update(
                    user=user, email_delivery=settings_form.cleaned_data["email_delivery"]
                )
        elif action == "rotate":
            services.feed_secret_rotate(user=user)
        return HttpResponseRedirect(reverse("compare:watching"))


def _int(value: Any) -> int:
    try:
        number = int(value)
    except (TypeError, ValueError):
        return 0
    return number if 0 < number < 2**63 else 0
