"""Which users a change event concerns: its dimensions against every "any change" watch, in memory.

A watch names some of operator, province, branch, plan and bucket and matches an event that has
the same value in each one it names. Watches are indexed once per batch by the tuple of what they
name (None where they name nothing); an event then looks up the 2^5 tuples it could match instead
of scanning every watch, so a batch costs one query for the watches and constant work per event.
"""

from __future__ import annotations

import itertools
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass

from competition.changes.models import ChangeEvent
from competition.watching.models import Watch

WatchKey = tuple[str | None, str | None, int | None, int | None, str | None]


@dataclass(frozen=True)
class WatchRef:
    watch_id: int
    user_id: int


class WatchIndex:
    """The "any change" watches by what they name: operator, province, branch, plan, bucket."""

    def __init__(self, rows: Iterable[tuple[int, int, str | None, str | None, int | None, int | None, str]]) -> None:
        self.by_key: dict[WatchKey, list[WatchRef]] = defaultdict(list)
        for watch_id, user_id, operator, province, branch, plan, bucket in rows:
            self.by_key[(operator, province, branch, plan, bucket or None)].append(WatchRef(watch_id, user_id))

    @classmethod
    def load(cls) -> WatchIndex:
        rows = Watch.objects.filter(condition=Watch.Condition.ANY_CHANGE).values_list(
            "id", "user_id", "operator__code", "province__code", "branch_id", "plan_id", "bucket"
        )
        return cls(rows.order_by("id").iterator(chunk_size=5000))

    def matches(self, event: ChangeEvent) -> dict[int, int]:
        """user id -> the (oldest) watch of theirs that matches the event; one entry per user."""
        values = (
            event.operator_code or None,
            event.province_code or None,
            event.branch_id,
            event.plan_id,
            event.bucket or None,
        )
        found: dict[int, int] = {}
        options = [(value, None) if value is not None else (None,) for value in values]
        for key in itertools.product(*options):
            for ref in self.by_key.get(key, ()):  # type: ignore[arg-type]
                if ref.user_id not in found or ref.watch_id < found[ref.user_id]:
                    found[ref.user_id] = ref.watch_id
        return found
