"""Which watches a change event concerns, and the notifications that follow, matched by the database.

A watch names some of operator, province, branch, plan and bucket and matches an event that has
the same value in each one it names. For each event one INSERT ... SELECT finds the matching
"any change" watches, keeps one per user (their oldest) and inserts the notifications, skipping
those that exist already (ON CONFLICT DO NOTHING against the unique constraint per user and
event). No watch row crosses into Python, so 10,000 watches cost one statement, not 10,000 objects.
"""

from __future__ import annotations

import datetime
from typing import Any

from django.db import connection
from django.db.models import Min, Q, QuerySet

from competition.changes.models import ChangeEvent
from competition.watching.models import Notification, Watch


def watches_matching(event: ChangeEvent) -> QuerySet[Watch]:
    """The "any change" watches whose every named dimension equals the event's."""

    def dimension(name: str, value: Any, lookup: str | None = None) -> Q:
        if value in (None, ""):
            return Q(**{f"{name}__isnull": True})
        return Q(**{f"{name}__isnull": True}) | Q(**{lookup or name: value})

    bucket = Q(bucket="") | Q(bucket=event.bucket) if event.bucket else Q(bucket="")
    return Watch.objects.filter(
        dimension("operator", event.operator_code, "operator__code"),
        dimension("province", event.province_code, "province__code"),
        dimension("branch", event.branch_id),
        dimension("plan", event.plan_id),
        bucket,
        condition=Watch.Condition.ANY_CHANGE,
    )


def notifications_insert_for_event(event: ChangeEvent, *, now: datetime.datetime) -> int:
    """Insert one notification per matching user (their oldest matching watch); returns the rows inserted."""
    first_per_user = watches_matching(event).values("user_id").annotate(first=Min("id")).order_by()
    select, params = first_per_user.query.sql_with_params()
    table = Notification._meta.db_table
    payload = "CAST(%s AS jsonb)" if connection.vendor == "postgresql" else "%s"
    statement = (
        f"INSERT INTO {table} (user_id, watch_id, change_id, condition, payload, created_at) "
        f"SELECT matched.user_id, matched.first, %s, %s, {payload}, %s FROM ({select}) AS matched "
        # WHERE true: SQLite would read the ON of ON CONFLICT as a join constraint without it.
        "WHERE true ON CONFLICT DO NOTHING"
    )
    with connection.cursor() as cursor:
        cursor.execute(statement, [event.pk, Watch.Condition.ANY_CHANGE, "{}", now, *params])
        return max(cursor.rowcount, 0)
