"""Reads behind the launches timeline and the strategies page (the analytics have their own selectors).

Every function runs a fixed number of queries whatever the data, so the pages' query counts stay flat.
"""

from __future__ import annotations

import datetime
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.db.models import F, Prefetch

from competition.benchmarks import analytics, inputs, selectors
from competition.compare.forms import MetricChoices
from competition.models import BenchmarkRow, BenchmarkRun, KeyFigure, Launch, Strategy, StrategyMilestone
from operators.models import Operator, Province
from operators.selectors import operator_list, province_list
from plans.models import Plan
from plans.pricing import BUCKET_LABELS


def launch_timeline(
    *,
    operator: str = "",
    province: str = "",
    kind: str = "",
    date_from: datetime.date | None = None,
    date_to: datetime.date | None = None,
) -> list[Launch]:
    """Launches newest first, undated ones last; a date range leaves the undated out (they cannot be placed).

    `province` matches the launching branch's province; a group-wide launch has no branch and no province.
    """
    launches = Launch.objects.select_related("operator", "branch__province", "source").prefetch_related(
        "partners",
        Prefetch("plans", queryset=Plan.objects.select_related("branch").order_by("name_zh")),
    )
    if operator:
        launches = launches.filter(operator__code=operator)
    if province:
        launches = launches.filter(branch__province__code=province)
    if kind:
        launches = launches.filter(kind=kind)
    if date_from:
        launches = launches.filter(launched_on__gte=date_from)
    if date_to:
        launches = launches.filter(launched_on__lte=date_to)
    return list(launches.order_by(F("launched_on").desc(nulls_last=True), "operator__code", "name_zh"))


@dataclass
class ThemeGroup:
    theme: str
    label: str
    strategies: list[Strategy]


def strategies_by_theme(*, theme: str = "", operator: str = "") -> list[ThemeGroup]:
    """Strategies grouped by theme in the order the themes are declared; `operator="industry"` keeps the unnamed.

    Each strategy comes with its operator, source, milestones (oldest first) and key figures.
    """
    strategies = Strategy.objects.select_related("operator", "source").prefetch_related(
        Prefetch("milestones", queryset=StrategyMilestone.objects.order_by("happened_on", "id")),
        Prefetch("key_figures", queryset=KeyFigure.objects.order_by("id")),
    )
    if theme:
        strategies = strategies.filter(theme=theme)
    if operator == "industry":
        strategies = strategies.filter(operator__isnull=True)
    elif operator:
        strategies = strategies.filter(operator__code=operator)
    ordered = list(strategies.order_by("theme", "operator__code", "title_zh"))
    return _group(ordered, Strategy.Theme.choices)


def _group(strategies: Iterable[Strategy], themes: Iterable[tuple[str, Any]]) -> list[ThemeGroup]:
    groups = [ThemeGroup(theme=value, label=str(label), strategies=[]) for value, label in themes]
    index = {group.theme: group for group in groups}
    for strategy in strategies:
        index[strategy.theme].strategies.append(strategy)
    return [group for group in groups if group.strategies]


# --------------------------------------------------------------------------- analytics-backed pages
# The figures come from the stored benchmark runs (competition.benchmarks.selectors) or, for a visitor profile
# nobody stored, from the analytics' own basket function over the selector's input frame. Nothing
# here computes a price: it only arranges what those return into the pages' grids.


def plans_by_id(*, plan_ids: Iterable[int]) -> dict[int, Plan]:
    """Plans with branch and province, for the English names a stored run does not keep (one query)."""
    ids = {int(plan_id) for plan_id in plan_ids}
    if not ids:
        return {}
    return {plan.pk: plan for plan in Plan.objects.filter(pk__in=ids).select_related("branch__province")}


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
        Plan.objects.filter(segment__in=inputs.BENCHMARK_SEGMENTS, tiers__isnull=True)
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


@dataclass
class BenchmarkPage:
    """A bucket's stored benchmark table as the page shows it: rows, figures, run, names."""

    bucket: str
    include_from: bool
    run: BenchmarkRun | None
    as_of: datetime.date | None
    rows: list[BenchmarkRow]
    figures: selectors.BucketFigures | None
    names: selectors.ReferenceNames


def benchmark_page(*, bucket: str, include_from: bool = False, run: BenchmarkRun | None = None) -> BenchmarkPage:
    """A bucket's stored table (of `run`, default the latest), ranked with "from" prices left out or
    (include_from) counted, and its figures."""
    run = run or selectors.benchmark_run_latest()
    rows = list(selectors.benchmark_row_list(bucket=bucket, run=run, include_from=include_from))
    return BenchmarkPage(
        bucket=bucket,
        include_from=include_from,
        run=run,
        as_of=selectors.benchmark_run_as_of(run) if run else None,
        rows=rows,
        figures=selectors.benchmark_bucket_figures(bucket=bucket, run=run, include_from=include_from) if run else None,
        names=selectors.reference_names(
            plan_ids=[row.plan_id for row in rows], province_codes=[row.province_code for row in rows]
        ),
    )


@dataclass
class BasketAnswer:
    """A visitor profile's cheapest cover per province and operator, and the pairs that cannot cover it."""

    profile: analytics.BasketProfile
    costs: list[dict[str, Any]]
    uncovered: list[tuple[str, str]]
    plans: dict[int, Plan]
    provinces: dict[str, Province]
    operators: dict[str, Operator]


def basket_answer(
    *, days: int, data_gb: Decimal, domestic_min: int, intl_min: int, on: datetime.date | None = None
) -> BasketAnswer:
    """Cost any visitor profile on a day (default today): the analytics' basket function over that day's input.

    Stored runs only hold the default profiles, so an analyst's own profile is costed on the spot
    with the same function, input and promotional rule the stored runs use.
    """
    profile = analytics.BasketProfile(
        slug="custom",
        name=f"{days} days, {data_gb} GB, {domestic_min} domestic min, {intl_min} international min",
        days=days,
        data_gb=data_gb,
        domestic_min=domestic_min,
        intl_min=intl_min,
    )
    frame = inputs.benchmark_input_frame(on=on)
    include_promotional = bool(getattr(settings, "BENCHMARK_INCLUDE_PROMOTIONAL", False))
    costs = analytics.basket_costs_compute(frame, profiles=[profile], include_promotional=include_promotional)
    records = costs.sort_values(["cost_cents", "province_code", "operator_code"], kind="stable").to_dict("records")
    rows = [
        {
            **record,
            "price_cny": analytics.minor_to_decimal(record["price_cents"]),
            "cost_cny": analytics.minor_to_decimal(record["cost_cents"]),
        }
        for record in records
    ]
    covered = {(row["province_code"], row["operator_code"]) for row in rows}
    eligible = frame if include_promotional else frame.loc[~frame["is_promotional"].to_numpy(dtype=bool)]
    sold = {(str(p), str(o)) for p, o in zip(eligible["province_code"], eligible["operator_code"], strict=True)}
    return BasketAnswer(
        profile=profile,
        costs=rows,
        uncovered=sorted(sold - covered),
        plans=plans_by_id(plan_ids=[row["plan_id"] for row in rows]),
        provinces={p.code: p for p in province_list()},
        operators={o.code: o for o in operator_list()},
    )
