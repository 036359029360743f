"""The admin base: saves and deletes go through the services; a service's refusal lands on the form."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any, NoReturn

from django.contrib import admin, messages
from django.contrib.auth.models import AbstractBaseUser
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import models, transaction
from django.db.models import QuerySet
from django.forms import BaseForm, BaseModelForm
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from simple_history.admin import SimpleHistoryAdmin

from core.admin.forms import REJECTIONS_ATTR, form_changes, form_with_service_errors, service_rejections
from core.admin.scale import LargeTableAdmin
from core.services import StaleVersion, audited_delete, audited_update

_NOTES = "_admin_notes"


class ServiceRejected(Exception):
    """A service refused a write the form had accepted; the page is validated again showing why."""


def reject(request: HttpRequest, form: BaseForm, error: ValidationError) -> NoReturn:
    """Remember the service's error for this form (by prefix) and abort the whole save."""
    setattr(request, REJECTIONS_ATTR, {**service_rejections(request), form.prefix or "": error})
    raise ServiceRejected from error


@contextmanager
def rejecting(request: HttpRequest, form: BaseForm) -> Iterator[None]:
    """Turn a service's ValidationError (or a stale version) during this block into errors on `form`."""
    try:
        yield
    except ValidationError as error:
        reject(request, form, error)
    except StaleVersion as stale:
        reject(request, form, ValidationError(stale.message, code="stale"))


def note(request: HttpRequest, message: str) -> None:
    """Queue a message for after the save commits (a rejected attempt must not leave messages behind)."""
    setattr(request, _NOTES, [*getattr(request, _NOTES, []), message])


def actor_of(request: HttpRequest) -> AbstractBaseUser:
    return request.user  # type: ignore[return-value]


class ServiceInline(admin.TabularInline):
    """An inline whose rows are written through the services by ServiceAdmin.save_formset."""

    extra = 1

    def get_formset(self, request: HttpRequest, obj: models.Model | None = None, **kwargs: Any) -> Any:
        formset_class = super().get_formset(request, obj, **kwargs)
        return type(
            formset_class.__name__,
            (formset_class,),
            {"form": form_with_service_errors(formset_class.form, request), "service_inline": self},
        )

    def service_save(self, *, request: HttpRequest, form: BaseModelForm, change: bool) -> None:
        audited_update(instance=form.instance, changes=form_changes(form, add=not change), actor=actor_of(request))

    def service_delete(self, *, request: HttpRequest, obj: models.Model) -> None:
        audited_delete(instance=obj, actor=actor_of(request))


class ServiceAdmin(LargeTableAdmin, SimpleHistoryAdmin):
    """A history-tracked admin whose saves and deletes go through a service.

    Subclasses override service_save / service_delete; the default suits models written with
    core.services.audited_update / audited_delete.
    """

    # simple-history diffs each record against the one before (a query per many-to-many field and
    # record): the page bounds the queries however long an object's history grows.
    history_list_per_page = 25

    def service_save(self, *, request: HttpRequest, obj: models.Model, form: BaseModelForm, change: bool) -> None:
        changes = form_changes(form, add=not change)
        if change and not changes:
            return  # an unchanged form (say, only its inlines were edited) writes nothing
        audited_update(instance=obj, changes=changes, actor=actor_of(request))

    def service_delete(self, *, request: HttpRequest, obj: models.Model) -> None:
        audited_delete(instance=obj, actor=actor_of(request))

    def get_form(
        self, request: HttpRequest, obj: models.Model | None = None, change: bool = False, **kwargs: Any
    ) -> Any:
        return form_with_service_errors(super().get_form(request, obj, change=change, **kwargs), request)

    def changeform_view(
        self, request: HttpRequest, object_id: str | None = None, form_url: str = "", extra_context: Any = None
    ) -> HttpResponse:
        try:
            return super().changeform_view(request, object_id, form_url, extra_context)
        except ServiceRejected:
            return self._retry_rejected(
                request, lambda: super(ServiceAdmin, self).changeform_view(request, object_id, form_url, extra_context)
            )

    def _retry_rejected(self, request: HttpRequest, view: Callable[[], HttpResponse]) -> HttpResponse:
        """Render the page again after a service refused the save.

        The first attempt was rolled back whole. Validating the same POST again with the service's
        errors attached re-renders the page with them, forms and inlines intact. Should the errors
        land on no form that is validated (a row marked for deletion), say so rather than fail.
        """
        try:
            return view()
        except ServiceRejected:
            for error in service_rejections(request).values():
                self.message_user(request, " ".join(error.messages), messages.ERROR)
            return HttpResponseRedirect(request.get_full_path())

    def history_form_view(
        self, request: HttpRequest, object_id: str, version_id: str, extra_context: Any = None
    ) -> HttpResponse:
        # simple-history only checks view permission here, yet saves a POST: a viewer could revert.
        if request.method == "POST" and not self.has_change_permission(request, self.get_object(request, object_id)):
            raise PermissionDenied
        # Unlike the change form, simple-history's revert view is not atomic: make it so.
        view = transaction.atomic(super().history_form_view)
        try:
            return view(request, object_id, version_id, extra_context)
        except ServiceRejected:
            return self._retry_rejected(request, lambda: view(request, object_id, version_id, extra_context))

    def save_model(self, request: HttpRequest, obj: models.Model, form: BaseModelForm, change: bool) -> None:
        with rejecting(request, form):
            self.service_save(request=request, obj=obj, form=form, change=change)

    def save_related(self, request: HttpRequest, form: BaseModelForm, formsets: Any, change: bool) -> None:
        # No form.save_m2m(): the service has set the many-to-many fields already, audited.
        for formset in formsets:
            self.save_formset(request, form, formset, change=change)

    def save_formset(self, request: HttpRequest, form: BaseModelForm, formset: Any, change: bool) -> None:
        inline: ServiceInline = formset.service_inline
        # With commit=False this writes nothing; it fills new/changed/deleted_objects for the change message.
        formset.save(commit=False)
        deleted = set(formset.deleted_forms)
        # Deletes first, so a row removed and re-added with the same validity does not collide.
        for row in formset.initial_forms:
            if row in deleted:
                with rejecting(request, row):
                    inline.service_delete(request=request, obj=row.instance)
        for row in formset.initial_forms:
            if row not in deleted and row.has_changed():
                with rejecting(request, row):
                    inline.service_save(request=request, form=row, change=True)
        for row in formset.extra_forms:
            if row not in deleted and row.has_changed():
                with rejecting(request, row):
                    inline.service_save(request=request, form=row, change=False)

    def delete_model(self, request: HttpRequest, obj: models.Model) -> None:
        self.service_delete(request=request, obj=obj)

    @transaction.atomic
    def delete_queryset(self, request: HttpRequest, queryset: QuerySet[Any]) -> None:
        # One service call per row, so each deletion is audited and signalled like a single delete.
        for obj in queryset:
            self.service_delete(request=request, obj=obj)

    def _flush_notes(self, request: HttpRequest) -> None:
        for message in getattr(request, _NOTES, []):
            self.message_user(request, message, messages.INFO)
        setattr(request, _NOTES, [])

    def response_add(
        self, request: HttpRequest, obj: models.Model, post_url_continue: str | None = None
    ) -> HttpResponse:
        self._flush_notes(request)
        return super().response_add(request, obj, post_url_continue)

    def response_change(self, request: HttpRequest, obj: models.Model) -> HttpResponse:
        self._flush_notes(request)
        return super().response_change(request, obj)
