"""Tables of the analytics-backed pages: the province x operator matrix, a bucket's benchmark, a basket."""

from __future__ import annotations

from typing import Any

from competition.benchmarks import analytics
from competition.benchmarks.exporting import run_export_values
from competition.compare.tables.base import Table, columns
from core import columns as core_columns

# The run's columns every benchmark CSV row carries (bucket figures follow).
RUN_COLUMNS = core_columns.RUN_DESCRIPTION

MATRIX_COLUMNS = columns(
    "province_code",
    "province_name_zh",
    "province_name_en",
    "operator_code",
    "bucket",
    "metric",
    "profile",
    "value_cny:money",
    "cheapest_in_row",
    "sample_count",
    "tier_id",
    "plan_id",
    "branch_name_zh",
    "plan_name_zh",
    "plan_name_en",
    "validity_days",
    "price_cny:money",
    "data_gb:amount",
    "repeats",
    "empty_reason",
    "low_sample",
)


def matrix_table(matrix: Any) -> Table:
    """One CSV row per cell of the grid, empty cells included with the reason they are empty."""
    is_basket = matrix.profile is not None
    rows = []
    for grid_row in matrix.rows:
        for cell in grid_row.cells:
            rows.append(
                {
                    "cell": cell,
                    "province_code": cell.province.code,
                    "province_name_zh": cell.province.name_zh,
                    "province_name_en": cell.province.name_en,
                    "operator_code": cell.operator.code,
                    "bucket": "" if is_basket else matrix.bucket,
                    "metric": matrix.metric,
                    "profile": matrix.profile["slug"] if is_basket else "",
                    "value_cny": cell.value,
                    "cheapest_in_row": cell.cheapest_in_row,
                    "sample_count": cell.sample_count,
                    "tier_id": cell.tier_id,
                    "plan_id": cell.plan_id,
                    "branch_name_zh": cell.branch_name_zh,
                    "plan_name_zh": cell.plan_name_zh,
                    "plan_name_en": cell.plan.name_en if cell.plan else "",
                    "validity_days": cell.validity_days,
                    "price_cny": cell.price_cny,
                    "data_gb": cell.data_gb,
                    "repeats": cell.repeats,
                    "empty_reason": cell.note,
                    "low_sample": cell.low_sample if cell.value is not None else None,
                }
            )
    return Table(name="matrix", columns=MATRIX_COLUMNS, rows=rows)


BENCHMARK_COLUMNS = columns(
    "position",
    "rank",
    "province_code",
    "province_name_zh",
    "province_name_en",
    "operator_code",
    "branch_name_zh",
    "branch_name_en",
    "plan_id",
    "plan_name_zh",
    "plan_name_en",
    "tier_id",
    "validity_days",
    "price_cny:money",
    "price_qualifier",
    "data_gb:amount",
    "price_per_gb_cny:money",
    "per_gb_undefined_reason",
    "price_per_day_cny:money",
    "index:money",
    "is_promotional",
    "confidence",
    *RUN_COLUMNS,
    "bucket",
    "include_from",
    "bucket_median_per_gb_cny:money",
    "bucket_sample_count",
)


def benchmark_table(page: Any) -> Table:
    """A bucket's stored rows in their stored order (rank 1 is the cheapest per GB), each with its run's columns.

    `page` is compare.selectors.BenchmarkPage: the rows ranked as asked (with or without "from" prices),
    the bucket's figures, the run, and the plans and provinces the rows name. A page built for the CSV
    (`chunks`) gives a table whose rows are a generator over every row, so the download streams.
    """
    figures = page.figures
    described = (
        run_export_values(page.run, as_of=page.as_of)
        if page.run
        else {**dict.fromkeys(RUN_COLUMNS), core_columns.AS_OF: page.as_of}
    )
    run = {
        **described,
        "bucket": page.bucket,
        "include_from": page.include_from,
        "bucket_median_per_gb_cny": figures.median_per_gb_cny if figures else None,
        "bucket_sample_count": figures.sample_count if figures else 0,
    }
    if page.chunks is not None:
        streamed = (_benchmark_row(row, chunk.names, run) for chunk in page.chunks for row in chunk.rows)
        return Table(name="benchmark", columns=BENCHMARK_COLUMNS, streamed=streamed)
    rows = [_benchmark_row(row, page.names, run) for row in page.rows]
    return Table(name="benchmark", columns=BENCHMARK_COLUMNS, rows=rows)


