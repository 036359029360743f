"""The landing page's province x operator grid from a stored run, every empty cell explained.

The figures come from the stored benchmark runs (competition.benchmarks.selectors). Nothing here computes
a price: it only arranges what those return into the page's grid.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from competition.benchmarks import analytics, selectors
from competition.compare.forms import MetricChoices
from competition.compare.selectors.names import plans_by_id
from competition.models import BenchmarkRow, BenchmarkRun
from operators.models import Operator, Province
from operators.selectors import operator_list, province_list
from plans.models import Plan
from plans.pricing import BUCKET_LABELS


@dataclass
class MatrixCell:
    """One province x operator cell: the cheapest tier by the metric, or why there is none (`note`)."""

    province: Province
    operator: Operator
    value: Decimal | None = None
    tier_id: int | None = None
    plan_id: int | None = None
    plan: Plan | None = None
    branch_name_zh: str = ""
    plan_name_zh: str = ""
    validity_days: int | None = None
    price_cny: Decimal | None = None
    data_gb: Decimal | None = None
    repeats: int | None = None
    sample_count: int = 0
    cheapest_in_row: bool = False
    note: str = ""
    unpriced_plans: list[Plan] = field(default_factory=list)

    @property
    def low_sample(self) -> bool:
        """A filled cell resting on fewer tiers than the analytics' low-sample rule accepts."""
        return self.value is not None and analytics.is_low_sample(self.sample_count)


@dataclass
class MatrixRow:
    province: Province
    cells: list[MatrixCell]


@dataclass
class Matrix:
    run: BenchmarkRun | None
    bucket: str
    metric: str
    profile: dict[str, Any] | None
    operators: list[Operator]
    rows: list[MatrixRow]

    @property
    def values(self) -> list[Decimal]:
        return [cell.value for row in self.rows for cell in row.cells if cell.value is not None]

    @property
    def low(self) -> Decimal | None:
        return min(self.values, default=None)

    @property
    def high(self) -> Decimal | None:
        return max(self.values, default=None)


# Why a cell is empty: stable keys the template turns into sentences in the reader's language.
NOTE_NO_TIERS = "no_tiers"
NOTE_PLAN_UNPRICED = "plan_unpriced"  # a plan is on record, but not one price of it
NOTE_OTHER_VALIDITIES = "other_validities"
NOTE_DATA_UNKNOWN = "data_unknown"
NOTE_PROMOTIONAL_ONLY = "promotional_only"
NOTE_NOT_COVERED = "not_covered"


def _rows_by_pair(rows: Iterable[BenchmarkRow]) -> dict[tuple[str, str], list[BenchmarkRow]]:
    pairs: dict[tuple[str, str], list[BenchmarkRow]] = defaultdict(list)
    for row in rows:
        pairs[(row.province_code, row.operator_code)].append(row)
    return pairs


def _empty_note(
    *, metric: str, in_bucket: list[BenchmarkRow], anywhere: list[BenchmarkRow], unpriced: list[Plan]
) -> str:
    if not anywhere:
        return NOTE_PLAN_UNPRICED if unpriced else NOTE_NO_TIERS
    if metric == MetricChoices.BASKET:
        return NOTE_NOT_COVERED
    if not in_bucket:
        return NOTE_OTHER_VALIDITIES
    if all(row.is_promotional for row in in_bucket):
        return NOTE_PROMOTIONAL_ONLY
    return NOTE_DATA_UNKNOWN


def unpriced_plans_by_pair() -> dict[tuple[str, str], list[Plan]]:
    """Benchmarked-segment plans that have no tier at all (a source named them, not their prices), per pair.

    One query; the seed has one (北京联通's 无忧短期旅行通信卡套餐, "资费未披露").
    """
    plans = (
        Plan.objects.filter(segment__in=selectors.BENCHMARK_SEGMENTS, tiers__isnull=True)
        .select_related("branch__province", "branch__operator")
        .order_by("name_zh")
    )
    pairs: dict[tuple[str, str], list[Plan]] = defaultdict(list)
    for plan in plans:
        pairs[(plan.branch.province.code, plan.branch.operator.code)].append(plan)
    return pairs


