"""The seed, loaded once per test session and restored into each test that asks for it.

`load_seed` runs through every app's services (validation, audit, history), which is what the
seed tests check and too slow to repeat for the ~100 tests that only need the seed's rows. So
the session loads it once, inside a transaction that is rolled back, and keeps every row it
added (domain rows, their history records, many-to-many rows, the seed's own user); a test's
`seed` fixture then writes those rows back with one bulk insert per table. Foreign keys are
deferred to the end of the test's transaction on both PostgreSQL and SQLite, so table order
does not matter; sequences are moved past the restored ids so factories never collide.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django.apps import apps
from django.core.management import call_command
from django.core.management.color import no_style
from django.db import connection, models, transaction


@dataclass
class SeedSnapshot:
    """Per model, the rows the seed added, as field values keyed by attname."""

    rows: dict[type[models.Model], list[dict[str, Any]]] = field(default_factory=dict)

    def count(self, model: type[models.Model]) -> int:
        return len(self.rows.get(model, []))


def _all_models() -> list[type[models.Model]]:
    return [model for model in apps.get_models(include_auto_created=True) if not model._meta.proxy]


def _primary_keys(model: type[models.Model]) -> set[Any]:
    return set(model._base_manager.values_list("pk", flat=True))


def seed_snapshot_take() -> SeedSnapshot:
    """Load the seed inside a rolled-back transaction and keep every row it added."""
    snapshot = SeedSnapshot()
    with transaction.atomic():
        before = {model: _primary_keys(model) for model in _all_models()}
        call_command("load_seed", verbosity=0)
        for model in _all_models():
            added = _primary_keys(model) - before[model]
            if not added:
                continue
            columns = [f.attname for f in model._meta.concrete_fields]
            snapshot.rows[model] = list(model._base_manager.filter(pk__in=added).values(*columns))
        transaction.set_rollback(True)
    return snapshot


def seed_snapshot_restore(snapshot: SeedSnapshot) -> None:
    """Write the snapshot's rows back (no signals, no new history: the history rows are restored as they were)."""
    with transaction.atomic():
        for model, rows in snapshot.rows.items():
            model._base_manager.bulk_create([model(**row) for row in rows])
        statements = connection.ops.sequence_reset_sql(no_style(), list(snapshot.rows))
        if statements:
            with connection.cursor() as cursor:
                for statement in statements:
                    cursor.execute(statement)
