"""How a committed write becomes change events: every history record the transaction created, after it commits.

django-simple-history signals each record it writes (`post_create_historical_record`), whichever
door the write came through (admin, API, import, load_seed), since all of them save through the
services. The records of one transaction are collected into one on-commit callback, which derives
their events (competition.changes.services) and hands the new events to the watching task. Deriving
after the commit sees the whole transaction: a superseded tier's close and its successor are one
price change, not a withdrawal and a new tier. A crash between the commit and the callback loses
no audit record; `rebuild_change_events` derives the events again.
"""

from __future__ import annotations

import logging
from collections import defaultdict
from typing import Any

from django.db import transaction

from competition.changes.derive import SOURCES

logger = logging.getLogger(__name__)


class _RecordsCommitted:
    """One on-commit callback per transaction, collecting the history ids it wrote, by model label."""

    def __init__(self) -> None:
        self.history_ids: dict[str, set[int]] = defaultdict(set)
        self.sent = False

    def __call__(self) -> None:
        self.sent = True
        from competition.changes.services import change_events_record
        from competition.watching.publishing import watching_publish_match

        try:
            event_ids = change_events_record(history_ids=self.history_ids)
        except Exception:
            # The writer's change is committed and audited: a failure here must not turn it into an error.
            logger.exception("recording change events failed; run rebuild_change_events")
            return
        if event_ids:
            watching_publish_match(event_ids=event_ids)


def change_events_on_history_record(
    sender: Any, instance: Any, history_instance: Any, using: str | None = None, **kwargs: Any
) -> None:
    """Note the record for the transaction's one callback (connected in CompetitionConfig.ready)."""
    label = instance._meta.label_lower
    if label not in SOURCES:
        return
    connection = transaction.get_connection(using)
    for _savepoints, callback, _robust in connection.run_on_commit:
        if isinstance(callback, _RecordsCommitted) and not callback.sent:
            callback.history_ids[label].add(history_instance.history_id)
            return
    collector = _RecordsCommitted()
    collector.history_ids[label].add(history_instance.history_id)
    transaction.on_commit(collector, using=using)