def operators_by_priced_tiers(operators: Iterable[Operator], rows: Iterable[BenchmarkRow]) -> list[Operator]:
    """The matrix's column order: most priced tiers in the run first (every bucket), ties by English name."""
    counts: dict[str, int] = defaultdict(int)
    for row in rows:
        counts[row.operator_code] += 1
    return sorted(operators, key=lambda operator: (-counts[operator.code], operator.name_en, operator.code))


def province_operator_matrix(
    *,
    bucket: str,
    metric: str,
    profile: str | None = None,
    all_provinces: bool = False,
    run: BenchmarkRun | None = None,
) -> Matrix:
    """The landing page's grid from the latest complete run: provinces x operators, empty cells explained.

    per_gb / per_day cells are the run's matrix cells; basket cells its stored costs of `profile`.
    Provinces without any benchmarked tier are left out unless `all_provinces`. Fixed query count:
    latest run, cells (+ provinces and operators), the four buckets' rows, and the plans' names.
    `run` is the run to show (an as-of run, `as_of.benchmark_run_on`); default the latest.
    """
    run = run or selectors.benchmark_run_latest()
    rows_by_bucket = {label: list(selectors.benchmark_row_list(bucket=label, run=run)) for label in BUCKET_LABELS}
    every_row = [row for rows in rows_by_bucket.values() for row in rows]
    anywhere = _rows_by_pair(every_row)
    in_bucket = _rows_by_pair(rows_by_bucket[bucket])
    data_by_tier = {row.tier_id: row.data_gb for row in every_row}
    profiles = selectors.basket_profile_list(run=run)
    chosen_profile = None
    stored: dict[tuple[str, str], Any]
    if metric == MetricChoices.BASKET:
        chosen_profile = next((p for p in profiles if p["slug"] == profile), profiles[0] if profiles else None)
        slug = chosen_profile["slug"] if chosen_profile else ""
        costs = selectors.basket_cost_list(profile=slug, run=run) if run else []
        stored = {(c.province_code, c.operator_code): c for c in costs}
        provinces = list(province_list())
        operators = list(operator_list())
    else:
        comparison = selectors.province_comparison(bucket=bucket, metric=metric, run=run)
        stored = comparison.cells
        provinces, operators = comparison.provinces, comparison.operators
    plans = plans_by_id(plan_ids=[cell.plan_id for cell in stored.values()])
    unpriced = unpriced_plans_by_pair()
    operators = operators_by_priced_tiers(operators, every_row)
    shown = [
        p
        for p in provinces
        if all_provinces or any((p.code, o.code) in anywhere or (p.code, o.code) in unpriced for o in operators)
    ]
    grid = []
    for province in shown:
        cells = []
        for operator in operators:
            pair = (province.code, operator.code)
            found: Any = stored.get(pair)  # a matrix cell or a basket cost, read alike below
            if found is None:
                note = _empty_note(
                    metric=metric,
                    in_bucket=in_bucket.get(pair, []),
                    anywhere=anywhere.get(pair, []),
                    unpriced=unpriced.get(pair, []),
                )
                cells.append(
                    MatrixCell(province=province, operator=operator, note=note, unpriced_plans=unpriced.get(pair, []))
                )
                continue
            is_basket = metric == MetricChoices.BASKET
            cells.append(
                MatrixCell(
                    province=province,
                    operator=operator,
                    value=found.cost_cny if is_basket else found.value_cny,
                    tier_id=found.tier_id,
                    plan_id=found.plan_id,
                    plan=plans.get(found.plan_id),
                    branch_name_zh=found.branch_name_zh,
                    plan_name_zh=found.plan_name_zh,
                    validity_days=found.validity_days,
                    price_cny=found.price_cny,
                    data_gb=data_by_tier.get(found.tier_id),
                    repeats=found.repeats if is_basket else None,
                    sample_count=found.candidate_count if is_basket else found.sample_count,
                )
            )
        # "Cheapest in the province" only where the analytics' rule allows it (two operators with data).
        cheapest = analytics.cheapest_operators([(cell.operator.code, cell.value) for cell in cells])
        for cell in cells:
            cell.cheapest_in_row = cell.operator.code in cheapest
        grid.append(MatrixRow(province=province, cells=cells))
    return Matrix(run=run, bucket=bucket, metric=metric, profile=chosen_profile, operators=operators, rows=grid)
