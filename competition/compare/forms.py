"""GET filter forms of the comparison pages: every choice lives in the URL so a link reproduces the view.

An invalid or missing value falls back to the page's default instead of an error page, and the form
shows what it did not accept.
"""

from __future__ import annotations

import datetime
from typing import Any, cast

from django import forms
from django.utils import timezone
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _

from competition.benchmarks.analytics import DEFAULT_BASKETS
from competition.benchmarks.as_of import as_of_parse
from competition.models import Launch, Strategy
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


class BenchmarkForm(BucketForm):
    include_from = FlagField(label=_("Count “from” prices in ranks and the median"), required=False)
    defaults = {"bucket": DEFAULT_BUCKET, "include_from": False}


class MatrixForm(BucketForm):
    metric = forms.ChoiceField(label=_("Metric"), choices=MetricChoices.choices, required=False)
    profile = forms.ChoiceField(label=_("Visitor profile"), required=False)
    all = forms.BooleanField(label=_("Show provinces without data"), required=False)
    defaults = {"bucket": DEFAULT_BUCKET, "metric": MetricChoices.PER_GB, "profile": "", "all": False}

    def __init__(self, *args: Any, profiles: list[dict[str, Any]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # The profiles the latest run costed, named from their figures in the reader's language.
        cast(forms.ChoiceField, self.fields["profile"]).choices = [(p["slug"], profile_label(p)) for p in profiles]


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


# The calculator opens on the first stored profile, so its first answer matches the matrix's basket view.
DEFAULT_BASKET_PROFILE = DEFAULT_BASKETS[0]


class BasketForm(AsOfFormMixin, FilterForm):
    """A visitor profile after the ITU/OECD usage baskets.

    Its fields always show the figures the answer uses: the default profile's on a first visit
    (as initial values), and on a submitted form every field left empty is filled with the default
    before validation, so no default is ever applied out of sight.
    """

    days = forms.IntegerField(label=_("Days of stay"), min_value=1, max_value=365, required=False)
    data_gb = forms.DecimalField(
        label=_("Data (GB)"), min_value=0, max_value=1000, max_digits=7, decimal_places=2, required=False
    )
    domestic_min = forms.IntegerField(label=_("Domestic minutes"), min_value=0, max_value=100000, required=False)
    intl_min = forms.IntegerField(label=_("International minutes"), min_value=0, max_value=100000, required=False)
    defaults = {
        "days": DEFAULT_BASKET_PROFILE.days,
        "data_gb": DEFAULT_BASKET_PROFILE.data_gb,
        "domestic_min": DEFAULT_BASKET_PROFILE.domestic_min,
        "intl_min": DEFAULT_BASKET_PROFILE.intl_min,
    }

    def __init__(self, data: Any = None, **kwargs: Any) -> None:
        if data is not None:
            data = data.copy()  # the other fields (as_of) are kept as sent
            for name, default in self.defaults.items():
                if data.get(name) in (None, ""):
                    data[name] = str(default)
        super().__init__(data, initial=self.defaults, **kwargs)

    @property
    def uses_default_profile(self) -> bool:
        """True on a first visit, and whenever the figures asked for are the default profile's."""
        return all(self.value(name) == default for name, default in self.defaults.items())


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


class CurrencyForm(FilterForm):
    """`currency=USD` (or EUR) shows money beside CNY, converted with the rate dated `rate_on` (default today)."""

    currency = forms.ChoiceField(
        label=_("Currency"),
        choices=[("CNY", "CNY"), ("USD", "USD"), ("EUR", "EUR")],
        required=False,
    )
    rate_on = forms.DateField(label=_("Exchange rate of"), required=False)
    defaults = {"currency": "CNY", "rate_on": None}


class TrendForm(BucketForm):
    """The trends page: a bucket and metric over time, one line per operator or per chosen province."""

    BY_CHOICES = [("operator", _("One line per operator")), ("province", _("One line per province"))]
    metric = forms.ChoiceField(
        label=_("Metric"),
        choices=[
            ("per_gb", _("Price per GB")),
            ("per_day", _("Price per day")),
            ("per_30_days", _("Price per 30 days")),
        ],
        required=False,
    )
    by = forms.ChoiceField(label=_("Lines"), choices=BY_CHOICES, required=False)
    province = forms.ModelMultipleChoiceField(
        label=_("Provinces (for one line per province; none = all)"),
        queryset=Province.objects.none(),
        to_field_name="code",
        required=False,
    )
    defaults = {"bucket": DEFAULT_BUCKET, "metric": "per_gb", "by": "operator", "province": []}

    def __init__(self, *args: Any, provinces: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = cast(forms.ModelMultipleChoiceField, self.fields["province"])
        field.queryset = provinces
        field.label_from_instance = lambda p: f"{p.name_zh} {p.name_en}"  # type: ignore[method-assign,assignment]

    def province_codes(self) -> list[str]:
        return [province.code for province in self.value("province") or []]
