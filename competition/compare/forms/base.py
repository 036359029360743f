"""What every comparison page's GET form shares: defaults, the as_of date, buckets, operator and province."""

from __future__ import annotations

import datetime
from typing import Any

from django import forms
from django.utils import timezone
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _

from competition.benchmarks.as_of import as_of_parse
from operators.models import Operator, Province
from plans.pricing import BUCKET_LABELS

BUCKET_CHOICES = [(label, format_lazy(_("{label} days"), label=label)) for label in BUCKET_LABELS]


DEFAULT_BUCKET = BUCKET_LABELS[0]


def operator_choice_field() -> forms.ModelChoiceField:
    """An optional operator filter by code; the form's __init__ sets its queryset (the choices)."""
    return forms.ModelChoiceField(
        label=_("Operator"),
        queryset=Operator.objects.none(),
        to_field_name="code",
        required=False,
        empty_label=_("All operators"),
    )


def province_choice_field() -> forms.ModelChoiceField:
    """An optional province filter by code; the form's __init__ sets its queryset (the choices)."""
    return forms.ModelChoiceField(
        label=_("Province"),
        queryset=Province.objects.none(),
        to_field_name="code",
        required=False,
        empty_label=_("All provinces"),
    )


class MetricChoices:
    PER_GB = "per_gb"
    PER_DAY = "per_day"
    BASKET = "basket"
    choices = [
        (PER_GB, _("Price per GB")),
        (PER_DAY, _("Price per day")),
        (BASKET, _("Basket cost")),
    ]


def profile_label(profile: dict[str, Any]) -> str:
    """ "7 days, 20 GB, 30 domestic min, 0 international min" from a stored basket profile."""
    return str(  # in the language active at the call, not at import
        format_lazy(
            _("{days} days, {gb} GB, {dom} domestic min, {intl} international min"),
            days=profile["days"],
            gb=profile["data_gb"],
            dom=profile["domestic_min"],
            intl=profile["intl_min"],
        )
    )


def _cleaned_or_default(form: forms.Form, name: str, default: Any) -> Any:
    """The field's cleaned value when it validated, else the default (filters never 400)."""
    if form.is_valid() or name in getattr(form, "cleaned_data", {}):
        value = form.cleaned_data.get(name)
        return default if value in (None, "") else value
    return default


class FilterForm(forms.Form):
    """A filter form bound to request.GET; `value(name)` reads a field with the page's default."""

    defaults: dict[str, Any] = {}

    def value(self, name: str) -> Any:
        return _cleaned_or_default(self, name, self.defaults.get(name))


class AsOfFormMixin(forms.Form):
    """The `as_of` date every comparison page takes: the tiers in effect that day (default today).

    Read as text and parsed by `as_of_parse`, the one parser the API uses too, so a bad date gets the
    same words on a page (a form error, the page then shows today) as in the API (a 400).
    """

    as_of = forms.CharField(
        label=_("As of"),
        required=False,
        max_length=10,
        widget=forms.DateInput(attrs={"type": "date"}),
        help_text=_("The day to look at (default today)."),
    )

    def clean_as_of(self) -> datetime.date:
        try:
            return as_of_parse(self.cleaned_data.get("as_of"))
        except ValueError as error:
            raise forms.ValidationError(str(error)) from error

    def valid_apart_from_as_of(self) -> bool:
        """A bad date alone leaves the other filters working (the page then shows today)."""
        return self.is_valid() or set(self.errors) <= {"as_of"}

    def as_of_day(self) -> datetime.date:
        """The valid as_of date, else today."""
        value = _cleaned_or_default(self, "as_of", None)
        return value if isinstance(value, datetime.date) else timezone.localdate()


class AsOfForm(AsOfFormMixin, FilterForm):
    """The date alone, for pages that have no other filter."""


class BucketForm(AsOfFormMixin, FilterForm):
    bucket = forms.ChoiceField(label=_("Validity"), choices=BUCKET_CHOICES, required=False)
    defaults = {"bucket": DEFAULT_BUCKET}


class FlagField(forms.BooleanField):
    """A query flag spelled as the API spells it: 1/true or 0/false (a checkbox would read "0" as on)."""

    widget = forms.TextInput

    def to_python(self, value: Any) -> bool:
        text = str(value or "0").lower()
        if text not in {"0", "1", "false", "true"}:
            raise forms.ValidationError(_("Use 1 or 0."), code="invalid")
        return text in {"1", "true"}


class CurrencyForm(FilterForm):
    """`currency=USD` (or EUR) shows money beside CNY, converted with the rate dated `rate_on` (default today)."""

    currency = forms.ChoiceField(
        label=_("Currency"),
        choices=[("CNY", "CNY"), ("USD", "USD"), ("EUR", "EUR")],
        required=False,
    )
    rate_on = forms.DateField(label=_("Exchange rate of"), required=False)
    defaults = {"currency": "CNY", "rate_on": None}
