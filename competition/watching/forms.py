"""The watching page's forms: a new watch, and the delivery choice."""

from __future__ import annotations

from typing import Any, cast

from django import forms
from django.utils.translation import gettext_lazy as _

from competition.compare.forms import BUCKET_CHOICES
from competition.watching.models import Watch, WatchingSettings
from plans.models import Plan


class WatchForm(forms.Form):
    condition = forms.ChoiceField(label=_("Tell me about"), choices=Watch.Condition.choices)
    operator: forms.ModelChoiceField = forms.ModelChoiceField(
        label=_("Operator"), queryset=None, to_field_name="code", required=False, empty_label=_("Any operator")
    )
    province: forms.ModelChoiceField = forms.ModelChoiceField(
        label=_("Province"), queryset=None, to_field_name="code", required=False, empty_label=_("Any province")
    )
    branch: forms.ModelChoiceField = forms.ModelChoiceField(
        label=_("Branch"), queryset=None, required=False, empty_label=_("Any branch")
    )
    plan = forms.ModelChoiceField(
        label=_("Plan (id)"),
        queryset=Plan.objects.all(),
        required=False,
        widget=forms.NumberInput(attrs={"min": 1}),
        help_text=_("The number in the plan page's address, /compare/plans/<id>/."),
    )
    bucket = forms.ChoiceField(label=_("Validity"), choices=[("", _("Any validity")), *BUCKET_CHOICES], required=False)
    threshold_cny = forms.DecimalField(
        label=_("Threshold (CNY per GB)"), max_digits=10, decimal_places=2, min_value=0, required=False
    )

    def __init__(self, *args: Any, operators: Any, provinces: Any, branches: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        cast(forms.ModelChoiceField, self.fields["operator"]).queryset = operators
        cast(forms.ModelChoiceField, self.fields["province"]).queryset = provinces
        cast(forms.ModelChoiceField, self.fields["branch"]).queryset = branches


class SettingsForm(forms.Form):
    email_delivery = forms.ChoiceField(label=_("Email"), choices=WatchingSettings.EmailDelivery.choices)
