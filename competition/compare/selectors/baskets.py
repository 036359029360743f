"""An analyst's own visitor profile costed per province and operator (/compare/basket/)."""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.utils import timezone

from competition.benchmarks import analytics, basket_inputs, inputs, selectors
from competition.compare.selectors.names import plans_by_id
from competition.models import BenchmarkRun
from operators.models import Operator, Province
from operators.selectors import operator_list, province_list
from plans.models import Plan


@dataclass
class BasketAnswer:
    """A visitor profile's cheapest cover per province and operator, and the pairs that cannot cover it."""

    profile: analytics.BasketProfile
    costs: list[dict[str, Any]]
    uncovered: list[tuple[str, str]]
    plans: dict[int, Plan]
    provinces: dict[str, Province]
    operators: dict[str, Operator]


def _stored_profile(run: BenchmarkRun, profile: analytics.BasketProfile) -> str | None:
    """The slug of the run's stored profile with exactly these figures, if the run costed one under today's rule."""
    include_promotional = bool(getattr(settings, "BENCHMARK_INCLUDE_PROMOTIONAL", False))
    if bool(run.parameters.get("include_promotional", False)) != include_promotional:
        return None
    wanted = (profile.days, profile.data_gb, profile.domestic_min, profile.intl_min)
    for stored in selectors.basket_profile_list(run=run):
        figures = (int(stored["days"]), Decimal(str(stored["data_gb"])), stored["domestic_min"], stored["intl_min"])
        if figures == wanted:
            return str(stored["slug"])
    return None


def pairs_sold(
    *, run: BenchmarkRun, include_promotional: bool, operators: list[Operator]
) -> tuple[list[Province], set[tuple[str, str]]]:
    """Every province, and the (province, operator) pairs with a tier in the run that the basket's promotional
    rule lets price a basket.

    From the run's stored row counts per pair and bucket (`run_counts.pair_row_counts`): a run's rows
    are every tier of its input. One query: the provinces.
    """
    wanted = {operator.code for operator in operators}
    sold = set()
    for key, (priced, promotional) in (run.pair_row_counts or {}).items():
        province_code, operator_code, _bucket = key.split("|")
        if operator_code in wanted and (priced or (include_promotional and promotional)):
            sold.add((province_code, operator_code))
    return list(province_list()), sold


def _stored_answer(*, run: BenchmarkRun, slug: str, profile: analytics.BasketProfile) -> BasketAnswer:
    costs = list(selectors.basket_cost_list(profile=slug, run=run))
    rows: list[dict[str, Any]] = [
        {
            "province_code": cost.province_code,
            "operator_code": cost.operator_code,
            "tier_id": cost.tier_id,
            "plan_id": cost.plan_id,
            "branch_name_zh": cost.branch_name_zh,
            "plan_name_zh": cost.plan_name_zh,
            "validity_days": cost.validity_days,
            "repeats": cost.repeats,
            "price_cny": cost.price_cny,
            "cost_cny": cost.cost_cny,
            "candidate_count": cost.candidate_count,
        }
        for cost in costs
    ]
    covered = {(cost.province_code, cost.operator_code) for cost in costs}
    operators = list(operator_list())
    provinces, sold = pairs_sold(
        run=run, include_promotional=bool(run.parameters.get("include_promotional", False)), operators=operators
    )
    return BasketAnswer(
        profile=profile,
        costs=rows,
        uncovered=sorted(sold - covered),
        plans=plans_by_id(plan_ids=[cost.plan_id for cost in costs]),
        provinces={p.code: p for p in provinces},
        operators={o.code: o for o in operators},
    )


def basket_answer(
    *, days: int, data_gb: Decimal, domestic_min: int, intl_min: int, on: datetime.date | None = None
) -> BasketAnswer:
    """Cost any visitor profile on a day (default today): the analytics' basket function over that day's input.

    A profile the latest run stored (today, same figures, same promotional rule) is read from the
    run's basket costs, which that same function computed over the same input: no input is read.
    Any other profile today is costed with that function over the run's compact basket input
    (`basket_answer_compact`, the same answer from some thousand rows) once it is stored for the
    run's revision; before that, or for another day, on the spot over every tier in effect, with the
    same function and promotional rule the stored runs use.
    """
    profile = analytics.BasketProfile(
        slug="custom",
        name=f"{days} days, {data_gb} GB, {domestic_min} domestic min, {intl_min} international min",
        days=days,
        data_gb=data_gb,
        domestic_min=domestic_min,
        intl_min=intl_min,
    )
    figures = (profile.days, profile.data_gb, profile.domestic_min, profile.intl_min)
    today = timezone.localdate()
    if on is not None and on < today:
        return basket_answer_computed(profile=profile, on=on)
    run = selectors.benchmark_run_latest()
    if run is None:
        return basket_answer_computed(profile=profile, on=on)
    if any(figures == (p.days, p.data_gb, p.domestic_min, p.intl_min) for p in analytics.DEFAULT_BASKETS):
        slug = _stored_profile(run, profile)
        if slug is not None:
            return _stored_answer(run=run, slug=slug, profile=profile)
    if (on is None or on == today) and _compact_usable(run):
        return basket_answer_compact(run=run, profile=profile)
    return basket_answer_computed(profile=profile, on=on)


