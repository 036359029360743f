"""The change feed page's GET filter form (the API's filters, with the page's defaults)."""

from __future__ import annotations

from typing import Any, cast

from django import forms
from django.utils.translation import gettext_lazy as _

from competition.changes.models import ChangeEvent
from competition.compare.forms import BUCKET_CHOICES, FilterForm


class ChangeFilterForm(FilterForm):
    operator: forms.ModelChoiceField = forms.ModelChoiceField(
        label=_("Operator"), queryset=None, to_field_name="code", required=False, empty_label=_("All operators")
    )
    province: forms.ModelChoiceField = forms.ModelChoiceField(
        label=_("Province"), queryset=None, to_field_name="code", required=False, empty_label=_("All provinces")
    )
    bucket = forms.ChoiceField(
        label=_("Validity"), choices=[("", _("All validities")), *BUCKET_CHOICES], required=False
    )
    kind = forms.ChoiceField(label=_("Kind"), choices=[("", _("All kinds")), *ChangeEvent.Kind.choices], required=False)
    since = forms.DateField(label=_("Since"), required=False, widget=forms.DateInput(attrs={"type": "date"}))
    page = forms.IntegerField(min_value=1, max_value=10_000, required=False, widget=forms.HiddenInput)
    defaults = {"page": 1}

    def __init__(self, *args: Any, operators: Any, provinces: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        cast(forms.ModelChoiceField, self.fields["operator"]).queryset = operators
        cast(forms.ModelChoiceField, self.fields["province"]).queryset = provinces

    def filters(self) -> dict[str, Any]:
        """Keyword arguments for change_event_list; a field that did not validate filters nothing."""
        operator, province = self.value("operator"), self.value("province")
        return {
            "operator": operator.code if operator else None,
            "province": province.code if province else None,
            "bucket": self.value("bucket") or None,
            "kind": self.value("kind") or None,
            "since": self.value("since"),
        }
