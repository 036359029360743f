"""The rows behind every table of the comparison pages, shared by the HTML and its CSV link.

`base` holds the table and its CSV writer; the other modules build each page's tables.
"""

from competition.compare.tables.analyser import draft_basket_table, draft_position_table, sensitivity_table
from competition.compare.tables.base import Column, Row, Table, columns
from competition.compare.tables.benchmarks import basket_table, benchmark_table, matrix_table
from competition.compare.tables.context import indicator_value_table, table_with_currency
from competition.compare.tables.market import launch_table, strategy_tables
from competition.compare.tables.plans import (
    plan_table,
    price_history_table,
    province_summary_table,
    tier_change_table,
    tier_row,
    tier_table,
)
from competition.compare.tables.trends import trend_table

__all__ = [
    "Column",
    "Row",
    "Table",
    "basket_table",
    "benchmark_table",
    "columns",
    "draft_basket_table",
    "draft_position_table",
    "indicator_value_table",
    "launch_table",
    "matrix_table",
    "plan_table",
    "price_history_table",
    "province_summary_table",
    "sensitivity_table",
    "strategy_tables",
    "table_with_currency",
    "tier_change_table",
    "tier_row",
    "tier_table",
    "trend_table",
]
