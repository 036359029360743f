"""Benchmark analytics: DOMAIN.md's formulas over DataFrames. Pure functions, no ORM, no I/O.

Exactness. Money arrives as integer cents (`price_cents`) and data as integer milli-GB
(`data_mgb`), so every figure here is a ratio of two integers:

    price_per_gb  = price / data_gb      = 10 * price_cents / data_mgb          CNY
    price_per_day = price / validity     = price_cents / validity_days / 100    CNY

Ranks and tie-sharing compare those ratios exactly (reduced fractions, with a Fraction
fallback where two different ratios round to the same float), medians are exact
Fractions, and every displayed figure is rounded half-up to cents in integer arithmetic
(`pricing.round_cny`'s rule), so "3.33" here is the same "3.33" the Decimal helpers give.
Validity buckets come from `plans.pricing.VALIDITY_BUCKETS`.

The entry point is `benchmarks_compute(tiers, parameters=...)` (compute.py); the service feeds it the
selector's frame and stores the `BenchmarkResult`.
"""

from competition.benchmarks.analytics.baskets import (
    BASKET_INPUT_COLUMNS,
    COVERS_ALL,
    COVERS_NONE,
    basket_costs_compute,
    basket_cover_classes,
    basket_cover_keys,
    basket_cover_needs,
    basket_covering_counts,
    basket_input_choosable,
    basket_input_compact,
)
from competition.benchmarks.analytics.compute import benchmarks_complete, benchmarks_compute, history_compute
from competition.benchmarks.analytics.contract import (
    DEFAULT_BASKETS,
    INPUT_COLUMNS,
    INPUT_DTYPES,
    METHODOLOGY_VERSION,
    METRICS,
    TIER_REFERENCE_COLUMNS,
    BasketProfile,
    BenchmarkParameters,
    BenchmarkResult,
)
from competition.benchmarks.analytics.day_prices import DAY_PRICE_COLUMNS, day_prices_compute
from competition.benchmarks.analytics.drafts import drafts_position_compute, drafts_position_from_markets, drafts_values
from competition.benchmarks.analytics.exact import exact_order_key, fraction_round_half_up, minor_to_decimal
from competition.benchmarks.analytics.frames import input_fingerprint, normalise_input, tiers_frame
from competition.benchmarks.analytics.history import HISTORY_COLUMNS, history_points_compute
from competition.benchmarks.analytics.matrix import province_comparison_compute
from competition.benchmarks.analytics.metrics import metric_candidates
from competition.benchmarks.analytics.samples import (
    CHEAPEST_NEEDS_OPERATORS,
    LOW_SAMPLE_BELOW,
    cheapest_operators,
    is_low_sample,
)
from competition.benchmarks.analytics.sensitivity import rank_sensitivity_compute
from competition.benchmarks.analytics.tables import benchmark_table_compute
from competition.benchmarks.analytics.unit_prices import unit_prices, validity_buckets

__all__ = [
    "BASKET_INPUT_COLUMNS",
    "CHEAPEST_NEEDS_OPERATORS",
    "COVERS_ALL",
    "COVERS_NONE",
    "DAY_PRICE_COLUMNS",
    "DEFAULT_BASKETS",
    "HISTORY_COLUMNS",
    "INPUT_COLUMNS",
    "INPUT_DTYPES",
    "LOW_SAMPLE_BELOW",
    "METHODOLOGY_VERSION",
    "METRICS",
    "TIER_REFERENCE_COLUMNS",
    "BasketProfile",
    "BenchmarkParameters",
    "BenchmarkResult",
    "basket_costs_compute",
    "basket_cover_classes",
    "basket_cover_keys",
    "basket_cover_needs",
    "basket_covering_counts",
    "basket_input_choosable",
    "basket_input_compact",
    "benchmark_table_compute",
    "benchmarks_complete",
    "benchmarks_compute",
    "cheapest_operators",
    "day_prices_compute",
    "drafts_position_compute",
    "drafts_position_from_markets",
    "drafts_values",
    "exact_order_key",
    "fraction_round_half_up",
    "history_compute",
    "history_points_compute",
    "input_fingerprint",
    "is_low_sample",
    "metric_candidates",
    "minor_to_decimal",
    "normalise_input",
    "province_comparison_compute",
    "rank_sensitivity_compute",
    "tiers_frame",
    "unit_prices",
    "validity_buckets",
]
