"""Reads of the change feed: newest first (by the day a change takes effect, then as recorded), filtered.

Every filter is a column of the read model with an index that starts with it and ends with the
feed order, so the first page is an index scan of one page whatever the size of the history.
"""

from __future__ import annotations

import datetime

from django.db.models import QuerySet

from competition.changes.models import ChangeEvent


def change_event_list(
    *,
    operator: str | None = None,
    province: str | None = None,
    bucket: str | None = None,
    kind: str | None = None,
    since: datetime.date | None = None,
) -> QuerySet[ChangeEvent]:
    """Change events newest first; `operator`/`province` are codes, `since` a day (changes on or after it)."""
    events = ChangeEvent.objects.all()
    if operator:
        events = events.filter(operator_code=operator)
    if province:
        events = events.filter(province_code=province)
    if bucket:
        events = events.filter(bucket=bucket)
    if kind:
        events = events.filter(kind=kind)
    if since:
        events = events.filter(changed_on__gte=since)
    return events.order_by("-changed_on", "-id")


def change_event_page(events: QuerySet[ChangeEvent], *, page: int, page_size: int) -> tuple[list[ChangeEvent], bool]:
    """One page of a feed and whether an older page follows: page_size + 1 rows, no COUNT over the history."""
    start = (page - 1) * page_size
    rows = list(events[start : start + page_size + 1])
    return rows[:page_size], len(rows) > page_size
