"""Admin forms: the version a form was opened on, service errors on their fields, what a form changes."""

from __future__ import annotations

from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.db import models
from django.forms import BaseForm, BaseModelForm
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _
from simple_history.manager import SIMPLE_HISTORY_REVERSE_ATTR_NAME

REJECTIONS_ATTR = "_service_rejections"


def service_rejections(request: HttpRequest) -> dict[str, ValidationError]:
    """What a service refused on the previous attempt of this request, by form prefix."""
    return getattr(request, REJECTIONS_ATTR, {})


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
    rejections = service_rejections(request)
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
