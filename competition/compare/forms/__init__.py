"""GET filter forms of the comparison pages: every choice lives in the URL so a link reproduces the view.

An invalid or missing value falls back to the page's default instead of an error page, and the form
shows what it did not accept.
"""

from competition.compare.forms.base import (
    BUCKET_CHOICES,
    DEFAULT_BUCKET,
    AsOfForm,
    AsOfFormMixin,
    BucketForm,
    CurrencyForm,
    FilterForm,
    FlagField,
    MetricChoices,
    operator_choice_field,
    profile_label,
    province_choice_field,
)
from competition.compare.forms.benchmarks import (
    DEFAULT_BASKET_PROFILE,
    BasketForm,
    BenchmarkForm,
    MatrixForm,
    TrendForm,
)
from competition.compare.forms.market import LaunchFilterForm, StrategyFilterForm
from competition.compare.forms.tiers import PlanListForm, ProvinceCompareForm

__all__ = [
    "BUCKET_CHOICES",
    "DEFAULT_BASKET_PROFILE",
    "DEFAULT_BUCKET",
    "AsOfForm",
    "AsOfFormMixin",
    "BasketForm",
    "BenchmarkForm",
    "BucketForm",
    "CurrencyForm",
    "FilterForm",
    "FlagField",
    "LaunchFilterForm",
    "MatrixForm",
    "MetricChoices",
    "PlanListForm",
    "ProvinceCompareForm",
    "StrategyFilterForm",
    "TrendForm",
    "operator_choice_field",
    "profile_label",
    "province_choice_field",
]
