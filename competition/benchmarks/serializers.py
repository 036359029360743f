"""Output serializers of the benchmark endpoints (competition/apis.py). Money as decimal strings ("3.33").

Launch and strategy serializers live in competition/launch_serializers.py.
"""

from __future__ import annotations

from typing import Any, TypedDict

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from competition.benchmarks.analytics import LOW_SAMPLE_BELOW, is_low_sample
from competition.benchmarks.history.models import BenchmarkHistoryPoint
from competition.benchmarks.models import BenchmarkBasketCost, BenchmarkBucketSummary, BenchmarkMatrixCell, BenchmarkRow
from core import columns


class _MoneyOptions(TypedDict):
    max_digits: int
    decimal_places: int
    coerce_to_string: bool


MONEY: _MoneyOptions = {"max_digits": 14, "decimal_places": 2, "coerce_to_string": True}


class _NamedRowSerializer(serializers.ModelSerializer):
    """The vocabulary's who-and-where columns (core.columns) of a stored result row.

    A stored row keeps codes, ids and Chinese names; the English names and the province's names come
    from `context["names"]` (selectors.reference_names over the rows shown), empty without it.
    """

    operator_code = serializers.CharField(help_text="Operator code: cmcc, cucc, ctcc, cbn.")
    province_code = serializers.CharField(help_text="GB/T 2260 province code.")
    province_name_zh = serializers.SerializerMethodField(help_text="Province name (zh), e.g. 上海.")
    province_name_en = serializers.SerializerMethodField(help_text="Province name (en), e.g. Shanghai.")
    branch_name_zh = serializers.CharField(help_text="Branch name (zh) when the run stored it, e.g. 北京移动.")
    branch_name_en = serializers.SerializerMethodField(help_text="Branch name (en), e.g. China Mobile Beijing.")
    plan_name_zh = serializers.CharField(help_text="Plan name (zh) when the run stored it.")
    plan_name_en = serializers.SerializerMethodField(help_text="Plan name (en).")

    def _names(self) -> Any:
        return self.context.get("names")

    @extend_schema_field(OpenApiTypes.STR)
    def get_province_name_zh(self, row: Any) -> str:
        province = self._names().province(row.province_code) if self._names() else None
        return province.name_zh if province else ""

    @extend_schema_field(OpenApiTypes.STR)
    def get_province_name_en(self, row: Any) -> str:
        province = self._names().province(row.province_code) if self._names() else None
        return province.name_en if province else ""

    @extend_schema_field(OpenApiTypes.STR)
    def get_branch_name_en(self, row: Any) -> str:
        plan = self._names().plan(row.plan_id) if self._names() else None
        return plan.branch.name_en if plan else ""

    @extend_schema_field(OpenApiTypes.STR)
    def get_plan_name_en(self, row: Any) -> str:
        stored = getattr(row, "plan_name_en", "")
        if stored:
            return stored
        plan = self._names().plan(row.plan_id) if self._names() else None
        return plan.name_en if plan else ""


VOCABULARY_FIELDS = [
    columns.OPERATOR_CODE,
    columns.PROVINCE_CODE,
    columns.PROVINCE_NAME_ZH,
    columns.PROVINCE_NAME_EN,
    columns.BRANCH_NAME_ZH,
    columns.BRANCH_NAME_EN,
    columns.PLAN_NAME_ZH,
    columns.PLAN_NAME_EN,
]