def _compact_usable(run: BenchmarkRun) -> bool:
    """Whether the run's compact basket input answers for today's tiers: of its current revision, of
    today, costed under today's promotional rule. Otherwise a profile is costed from every tier."""
    include_promotional = bool(getattr(settings, "BENCHMARK_INCLUDE_PROMOTIONAL", False))
    return (
        basket_inputs.basket_input_ready(run)
        and basket_inputs.basket_input_include_promotional(run) == include_promotional
        and selectors.benchmark_run_as_of(run) == timezone.localdate()
    )


def basket_answer_compact(*, run: BenchmarkRun, profile: analytics.BasketProfile) -> BasketAnswer:
    """`profile` costed by the analytics' basket function over the run's compact basket input.

    Its choosable tiers (some thousands at a million tiers) choose what every tier would, and its
    cover classes (one packed row per province) give the covering-tier counts: the answer
    `basket_answer_computed` gives, in a fraction of the time (docs/benchmarks.md).
    """
    include_promotional = basket_inputs.basket_input_include_promotional(run)
    packed = basket_inputs.basket_input_packed(run)
    frame = basket_inputs.basket_input_choosable_frame(run, packed)
    costs = analytics.basket_costs_compute(frame, profiles=[profile], include_promotional=include_promotional)
    counts = analytics.basket_covering_counts(basket_inputs.basket_input_cover_classes(run, packed), profile)
    operators = list(operator_list())
    provinces, sold = pairs_sold(run=run, include_promotional=include_promotional, operators=operators)
    rows = _cost_rows(costs)
    names = basket_inputs.basket_input_names(run, [int(row["tier_id"]) for row in rows])
    for row in rows:
        row["candidate_count"] = counts[(row["province_code"], row["operator_code"])]
        row["branch_name_zh"], row["plan_name_zh"] = names[int(row["tier_id"])]
    return _answer(profile=profile, rows=rows, sold=sold, provinces=provinces, operators=operators)


def _cost_rows(costs: Any) -> list[dict[str, Any]]:
    """The analytics' basket costs as the page's rows, cheapest first (ties by province, then operator)."""
    records = costs.sort_values(["cost_cents", "province_code", "operator_code"], kind="stable").to_dict("records")
    return [
        {
            **record,
            "price_cny": analytics.minor_to_decimal(record["price_cents"]),
            "cost_cny": analytics.minor_to_decimal(record["cost_cents"]),
        }
        for record in records
    ]


def _answer(
    *,
    profile: analytics.BasketProfile,
    rows: list[dict[str, Any]],
    sold: set[tuple[str, str]],
    provinces: Iterable[Province],
    operators: Iterable[Operator],
) -> BasketAnswer:
    covered = {(row["province_code"], row["operator_code"]) for row in rows}
    return BasketAnswer(
        profile=profile,
        costs=rows,
        uncovered=sorted(sold - covered),
        plans=plans_by_id(plan_ids=[row["plan_id"] for row in rows]),
        provinces={p.code: p for p in provinces},
        operators={o.code: o for o in operators},
    )


def basket_answer_computed(*, profile: analytics.BasketProfile, on: datetime.date | None = None) -> BasketAnswer:
    """`profile` costed by the analytics' basket function over the input of `on` (reads every tier in effect)."""
    frame = inputs.benchmark_input_frame(on=on)
    include_promotional = bool(getattr(settings, "BENCHMARK_INCLUDE_PROMOTIONAL", False))
    costs = analytics.basket_costs_compute(frame, profiles=[profile], include_promotional=include_promotional)
    eligible = frame if include_promotional else frame.loc[~frame["is_promotional"].to_numpy(dtype=bool)]
    sold = {(str(p), str(o)) for p, o in zip(eligible["province_code"], eligible["operator_code"], strict=True)}
    return _answer(
        profile=profile, rows=_cost_rows(costs), sold=sold, provinces=province_list(), operators=operator_list()
    )
