"""Forms of the tier pages: provinces side by side and the plan index."""

from __future__ import annotations

from typing import Any, cast

from django import forms
from django.utils.translation import gettext_lazy as _

from competition.compare.forms.base import AsOfFormMixin, FilterForm, operator_choice_field, province_choice_field
from operators.models import Province


class ProvinceCompareForm(AsOfFormMixin, FilterForm):
    """Two to four provinces; fewer or more is an error the page explains.

    The tier table's own filters (operator, validity, sort, page) narrow the table only; a bad value
    there falls back to its default and leaves the comparison standing.
    """

    TABLE_FIELDS = frozenset({"operator", "validity", "sort", "page"})
    SORT_CHOICES = [
        ("validity", _("Validity, then operator")),
        ("per_gb", _("Cheapest per GB first")),
        ("price", _("Lowest price first")),
    ]
    defaults = {"sort": "validity", "page": 1}

    province = forms.ModelMultipleChoiceField(
        label=_("Provinces"),
        queryset=Province.objects.none(),
        to_field_name="code",
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )
    operator = operator_choice_field()
    validity = forms.IntegerField(label=_("Validity (days)"), min_value=1, max_value=731, required=False)
    sort = forms.ChoiceField(label=_("Order"), choices=SORT_CHOICES, required=False)
    page = forms.IntegerField(min_value=1, required=False, widget=forms.HiddenInput)

    def __init__(self, *args: Any, provinces: Any, operators: Any = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = cast(forms.ModelMultipleChoiceField, self.fields["province"])
        field.queryset = provinces
        field.label_from_instance = lambda p: f"{p.name_zh} {p.name_en}"  # type: ignore[method-assign,assignment]
        if operators is not None:
            cast(forms.ModelChoiceField, self.fields["operator"]).queryset = operators

    def valid_apart_from_as_of(self) -> bool:
        return self.is_valid() or set(self.errors) <= {"as_of", *self.TABLE_FIELDS}

    def table_filters(self) -> dict[str, Any]:
        """Keyword arguments of the tier table: operator code, validity, sort and page (defaults where invalid)."""
        operator = self.value("operator")
        return {
            "operator": operator.code if operator else None,
            "validity_days": self.value("validity"),
            "sort": self.value("sort"),
            "page": self.value("page"),
        }

    def clean_province(self) -> list[Province]:
        chosen = list(self.cleaned_data.get("province") or [])
        if chosen and not 2 <= len(chosen) <= 4:
            raise forms.ValidationError(_("Pick two to four provinces."))
        return chosen

    def province_codes(self) -> list[str]:
        """Codes in the order the URL names them, so the columns follow the analyst's choice."""
        if not self.valid_apart_from_as_of():
            return []
        valid = {p.code for p in self.cleaned_data["province"]}
        ordered: list[str] = []
        for code in self.data.getlist("province") if hasattr(self.data, "getlist") else []:
            if code in valid and code not in ordered:
                ordered.append(code)
        return ordered


class PlanListForm(AsOfFormMixin, FilterForm):
    """The plan index's filters: a province and an operator (codes), and the page."""

    defaults = {"page": 1}

    province = province_choice_field()
    operator = operator_choice_field()
    page = forms.IntegerField(min_value=1, required=False, widget=forms.HiddenInput)

    def __init__(self, *args: Any, operators: Any, provinces: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        cast(forms.ModelChoiceField, self.fields["operator"]).queryset = operators
        cast(forms.ModelChoiceField, self.fields["province"]).queryset = provinces

    def filters(self) -> dict[str, Any]:
        """Keyword arguments of plan_list: the codes chosen (an invalid one filters nothing)."""
        province, operator = self.value("province"), self.value("operator")
        return {"province": province.code if province else None, "operator": operator.code if operator else None}