class BenchmarkRowOutputSerializer(_NamedRowSerializer):
    """One tier in a bucket's benchmark table, as the CSV and JSON rows show it.

    `branch`, `plan`, `plan_en`, `operator` and `province` are the first names clients read; the
    vocabulary's columns (operator_code, province_code and the names beside them) follow.
    """

    branch = serializers.CharField(source="branch_name_zh", help_text="The branch's Chinese name, e.g. 北京移动.")
    plan = serializers.CharField(source="plan_name_zh", help_text="The plan's Chinese name, e.g. 灵动卡.")
    plan_en = serializers.CharField(source="plan_name_en")
    operator = serializers.CharField(source="operator_code", help_text="Operator code: cmcc, cucc, ctcc, cbn.")
    province = serializers.CharField(source="province_code", help_text="GB/T 2260 province code.")
    price_cny = serializers.DecimalField(max_digits=10, decimal_places=2, coerce_to_string=True)
    price_qualifier = serializers.CharField(
        help_text='exact, or from for a floor ("低至5元/月"), ranked only with include_from=1.'
    )
    data_gb = serializers.DecimalField(max_digits=10, decimal_places=3, coerce_to_string=True, allow_null=True)
    price_per_gb_cny = serializers.DecimalField(
        **MONEY, allow_null=True, help_text="Null when data is unknown, unlimited or zero (see the reason)."
    )
    price_per_day_cny = serializers.DecimalField(**MONEY)
    price_per_30_days_cny = serializers.DecimalField(**MONEY)
    index = serializers.DecimalField(
        source="shown_index",
        **MONEY,
        allow_null=True,
        help_text="100 x per-GB / the bucket's median per-GB (with from prices in it under include_from=1).",
    )
    rank = serializers.IntegerField(
        source="shown_rank",
        allow_null=True,
        help_text="1 = cheapest per GB; ties share a rank; null for promotional, undefined or (unless "
        "include_from=1) from prices.",
    )

    class Meta:
        model = BenchmarkRow
        fields = [
            "position",
            "rank",
            "branch",
            "plan",
            "plan_en",
            "operator",
            "province",
            "validity_days",
            "price_cny",
            "price_qualifier",
            "data_gb",
            "data_unlimited",
            "price_per_gb_cny",
            "per_gb_undefined_reason",
            "price_per_day_cny",
            "price_per_30_days_cny",
            "index",
            "is_promotional",
            "confidence",
            "tier_id",
            "plan_id",
            "branch_id",
            *VOCABULARY_FIELDS,
        ]


LOW_SAMPLE_HELP = f"True when the figure rests on fewer than {LOW_SAMPLE_BELOW} tiers (sample_count)."


class LowSampleField(serializers.BooleanField):
    """`low_sample`: the analytics' one rule (analytics.is_low_sample) over the row's sample count."""

    def __init__(self, *, count_attribute: str = "sample_count", **kwargs: Any) -> None:
        self.count_attribute = count_attribute
        kwargs.setdefault("help_text", LOW_SAMPLE_HELP)
        super().__init__(read_only=True, source="*", **kwargs)

    def to_representation(self, value: Any) -> bool:
        return is_low_sample(getattr(value, self.count_attribute))


class BenchmarkBucketSummaryOutputSerializer(serializers.ModelSerializer):
    median_per_gb_cny = serializers.DecimalField(**MONEY, allow_null=True)
    min_per_gb_cny = serializers.DecimalField(**MONEY, allow_null=True)
    max_per_gb_cny = serializers.DecimalField(**MONEY, allow_null=True)
    low_sample = LowSampleField()

    class Meta:
        model = BenchmarkBucketSummary
        fields = [
            "bucket",
            "median_per_gb_cny",
            "min_per_gb_cny",
            "max_per_gb_cny",
            "sample_count",
            "tier_count",
            "low_sample",
        ]


class BenchmarkRunFieldsSerializer(serializers.Serializer):
    """What every benchmark body says of the run behind it (exporting.run_export_values)."""

    as_of = serializers.DateField(
        help_text="The day the figures describe: the tiers in effect on it (as_of, default today)."
    )
    run_id = serializers.IntegerField()
    computed_at = serializers.DateTimeField(help_text="When the run was computed in full.")
    methodology_version = serializers.CharField()
    run_revision = serializers.IntegerField(help_text="Incremental patches applied to the run since; 0: none.")
    run_updated_at = serializers.DateTimeField(
        allow_null=True, help_text="When the last patch was applied; null for an unpatched run."
    )


class BenchmarkPerGbPageSerializer(BenchmarkRunFieldsSerializer):
    """The per-GB endpoint's body: the run and bucket figures, then one page of rows."""

    bucket = serializers.CharField()
    input_fingerprint = serializers.CharField()
    include_promotional = serializers.BooleanField(help_text="Whether promotional tiers entered medians and ranks.")
    include_from = serializers.BooleanField(
        help_text='Whether "from" prices (floors) entered medians and ranks: the request\'s include_from.'
    )
    median_per_gb_cny = serializers.DecimalField(**MONEY, allow_null=True)
    min_per_gb_cny = serializers.DecimalField(**MONEY, allow_null=True)
    max_per_gb_cny = serializers.DecimalField(**MONEY, allow_null=True)
    sample_count = serializers.IntegerField(help_text="Ranked tiers behind the median.")
    low_sample = serializers.BooleanField(
        help_text=f"True when the median rests on fewer than {LOW_SAMPLE_BELOW} tiers."
    )
    tier_count = serializers.IntegerField(help_text="All tiers shown in the bucket.")
    count = serializers.IntegerField(help_text="Rows matching the filters.")
    next = serializers.URLField(allow_null=True)
    previous = serializers.URLField(allow_null=True)
    results = BenchmarkRowOutputSerializer(many=True)


