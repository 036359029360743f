"""Tables of the analyst tools: a draft set's positions, its baskets, and a bucket's rank sensitivity."""

from __future__ import annotations

from typing import Any

from competition.compare.tables.base import Table, columns, deferred

DRAFT_COLUMNS = columns(
    "draft",
    "label",
    "validity_days",
    "price_cny:money",
    "data_gb:amount",
    "bucket",
    "metric",
    "value_cny:money",
    "rank",
    "index:money",
    "market_median_cny:money",
    "market_sample_count",
    "cheaper_tier_id",
    "cheaper_branch_zh",
    "cheaper_plan_zh",
    "cheaper_value_cny:money",
    "dearer_tier_id",
    "dearer_branch_zh",
    "dearer_plan_zh",
    "dearer_value_cny:money",
)


def _neighbour(prefix: str, neighbour: dict[str, Any] | None) -> dict[str, Any]:
    if neighbour is None:
        return {}
    return {
        f"{prefix}_tier_id": neighbour["tier_id"],
        f"{prefix}_plan_id": neighbour["plan_id"],
        f"{prefix}_branch_zh": neighbour["branch_name_zh"],
        f"{prefix}_plan_zh": neighbour["plan_name_zh"],
        f"{prefix}_value_cny": neighbour["value_cny"],
        f"{prefix}_price_cny": neighbour["price_cny"],
        f"{prefix}_validity_days": neighbour["validity_days"],
    }


def draft_position_table(result: Any) -> Table:
    """One row per draft and metric (per GB, per day, per 30 days): value, rank, index, neighbours."""
    rows = []
    for number, answer in enumerate(result.answers if result else [], start=1):
        draft = answer.draft
        for metric, position in answer.position["metrics"].items():
            rows.append(
                {
                    "draft": number,
                    "label": draft.label,
                    "validity_days": draft.validity_days,
                    "price_cny": draft.price_cny,
                    "data_gb": draft.data_gb,
                    "bucket": answer.position["bucket"],
                    "metric": metric,
                    "value_cny": position["value_cny"],
                    "rank": position["rank"],
                    "index": position["index"],
                    "market_median_cny": position["market_median_cny"],
                    "market_sample_count": position["market_sample_count"],
                    **_neighbour("cheaper", position["cheaper_neighbour"]),
                    **_neighbour("dearer", position["dearer_neighbour"]),
                }
            )
    return Table(name="drafts", columns=DRAFT_COLUMNS, rows=rows)


DRAFT_BASKET_COLUMNS = columns(
    "draft",
    "label",
    "profile",
    "basket_province",
    "covers",
    "repeats",
    "draft_cost_cny:money",
    "market_cost_cny:money",
    "difference_cny:money",
    "index:money",
    "market_tier_id",
    "market_branch_zh",
    "market_plan_zh",
    "market_validity_days",
    "market_repeats",
)


def draft_basket_table(result: Any) -> Table:
    """One row per draft and basket: the draft's cost against the cheapest market cover."""
    rows = []
    for number, answer in enumerate(result.answers if result else [], start=1):
        for basket in answer.position["baskets"]:
            option = basket["market_option"] or {}
            rows.append(
                {
                    "draft": number,
                    "label": answer.draft.label,
                    "profile": basket["profile"],
                    "name": basket["name"],
                    "basket_province": answer.position["basket_province"] or "",
                    "covers": basket["covers"],
                    "repeats": basket["repeats"],
                    "draft_cost_cny": basket["draft_cost_cny"],
                    "market_cost_cny": basket["market_cost_cny"],
                    "difference_cny": basket["difference_cny"],
                    "index": basket["index"],
                    "market_tier_id": option.get("tier_id"),
                    "market_plan_id": option.get("plan_id"),
                    "market_branch_zh": option.get("branch_name_zh"),
                    "market_plan_zh": option.get("plan_name_zh"),
                    "market_validity_days": option.get("validity_days"),
                    "market_repeats": option.get("repeats"),
                }
            )
    return Table(name="baskets", columns=DRAFT_BASKET_COLUMNS, rows=rows)


def sensitivity_table(sensitivity: Any, *, shown: int | None = None) -> Table:
    """A bucket's tiers with their rank under each metric, largest rank spread first.

    With `shown`, `rows` holds only the first `shown` rows (what the page renders) and the CSV
    streams every row of the bucket, read only when the CSV is asked for.
    """
    metrics = list(sensitivity.metrics)
    spec = columns(
        "tier_id",
        "plan_id",
        "province_code",
        "operator",
        "branch_zh",
        "plan_zh",
        "validity_days",
        "price_cny:money",
        *(f"rank_{metric}" for metric in metrics),
        "rank_spread",
    )

    def table_row(row: dict[str, Any]) -> dict[str, Any]:
        return {
            "tier_id": row["tier_id"],
            "plan_id": row["plan_id"],
            "province_code": row["province_code"],
            "operator": row["operator_code"],
            "branch_zh": row["branch_name_zh"],
            "plan_zh": row["plan_name_zh"],
            "validity_days": row["validity_days"],
            "price_cny": row["price_cny"],
            "ranks": [row["ranks"][metric] for metric in metrics],
            **{f"rank_{metric}": row["ranks"][metric] for metric in metrics},
            "rank_spread": row["rank_spread"],
        }

    if shown is None:
        return Table(name="sensitivity", columns=spec, rows=[table_row(row) for row in sensitivity.rows])
    return Table(
        name="sensitivity",
        columns=spec,
        rows=[table_row(row) for row in sensitivity.rows[:shown]],
        streamed=deferred(lambda: (table_row(row) for row in sensitivity.rows)),
    )
