"""Counting a list without scanning a big table: the one rule the admin's and the API's pagers share.

An unfiltered list of a big PostgreSQL table is counted from the planner's statistics
(`pg_class.reltuples`, kept fresh by autovacuum's ANALYZE) instead of a sequential scan of every
row: at a million tiers the exact COUNT(*) alone was most of a page's time. A filtered list is
counted exactly: its filters (operator, province, bucket ...) run on indexes and the reader wants
the real number. A small table is counted exactly too: that costs a few milliseconds.
"""

from __future__ import annotations

from typing import Any

from django.core.paginator import Paginator
from django.db import connections
from django.db.models import QuerySet
from django.utils.functional import cached_property

# Below this many rows an exact COUNT(*) costs a few milliseconds: count exactly.
ESTIMATE_FROM_ROWS = 50_000


def table_row_estimate(queryset: QuerySet[Any]) -> int | None:
    """The planner's row estimate of the queryset's table when the queryset is the whole table, else None.

    None also on a database other than PostgreSQL, for a table never analysed, or one small enough
    to count exactly.
    """
    query = queryset.query
    if query.where or query.distinct or query.combinator or query.is_sliced or query.group_by:
        return None
    connection = connections[queryset.db]
    if connection.vendor != "postgresql":
        return None
    with connection.cursor() as cursor:
        # to_regclass: NULL rather than an error should the table name not resolve on the search path.
        cursor.execute("SELECT reltuples FROM pg_class WHERE oid = to_regclass(%s)", [queryset.model._meta.db_table])
        row = cursor.fetchone()
    if row is None or row[0] is None or row[0] < ESTIMATE_FROM_ROWS:
        return None
    return int(row[0])


class EstimatedCountPaginator(Paginator):
    """A paginator that estimates the count of an unfiltered big table (see table_row_estimate)."""

    estimated = False

    @cached_property
    def count(self) -> int:
        if isinstance(self.object_list, QuerySet):
            estimate = table_row_estimate(self.object_list)
            if estimate is not None:
                self.estimated = True
                return estimate
        return super().count
