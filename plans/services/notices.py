"""How the plans app tells higher apps that tiers changed: one notice per transaction."""

from __future__ import annotations

from collections.abc import Iterable

from django.db import transaction

from plans.models import Tier
from plans.signals import tiers_changed


class _TiersChangedNotice:
    """One on-commit callback per transaction, collecting every plan the transaction touched."""

    def __init__(self) -> None:
        self.plan_ids: set[int] = set()
        self.sent = False

    def __call__(self) -> None:
        self.sent = True
        tiers_changed.send(sender=Tier, plan_ids=sorted(self.plan_ids))


def notify_tiers_changed(*, plan_ids: Iterable[int]) -> None:
    """Tell subscribers (the benchmarks) once the current transaction commits, once per transaction.

    A bulk write (load_seed, an import) touches many plans in one transaction; subscribers hear
    about all of them in one `tiers_changed` after the commit instead of one signal per row, and
    nothing while the transaction is open (a receiver that wrote inside it would hold its rows
    locked for as long as the writer's transaction lasts). Django drops a rolled-back block's callbacks from
    `run_on_commit`, so a notice found there that has not gone out yet is still live.
    """
    connection = transaction.get_connection()
    for _savepoints, callback, _robust in connection.run_on_commit:
        if isinstance(callback, _TiersChangedNotice) and not callback.sent:
            callback.plan_ids.update(plan_ids)
            return
    notice = _TiersChangedNotice()
    notice.plan_ids.update(plan_ids)
    transaction.on_commit(notice)
