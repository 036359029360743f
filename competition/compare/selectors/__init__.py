"""Reads behind the comparison pages, one module per page family; the public names stay importable from here.

market: launches timeline and strategies; matrix: the landing page's grid; benchmarks: a bucket's table;
baskets: an analyst's own visitor profile; names: names a stored run does not keep;
province_summary and provinces: the province comparison; plans: the plan pages; trends: the trends page.
"""

from competition.compare.selectors.baskets import BasketAnswer, basket_answer
from competition.compare.selectors.benchmarks import BenchmarkPage, benchmark_page
from competition.compare.selectors.market import ThemeGroup, launch_timeline, strategies_by_theme
from competition.compare.selectors.matrix import (
    NOTE_DATA_UNKNOWN,
    NOTE_NO_TIERS,
    NOTE_NOT_COVERED,
    NOTE_OTHER_VALIDITIES,
    NOTE_PLAN_UNPRICED,
    NOTE_PROMOTIONAL_ONLY,
    Matrix,
    MatrixCell,
    MatrixRow,
    operators_by_priced_tiers,
    province_operator_matrix,
    unpriced_plans_by_pair,
)
from competition.compare.selectors.names import plans_by_id

__all__ = [
    "NOTE_DATA_UNKNOWN",
    "NOTE_NOT_COVERED",
    "NOTE_NO_TIERS",
    "NOTE_OTHER_VALIDITIES",
    "NOTE_PLAN_UNPRICED",
    "NOTE_PROMOTIONAL_ONLY",
    "BasketAnswer",
    "BenchmarkPage",
    "Matrix",
    "MatrixCell",
    "MatrixRow",
    "ThemeGroup",
    "basket_answer",
    "benchmark_page",
    "launch_timeline",
    "operators_by_priced_tiers",
    "plans_by_id",
    "province_operator_matrix",
    "strategies_by_theme",
    "unpriced_plans_by_pair",
]
