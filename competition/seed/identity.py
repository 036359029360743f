"""How `load_seed` recognises its own rows, and when it must leave them alone.

A seed row is named by its natural key: operator `code`; province `code`; source
(publication, issue, title); branch (operator, province, city); perk and partner `name_zh`; plan
(branch, name_zh); tier (plan, validity_days, effective_from); launch (operator, branch,
name_zh); strategy (operator, theme, title_zh); milestone (strategy, description_zh); key figure
(strategy, label_zh); indicator `code`; indicator value (indicator, province, period start and
precision, source).

Everything the loader writes is attributed to one user, SEED_USERNAME (inactive, no password),
so the audit history tells the seed's writes from everyone else's. For each row of the files:

- found by its key, or (when an analyst changed the key, e.g. renamed a plan) by a history
  record the seed wrote under that key, the row is the seed's (a creation record that names no
  user counts too: loads made before the seed had its own user wrote those);
- its values equal the file's: unchanged, nothing is written;
- they differ, and somebody other than the seed wrote any version of it (an analyst in the
  admin or API, an import, a script without a user): skipped and reported. The analyst's
  value stands; a seed tier an analyst superseded stays closed and is never recreated, because
  the closed row is still there under its key;
- they differ, every version is the seed's and the row still holds what the seed last wrote:
  the data file was corrected, so the correction is applied (through the services);
- a row the seed wrote is gone (deleted, in the history as a deletion): skipped, not recreated.
  Deleting is an analyst's decision about the data (a withdrawn product, a duplicate, a wrong
  reading of the source); resurrecting the row on every `make run` would undo that decision
  silently, again and again. To get a seed row back, restore it from its history in the admin or
  load into a fresh database;
- no row and no history under the key: created.

A row whose version history is missing altogether (written around the audited services) is
treated as not the seed's: it is compared, and skipped when it differs, never overwritten.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.contrib.auth import get_user_model
from django.contrib.auth.models import AbstractBaseUser
from django.db import models
from django.db.models import Q
from django.utils import timezone

SEED_USERNAME = "load_seed"


def seed_actor() -> AbstractBaseUser:
    """The user every seed write is attributed to; created on first use, never able to log in."""
    user_model = get_user_model()
    user, created = user_model._default_manager.get_or_create(
        **{user_model.USERNAME_FIELD: SEED_USERNAME}, defaults={"is_active": False, "is_staff": False}
    )
    if created:
        user.set_unusable_password()
        user.save(update_fields=["password"])
    return user


@dataclass(frozen=True)
class Skip:
    """A seed row the loader left as it found it, and why."""

    entity: str
    label: str
    reason: str

    def __str__(self) -> str:
        return f"skipped: {self.label} ({self.reason})"


@dataclass(frozen=True)
class Lookup:
    """The outcome of looking a seed row up: the live row, or the record of its deletion."""

    row: models.Model | None = None
    deleted: str = ""  # "deleted by lin on 2025-06-01" when the seed's row is gone


def _who_and_when(record: dict[str, Any]) -> str:
    user = record.get("history_user__username") or "a user the history does not name"
    day = timezone.localdate(record["history_date"]).isoformat()
    return f"{user} on {day}"


class SeedIdentity:
    """Per run: who wrote which rows, read from the models' django-simple-history tables."""

    def __init__(self, *, actor: AbstractBaseUser) -> None:
        self.actor_id = actor.pk
        # Per model, whether its history was empty when the run first looked: then no row can be
        # lost or foreign, and the per-row history queries are skipped (a fresh database).
        self._history_empty: dict[type[models.Model], bool] = {}

    def _history(self, model: type[models.Model]) -> Any:
        return model.history  # type: ignore[attr-defined]

    def had_history(self, model: type[models.Model]) -> bool:
        if model not in self._history_empty:
            self._history_empty[model] = not self._history(model).exists()
        return not self._history_empty[model]

    def find(self, model: type[models.Model], lookup: dict[str, Any]) -> Lookup:
        """The seed's row under `lookup`: live by its key, else through the seed's history of that key."""
        row = model._default_manager.filter(**lookup).first()
        if row is not None or not self.had_history(model):
            return Lookup(row=row)
        history = self._history(model)
        # The seed's records; and creations no user is named for, which is how loads made before the
        # seed had its own user look (so a database loaded then still recognises its renamed rows).
        ours = Q(history_user_id=self.actor_id) | Q(history_user__isnull=True, history_type="+")
        record = history.filter(ours, **lookup).order_by("-history_id").values("id").first()
        if record is None:
            return Lookup()
        row = model._default_manager.filter(pk=record["id"]).first()
        if row is not None:
            return Lookup(row=row)  # the same row under a key an analyst changed
        deletion = (
            history.filter(id=record["id"], history_type="-")
            .order_by("-history_id")
            .values("history_user__username", "history_date")
            .first()
        )
        return Lookup(deleted=f"deleted by {_who_and_when(deletion)}" if deletion else "deleted")

    def why_not_correct(self, row: models.Model, fields: list[str]) -> str:
        """Why the loader must not write the file's values over `row`, or "" when it may.

        It may only when every version of the row is the seed's and the row still holds what the
        seed last wrote (compared on `fields`, the concrete fields the file sets).
        """
        model = type(row)
        concrete = {field.name: field.attname for field in model._meta.concrete_fields}
        attnames = [concrete[name] for name in fields if name in concrete]
        records = list(
            self._history(model)
            .filter(id=row.pk)
            .order_by("-history_date", "-history_id")
            .values("history_user_id", "history_user__username", "history_date", *attnames)
        )
        if not records:
            return "not written by load_seed and without a history"
        foreign = next((record for record in records if record["history_user_id"] != self.actor_id), None)
        if foreign is not None:
            return f"changed by {_who_and_when(foreign)}"
        latest = records[0]
        if any(latest[name] != getattr(row, name) for name in attnames):
            return "changed without a history record"
        return ""
