"""The admin base every domain admin builds on: saves and deletes go through the services.

One write path: no admin calls save() or delete() itself. It hands the form's values to the
app's service with actor=request.user, so validation, audit (django-simple-history) and
signals happen once, exactly as for the API and the seed import. A ValidationError the
service raises after the form was accepted is shown on the form field it names, not as a 500.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING, Any, NoReturn

from django import forms
from django.contrib import admin, messages
from django.contrib.auth.models import AbstractBaseUser
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import models, transaction
from django.db.models import QuerySet
from django.forms import BaseForm, BaseModelForm
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.utils.translation import gettext_lazy as _
from import_export.formats import base_formats
from simple_history.admin import SimpleHistoryAdmin
from simple_history.manager import SIMPLE_HISTORY_REVERSE_ATTR_NAME

from core import exports
from core.services import StaleVersion, audited_delete, audited_update

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise

_REJECTIONS = "_service_rejections"
_NOTES = "_admin_notes"


class ServiceRejected(Exception):
    """A service refused a write the form had accepted; the page is validated again showing why."""


def _rejections(request: HttpRequest) -> dict[str, ValidationError]:
    return getattr(request, _REJECTIONS, {})


def reject(request: HttpRequest, form: BaseForm, error: ValidationError) -> NoReturn:
    """Remember the service's error for this form (by prefix) and abort the whole save."""
    setattr(request, _REJECTIONS, {**_rejections(request), form.prefix or "": error})
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


def opened_version(instance: models.Model) -> int | None:
    """The version an edit form is based on: the row's, or for a revert form (built from a history
    record) the stored row's, since the revert replaces what is stored now."""
    if instance.pk is None:
        return None
    if getattr(instance, SIMPLE_HISTORY_REVERSE_ATTR_NAME, None) is not None:
        return type(instance)._default_manager.filter(pk=instance.pk).values_list("version", flat=True).first()
    return instance.version  # type: ignore[attr-defined]


class VersionedModelForm(forms.ModelForm):
    """A form for a row with a `version`: it carries the version it was opened on, hidden, so the
    service refuses the save when someone changed the row in between (nothing is lost silently)."""

    # Not named `version`: a model form may not list the model's non-editable field of that name.
    based_on_version = forms.IntegerField(
        widget=forms.HiddenInput,
        required=False,
        min_value=1,
        error_messages={"required": _("This form lacks the version it was opened on; reload the page and edit again.")},
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # Editing a stored row always names the version it saw: a post without one is refused, not
        # taken as "whatever is stored now" (that would let a stale edit through unchecked).
        self.fields["based_on_version"].required = self.instance.pk is not None
        self.fields["based_on_version"].initial = opened_version(self.instance)


def add_service_error(form: BaseForm, error: ValidationError) -> None:
    """Put each message under the field it names; a field the form lacks becomes a form-wide error."""
    for field, field_errors in error.update_error_dict({}).items():
        form.add_error(field if field in form.fields else None, field_errors)


def form_with_service_errors(form_class: type[BaseModelForm], request: HttpRequest) -> type[BaseModelForm]:
    """The form class, extended to re-raise the errors a service gave on the previous attempt."""
    rejections = _rejections(request)
    if not rejections:
        return form_class

    class ServiceCheckedForm(form_class):  # type: ignore[valid-type,misc]
        def _post_clean(self) -> None:
            super()._post_clean()
            error = rejections.get(self.prefix or "")
            if error is not None:
                add_service_error(self, error)

    ServiceCheckedForm.__name__ = form_class.__name__
    return ServiceCheckedForm


def note(request: HttpRequest, message: str) -> None:
    """Queue a message for after the save commits (a rejected attempt must not leave messages behind)."""
    setattr(request, _NOTES, [*getattr(request, _NOTES, []), message])


def instance_values(instance: models.Model) -> dict[str, Any]:
    """Every concrete field but the primary key, as the *_create services take them."""
    return {
        field.name: getattr(instance, field.name) for field in instance._meta.concrete_fields if not field.primary_key
    }


def form_changes(form: BaseModelForm, *, add: bool) -> dict[str, Any]:
    """The model fields (many-to-many included) the form sets: all of them on add; on change,
    those whose value differs from the stored row.

    Diffing against the stored row rather than the form's initial data makes a revert from
    history (whose form starts from the old version) write what actually changes.
    Plain values come from the instance the form built, so file uploads and clears arrive as
    the model expects them; many-to-many values come from cleaned_data.
    """
    opts = form._meta.model._meta
    plain = {field.name: field for field in opts.concrete_fields if field.editable and not field.primary_key}
    many = {field.name for field in opts.many_to_many}
    names = [name for name in form.fields if name in form.cleaned_data]
    values = {name: getattr(form.instance, name) for name in names if name in plain}
    values.update({name: list(form.cleaned_data[name]) for name in names if name in many})
    if add:
        return values
    stored = type(form.instance)._default_manager.get(pk=form.instance.pk)

    def differs(name: str, value: Any) -> bool:
        if name in many:
            return set(getattr(stored, name).values_list("pk", flat=True)) != {item.pk for item in value}
        field = plain[name]
        if field.is_relation:
            return getattr(stored, field.attname) != (value.pk if value is not None else None)
        return bool(getattr(stored, name) != value)

    return {name: value for name, value in values.items() if differs(name, value)}


def adopt(target: models.Model, saved: models.Model) -> None:
    """Make the admin's unsaved form instance stand for the row a service created."""
    target.pk = saved.pk
    target._state.adding = False
    target._state.db = saved._state.db


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


class ServiceAdmin(SimpleHistoryAdmin):
    """A history-tracked admin whose saves and deletes go through a service.

    Subclasses override service_save / service_delete; the default suits models written with
    core.services.audited_update / audited_delete.
    """

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
            for error in _rejections(request).values():
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


def code_filter(*, title: StrOrPromise, parameter: str, model: type[models.Model], path: str) -> type:
    """A sidebar filter by the `code` of a reference model (?operator=cmcc, ?province=11), following `path`.

    Codes rather than primary keys, so admin URLs read like the API's filters.
    """

    class CodeFilter(admin.SimpleListFilter):
        def lookups(self, request: HttpRequest, model_admin: admin.ModelAdmin) -> list[tuple[str, str]]:
            rows = model._default_manager.all()
            return [(row.code, f"{row.code} {row}") for row in rows]  # type: ignore[attr-defined]

        def queryset(self, request: HttpRequest, queryset: QuerySet[Any]) -> QuerySet[Any]:
            value = self.value()
            return queryset.filter(**{f"{path}__code": value}) if value else queryset

    CodeFilter.title = title
    CodeFilter.parameter_name = parameter
    return CodeFilter


class SafeCSV(base_formats.CSV):
    """The admin's CSV export, written by core.exports (BOM, cell spelling, no formulas)."""

    def export_data(self, dataset: Any, **kwargs: Any) -> str:
        return exports.csv_text(header=dataset.headers or [], rows=dataset)


class SafeXLSX(base_formats.XLSX):
    """The admin's XLSX export, written by core.exports (formula-like text stays text)."""

    def export_data(self, dataset: Any, **kwargs: Any) -> bytes:
        title = dataset.title or "data"
        return exports.xlsx_bytes([exports.Sheet(title=title, header=dataset.headers or [], rows=dataset)])


# What the import/export admins offer for download; imports read through the apps' own import engines.
EXPORT_FORMATS = [SafeCSV, SafeXLSX]