def _benchmark_row(row: Any, names: Any, run: dict[str, Any]) -> dict[str, Any]:
    plan = names.plan(row.plan_id)
    province = names.province(row.province_code)
    return {
        "row": row,
        "plan": plan,
        "position": row.position,
        "rank": row.shown_rank,
        "province_code": row.province_code,
        "province_name_zh": province.name_zh if province else "",
        "province_name_en": province.name_en if province else "",
        "operator_code": row.operator_code,
        "branch_name_zh": row.branch_name_zh,
        "branch_name_en": plan.branch.name_en if plan else "",
        "plan_id": row.plan_id,
        "plan_name_zh": row.plan_name_zh,
        "plan_name_en": row.plan_name_en,
        "tier_id": row.tier_id,
        "validity_days": row.validity_days,
        "price_cny": row.price_cny,
        "price_qualifier": row.price_qualifier,
        "data_gb": row.data_gb,
        "price_per_gb_cny": row.price_per_gb_cny,
        "per_gb_undefined_reason": row.per_gb_undefined_reason,
        "price_per_day_cny": row.price_per_day_cny,
        "index": row.shown_index,
        "is_promotional": row.is_promotional,
        "confidence": row.confidence,
        **run,
    }


BASKET_COLUMNS = columns(
    "position",
    "province_code",
    "province_name_zh",
    "province_name_en",
    "operator_code",
    "covered",
    "cost_cny:money",
    "branch_name_zh",
    "plan_id",
    "plan_name_zh",
    "plan_name_en",
    "tier_id",
    "validity_days",
    "repeats",
    "price_cny:money",
    "candidate_count",
    "low_sample",
)


def basket_table(answer: Any) -> Table:
    """Covered pairs cheapest first, then the pairs whose current tiers cannot cover the profile."""
    rows = []
    for position, cost in enumerate(answer.costs, start=1):
        province = answer.provinces.get(cost["province_code"])
        plan = answer.plans.get(int(cost["plan_id"]))
        rows.append(
            {
                "province": province,
                "operator_obj": answer.operators.get(cost["operator_code"]),
                "plan": plan,
                "position": position,
                "province_code": cost["province_code"],
                "province_name_zh": province.name_zh if province else "",
                "province_name_en": province.name_en if province else "",
                "operator_code": cost["operator_code"],
                "covered": True,
                "cost_cny": cost["cost_cny"],
                "branch_name_zh": cost["branch_name_zh"],
                "plan_id": int(cost["plan_id"]),
                "plan_name_zh": cost["plan_name_zh"],
                "plan_name_en": plan.name_en if plan else "",
                "tier_id": int(cost["tier_id"]),
                "validity_days": int(cost["validity_days"]),
                "repeats": int(cost["repeats"]),
                "price_cny": cost["price_cny"],
                "candidate_count": int(cost["candidate_count"]),
                "low_sample": analytics.is_low_sample(int(cost["candidate_count"])),
            }
        )
    for province_code, operator_code in answer.uncovered:
        province = answer.provinces.get(province_code)
        rows.append(
            {
                "province": province,
                "operator_obj": answer.operators.get(operator_code),
                "province_code": province_code,
                "province_name_zh": province.name_zh if province else "",
                "province_name_en": province.name_en if province else "",
                "operator_code": operator_code,
                "covered": False,
                "candidate_count": 0,
            }
        )
    return Table(name="basket", columns=BASKET_COLUMNS, rows=rows)
