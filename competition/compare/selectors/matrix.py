"""The landing page's province x operator grid from a stored run, every empty cell explained.

The figures come from the stored benchmark runs (competition.benchmarks.selectors). Nothing here computes
a price: it only arranges what those return into the page's grid.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.db.models import Exists, OuterRef, Q

from competition.benchmarks import analytics, inputs, run_counts, selectors
from competition.compare.forms import MetricChoices
from competition.compare.selectors.names import plans_by_id
from competition.models import BenchmarkRun
from operators.models import Operator, Province
from operators.selectors import operator_list, province_list
from plans.models import Plan, Tier


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


@dataclass(frozen=True)
class PairFacts:
    """What a run holds for one province x operator pair, read from the run's stored pair counts (never its rows).

    `anywhere`: a row in any bucket; `in_bucket`: a row in the shown bucket; `priced_in_bucket`: a
    non-promotional one there. Enough to say why a cell is empty.
    """

    anywhere: bool = False
    in_bucket: bool = False
    priced_in_bucket: bool = False


def _empty_note(*, metric: str, facts: PairFacts, unpriced: list[Plan]) -> str:
    if not facts.anywhere:
        return NOTE_PLAN_UNPRICED if unpriced else NOTE_NO_TIERS
    if metric == MetricChoices.BASKET:
        return NOTE_NOT_COVERED
    if not facts.in_bucket:
        return NOTE_OTHER_VALIDITIES
    if not facts.priced_in_bucket:
        return NOTE_PROMOTIONAL_ONLY
    return NOTE_DATA_UNKNOWN


def provinces_with_pair_facts(
    *, run: BenchmarkRun | None, bucket: str, operators: list[Operator]
) -> tuple[list[Province], dict[tuple[str, str], PairFacts]]:
    """Every province, and per (province, operator) pair what the run holds (one query: the provinces).

    From the run's stored row counts per province, operator and bucket (`run_counts.pair_row_counts`,
    kept by every full run and patch), so the cost follows the number of cells, not of rows.
    """
    provinces = list(province_list())
    if run is None:
        return provinces, {}
    counts = run.pair_row_counts or {}
    anywhere = {tuple(key.split("|")[:2]) for key in counts}
    facts = {}
    for province in provinces:
        for operator in operators:
            priced, promotional = counts.get(run_counts.pair_key(province.code, operator.code, bucket), (0, 0))
            facts[(province.code, operator.code)] = PairFacts(
                anywhere=(province.code, operator.code) in anywhere,
                in_bucket=priced + promotional > 0,
                priced_in_bucket=priced > 0,
            )
    return provinces, facts


def unpriced_plans_by_pair(*, pairs: Iterable[tuple[str, str]] | None = None) -> dict[tuple[str, str], list[Plan]]:
    """Benchmarked-segment plans that have no tier at all (a source named them, not their prices), per pair.

    One query; the seed has one (北京联通's 无忧短期旅行通信卡套餐, "资费未披露"). `pairs` (province, operator)
    narrows it to those branches: the matrix asks only about its empty cells, so the search for
    tierless plans probes a few branches' plans instead of anti-joining every plan with every tier.
    """
    plans = Plan.objects.filter(segment__in=inputs.BENCHMARK_SEGMENTS)
    if pairs is not None:
        wanted = Q()
        for province_code, operator_code in set(pairs):
            wanted |= Q(branch__province__code=province_code, branch__operator__code=operator_code)
        if not wanted:
            return {}
        plans = plans.filter(wanted)
    plans = (
        plans.filter(~Exists(Tier.objects.filter(plan=OuterRef("pk"))))
        .select_related("branch__province", "branch__operator")
        .order_by("name_zh")
    )
    found: dict[tuple[str, str], list[Plan]] = defaultdict(list)
    for plan in plans:
        found[(plan.branch.province.code, plan.branch.operator.code)].append(plan)
    return found


def priced_tier_counts(*, run: BenchmarkRun | None) -> dict[str, int]:
    """Per operator, the tiers the run priced (its rows in every bucket): the matrix's column order.

    Stored on the run when it is computed or patched (`run_counts.operator_row_counts`): no query.
    """
    if run is None:
        return {}
    return {str(code): int(count) for code, count in (run.operator_row_counts or {}).items()}


def operators_by_priced_tiers(operators: Iterable[Operator], counts: Mapping[str, int]) -> list[Operator]:
    """The matrix's column order: most priced tiers in the run first (every bucket), ties by English name."""
    return sorted(operators, key=lambda operator: (-counts.get(operator.code, 0), operator.name_en, operator.code))


def tier_data_by_id(*, tier_ids: Iterable[int]) -> dict[int, Decimal | None]:
    """The data volume of the tiers the cells chose (one primary-key query; a run row keeps no index by tier)."""
    ids = {int(tier_id) for tier_id in tier_ids}
    if not ids:
        return {}
    return dict(Tier.objects.filter(pk__in=ids).values_list("pk", "data_gb"))


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
    Provinces without any benchmarked tier are left out unless `all_provinces`. Fixed query count, none
    reading the run's rows into Python: latest run, cells, operators (ordered by the priced-tier counts
    stored on the run), provinces with their pairs' facts (the run's pair counts), the chosen tiers' plans and data, and
    the tierless plans of the empty cells.
    `run` is the run to show (an as-of run, `as_of.benchmark_run_on`); default the latest.
    """
    run = run or selectors.benchmark_run_latest()
    profiles = selectors.basket_profile_list(run=run)
    chosen_profile = None
    stored: dict[tuple[str, str], Any]
    if metric == MetricChoices.BASKET:
        chosen_profile = next((p for p in profiles if p["slug"] == profile), profiles[0] if profiles else None)
        slug = chosen_profile["slug"] if chosen_profile else ""
        costs = selectors.basket_cost_list(profile=slug, run=run) if run else []
        stored = {(c.province_code, c.operator_code): c for c in costs}
    else:
        matrix_cells = selectors.benchmark_matrix_cell_list(bucket=bucket, metric=metric, run=run)
        stored = {(cell.province_code, cell.operator_code): cell for cell in matrix_cells}
    operators = operators_by_priced_tiers(operator_list(), priced_tier_counts(run=run))
    provinces, facts = provinces_with_pair_facts(run=run, bucket=bucket, operators=operators)
    plans = plans_by_id(plan_ids=[cell.plan_id for cell in stored.values()])
    data_by_tier = tier_data_by_id(tier_ids=[cell.tier_id for cell in stored.values()])
    # Tierless plans matter only where a cell is empty (its note, and whether its province is shown).
    unpriced = unpriced_plans_by_pair(
        pairs=[(p.code, o.code) for p in provinces for o in operators if (p.code, o.code) not in stored]
    )
    nothing = PairFacts()
    shown = [
        p
        for p in provinces
        if all_provinces
        or any(facts.get((p.code, o.code), nothing).anywhere or (p.code, o.code) in unpriced for o in operators)
    ]
    grid = []
    for province in shown:
        cells = []
        for operator in operators:
            pair = (province.code, operator.code)
            found: Any = stored.get(pair)  # a matrix cell or a basket cost, read alike below
            if found is None:
                note = _empty_note(metric=metric, facts=facts.get(pair, nothing), unpriced=unpriced.get(pair, []))
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
