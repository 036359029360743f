"""An analyst's own visitor profile costed per province and operator (/compare/basket/)."""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.conf import settings

from competition.benchmarks import analytics, selectors
from competition.compare.selectors.names import plans_by_id
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
    frame = selectors.benchmark_input_frame(on=on)
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
