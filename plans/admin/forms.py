"""The tier forms of the admin and the one place an admin tier save is handed to the services."""

from __future__ import annotations

from django import forms
from django.contrib import admin
from django.contrib.admin.widgets import AutocompleteSelect
from django.core.exceptions import ValidationError
from django.forms import BaseModelForm
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from core.admin import (
    VersionedModelForm,
    actor_of,
    adopt,
    form_changes,
    instance_values,
    note,
)
from operators.models import Source
from plans.models import Tier
from plans.services import (
    tier_correct,
    tier_create,
    tier_update,
)

_SUCCESSORS = "_tier_successors"

SUPERSEDE_HELP = _(
    "Changing the price, data, minutes or discount cap of a tier that has not ended is a new observation: "
    "the tier is not overwritten but closed, and a new tier with the new figures starts on the 'effective from' "
    "date you enter (today if you leave it unchanged; a future date schedules it). Name the source that printed "
    "the new figures below. A tier that has ended is history: tick 'this is a correction' to fix a recorded figure."
)


class TierChangeForm(VersionedModelForm):
    """The tier's fields plus what a change needs: the version it was opened on (hidden), the source
    of a new price (empty: a new price never inherits the old one's source) and the reason."""

    new_source = forms.ModelChoiceField(
        queryset=Source.objects.all(),
        required=False,
        label=_("source of the new price"),
        help_text=_("Required for a new price or allowance: the source that printed it."),
        widget=AutocompleteSelect(Tier._meta.get_field("source"), admin.site),
    )
    reason = forms.CharField(
        required=False,
        label=_("reason"),
        help_text=_("Why the figures change; kept in the audit trail."),
        widget=forms.TextInput(attrs={"size": 40}),
    )


class TierAdminForm(TierChangeForm):
    is_correction = forms.BooleanField(
        required=False,
        label=_("this is a correction"),
        help_text=_(
            "Fix a wrongly recorded figure in place (also on a tier that has ended) instead of starting a new "
            "price. A reason is required."
        ),
    )


def _as_new_source_error(error: ValidationError) -> ValidationError:
    """Show "name the source" on the form's new-price source field, where the analyst fills it in."""
    if not hasattr(error, "error_dict") or "source" not in error.error_dict:
        return error
    errors = dict(error.error_dict)
    missing = [item for item in errors["source"] if item.code == "source_required"]
    if missing:
        errors["new_source"] = missing
        errors["source"] = [item for item in errors["source"] if item.code != "source_required"]
        if not errors["source"]:
            del errors["source"]
    return ValidationError(errors)


def tier_save(*, request: HttpRequest, form: BaseModelForm, change: bool) -> Tier:
    """Create or change a tier from a validated admin form; returns the tier holding the new figures.

    The services decide whether a change supersedes the tier, edits it or is refused; the form
    only passes what the analyst entered: the changed fields, the version the form was opened on,
    the source of a new price, the reason, and whether this is a correction.
    """
    actor = actor_of(request)
    data = form.cleaned_data
    reason = data.get("reason") or ""
    if not change:
        tier = tier_create(actor=actor, reason=reason, **instance_values(form.instance))
        adopt(form.instance, tier)
        return tier
    stored = Tier.objects.get(pk=form.instance.pk)
    changes = form_changes(form, add=False)
    version = data.get("based_on_version")
    if data.get("is_correction"):
        return tier_correct(tier=stored, changes=changes, actor=actor, reason=reason, version=version)
    try:
        current = tier_update(
            tier=stored, changes=changes, actor=actor, version=version, source=data.get("new_source"), reason=reason
        )
    except ValidationError as error:
        raise _as_new_source_error(error) from error
    if current.pk != stored.pk:
        stored.refresh_from_db()
        setattr(request, _SUCCESSORS, {**getattr(request, _SUCCESSORS, {}), stored.pk: current})
        if current.effective_from and current.effective_from > timezone.localdate():
            message = gettext(
                "New price: “%(old)s” now ends on %(date)s and “%(new)s” is scheduled to take over that day."
            )
        else:
            message = gettext("New price: “%(old)s” now ends on %(date)s and “%(new)s” is current from that day.")
        note(request, message % {"old": stored, "new": current, "date": current.effective_from})
    return current


def successor_of(request: HttpRequest, tier: Tier) -> Tier | None:
    return getattr(request, _SUCCESSORS, {}).get(tier.pk)
