"""Forms of the benchmark-backed pages: a bucket's table, the matrix, the basket calculator, trends."""

from __future__ import annotations

from typing import Any, cast

from django import forms
from django.utils.translation import gettext_lazy as _

from competition.benchmarks.analytics import DEFAULT_BASKETS
from competition.compare.forms.base import (
    DEFAULT_BUCKET,
    AsOfFormMixin,
    BucketForm,
    FilterForm,
    FlagField,
    MetricChoices,
    profile_label,
)
from operators.models import Province


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
