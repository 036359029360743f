"""Forms of the market pages: the launch timeline and the strategies."""

from __future__ import annotations

from typing import Any, cast

from django import forms
from django.utils.translation import gettext_lazy as _

from competition.compare.forms.base import AsOfFormMixin, FilterForm, operator_choice_field, province_choice_field
from competition.models import Launch, Strategy


class LaunchFilterForm(AsOfFormMixin, FilterForm):
    operator = operator_choice_field()
    province = province_choice_field()
    kind = forms.ChoiceField(label=_("Kind"), choices=[("", _("All kinds")), *Launch.Kind.choices], required=False)
    date_from = forms.DateField(label=_("From"), required=False, widget=forms.DateInput(attrs={"type": "date"}))
    date_to = forms.DateField(label=_("To"), required=False, widget=forms.DateInput(attrs={"type": "date"}))

    def __init__(self, *args: Any, operators: Any, provinces: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        cast(forms.ModelChoiceField, self.fields["operator"]).queryset = operators
        cast(forms.ModelChoiceField, self.fields["province"]).queryset = provinces

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        start, end = cleaned.get("date_from"), cleaned.get("date_to")
        if start and end and end < start:
            self.add_error("date_to", _("The end date must not be before the start date."))
        return cleaned

    def filters(self) -> dict[str, Any]:
        """Keyword arguments for the timeline selector; an invalid form filters nothing."""
        if not self.valid_apart_from_as_of():
            return {}
        data = self.cleaned_data
        return {
            "operator": data["operator"].code if data.get("operator") else "",
            "province": data["province"].code if data.get("province") else "",
            "kind": data.get("kind") or "",
            "date_from": data.get("date_from"),
            "date_to": data.get("date_to"),
        }


class StrategyFilterForm(AsOfFormMixin, FilterForm):
    theme = forms.ChoiceField(
        label=_("Theme"), choices=[("", _("All themes")), *Strategy.Theme.choices], required=False
    )
    operator = forms.ChoiceField(label=_("Operator"), required=False)

    def __init__(self, *args: Any, operators: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        cast(forms.ChoiceField, self.fields["operator"]).choices = [
            ("", _("All operators")),
            *[(op.code, f"{op.name_zh} {op.name_en}") for op in operators],
            ("industry", _("Industry-wide (no single operator)")),
        ]

    def filters(self) -> dict[str, str]:
        if not self.valid_apart_from_as_of():
            return {}
        return {"theme": self.cleaned_data.get("theme") or "", "operator": self.cleaned_data.get("operator") or ""}
