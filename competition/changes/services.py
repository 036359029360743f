"""THE write path of the change feed's read model: derive events from audit-trail records and store them.

Events are inserted with the (history_model, history_id) key they are derived from, so recording
the same records twice (a retried callback, a rebuild over live data) stores each event once.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable, Mapping

from django.db.models import Q

from competition.changes.derive import SOURCES, change_events_derive, history_model
from competition.changes.models import ChangeEvent

logger = logging.getLogger(__name__)

REBUILD_CHUNK = 5_000
# Every column the derivation sets: what a rebuild overwrites on an event it finds already stored.
DERIVED_FIELDS: tuple[str, ...] = tuple(
    field.name
    for field in ChangeEvent._meta.concrete_fields
    if field.name not in {"id", "history_model", "history_id", "matched_at"}
)


def change_events_record(*, history_ids: Mapping[str, Iterable[int]]) -> list[int]:
    """Derive and store the events of these history records (by model label); returns the ids of their events."""
    wanted = {label: sorted(set(ids)) for label, ids in history_ids.items() if label in SOURCES and ids}
    events = [
        event for label, ids in wanted.items() for event in change_events_derive(model_label=label, history_ids=ids)
    ]
    if not events:
        return []
    ChangeEvent.objects.bulk_create(events, ignore_conflicts=True, batch_size=1000)
    keys = Q()
    for label in {event.history_model for event in events}:
        keys |= Q(history_model=label, history_id__in=[e.history_id for e in events if e.history_model == label])
    return list(ChangeEvent.objects.filter(keys).order_by("id").values_list("id", flat=True))


def change_events_rebuild(*, model_labels: Iterable[str] | None = None) -> int:
    """Derive every event again from the whole audit trail; returns how many events it stored or refreshed.

    Existing events keep their ids (their notifications stay attached) and get the derived columns
    again; an event whose record no longer derives one (its history was deleted) is removed.
    """
    stored = 0
    for label in model_labels or SOURCES:
        model = SOURCES[label]
        history_ids = history_model(model)._default_manager.order_by("history_id").values_list("history_id", flat=True)
        last = 0
        while True:
            chunk = list(history_ids.filter(history_id__gt=last)[:REBUILD_CHUNK])
            if not chunk:
                break
            last = chunk[-1]
            events = change_events_derive(model_label=label, history_ids=chunk)
            ChangeEvent.objects.bulk_create(
                events,
                update_conflicts=True,
                unique_fields=["history_model", "history_id"],
                update_fields=list(DERIVED_FIELDS),
                batch_size=1000,
            )
            stored += len(events)
            derived = {event.history_id for event in events}
            ChangeEvent.objects.filter(history_model=label, history_id__in=set(chunk) - derived).delete()
        gone = ChangeEvent.objects.filter(history_model=label).exclude(history_id__in=history_ids)
        removed, _ = gone.delete()
        if removed:
            logger.info("removed %s %s events whose history records are gone", removed, label)
    return stored
