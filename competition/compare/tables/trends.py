"""The trends page's table: every recorded point of the lines it draws."""

from __future__ import annotations

from typing import Any

from competition.compare.tables.base import Table, columns

TREND_COLUMNS = columns(
    "date",
    "bucket",
    "metric",
    "scope",
    "code",
    "median_cny:money",
    "min_cny:money",
    "max_cny:money",
    "sample_count",
    "tier_id",
)


def trend_table(rows: list[dict[str, Any]]) -> Table:
    return Table(name="trend", columns=TREND_COLUMNS, rows=rows)