class _ChosenTierOutputSerializer(_NamedRowSerializer):
    """The province, operator and tier a matrix cell or a basket cost chose."""

    province = serializers.CharField(source="province_code")
    operator = serializers.CharField(source="operator_code")
    branch = serializers.CharField(source="branch_name_zh")
    plan = serializers.CharField(source="plan_name_zh")
    price_cny = serializers.DecimalField(max_digits=10, decimal_places=2, coerce_to_string=True)


class BenchmarkMatrixCellOutputSerializer(_ChosenTierOutputSerializer):
    """One province x operator cell: the cheapest tier by the metric, and how many were compared."""

    value_cny = serializers.DecimalField(**MONEY)
    low_sample = LowSampleField()
    cheapest_in_province = serializers.SerializerMethodField(
        help_text="True for the lowest value of its province, and only where at least two operators have data."
    )

    class Meta:
        model = BenchmarkMatrixCell
        fields = [
            "bucket",
            "metric",
            "province",
            "operator",
            "value_cny",
            "sample_count",
            "low_sample",
            "cheapest_in_province",
            "branch",
            "plan",
            "validity_days",
            "price_cny",
            "tier_id",
            "plan_id",
            *VOCABULARY_FIELDS,
        ]

    def get_cheapest_in_province(self, obj: BenchmarkMatrixCell) -> bool:
        # The pairs come from analytics.cheapest_operators over the whole grid (the view passes them).
        return (obj.province_code, obj.operator_code) in self.context.get("cheapest_pairs", set())


class BenchmarkBasketCostOutputSerializer(_ChosenTierOutputSerializer):
    """A visitor profile's cost with one operator in one province."""

    cost_cny = serializers.DecimalField(**MONEY)
    low_sample = LowSampleField(
        count_attribute="candidate_count",
        help_text=f"True when fewer than {LOW_SAMPLE_BELOW} current tiers cover the profile (candidate_count).",
    )

    class Meta:
        model = BenchmarkBasketCost
        fields = [
            "profile",
            "province",
            "operator",
            "cost_cny",
            "branch",
            "plan",
            "validity_days",
            "price_cny",
            "repeats",
            "candidate_count",
            "low_sample",
            "tier_id",
            "plan_id",
            *VOCABULARY_FIELDS,
        ]


class BenchmarkMatrixPageSerializer(BenchmarkRunFieldsSerializer):
    """The matrix endpoint's body: the run, then every non-empty cell (a few hundred at most, so no pages)."""

    bucket = serializers.CharField()
    metric = serializers.CharField()
    count = serializers.IntegerField()
    results = BenchmarkMatrixCellOutputSerializer(many=True)


class BasketProfileSerializer(serializers.Serializer):
    slug = serializers.CharField()
    name = serializers.CharField()
    days = serializers.IntegerField()
    data_gb = serializers.CharField()
    domestic_min = serializers.IntegerField()
    intl_min = serializers.IntegerField()


class BenchmarkBasketPageSerializer(BenchmarkRunFieldsSerializer):
    """The basket endpoint's body: the run, the profiles it costed, then every cost."""

    profiles = BasketProfileSerializer(many=True)
    count = serializers.IntegerField()
    results = BenchmarkBasketCostOutputSerializer(many=True)


class BenchmarkHistoryPointOutputSerializer(serializers.ModelSerializer):
    """One day of a history series: the figures from that date until the next point."""

    median_cny = serializers.DecimalField(**MONEY)
    min_cny = serializers.DecimalField(**MONEY, help_text="The cheapest tier's value (in a cell: the matrix cell).")
    max_cny = serializers.DecimalField(**MONEY)
    sample_count = serializers.IntegerField(help_text="Tiers compared; fewer than 3 is a low sample.")
    run = serializers.IntegerField(
        source="run_id", allow_null=True, help_text="The run it was recorded from; null when computed for the day."
    )
    tier_id = serializers.IntegerField(help_text="The cheapest tier that day.")

    class Meta:
        model = BenchmarkHistoryPoint
        fields = ["date", "median_cny", "min_cny", "max_cny", "sample_count", "run", "tier_id"]


class BenchmarkHistoryPageSerializer(serializers.Serializer):
    """The history endpoint's body: which series, then its points oldest first (one per recorded day at most)."""

    bucket = serializers.CharField()
    metric = serializers.CharField()
    province = serializers.CharField(allow_null=True)
    operator = serializers.CharField(allow_null=True)
    count = serializers.IntegerField()
    results = BenchmarkHistoryPointOutputSerializer(many=True)
