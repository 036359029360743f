"""The one write path for reference data, reused by the higher apps for their plain models.

Every write validates with full_clean() and saves inside a transaction, and its history
record names the person (or command) that made it.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING, TypeVar

from django.contrib.auth.models import AbstractBaseUser
from django.db import models, transaction
from django.utils.translation import gettext as _

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise

ModelT = TypeVar("ModelT", bound=models.Model)


def attribute_history(instance: models.Model, actor: AbstractBaseUser | None) -> None:
    """Make django-simple-history record `actor` as the author of the next save or delete."""
    if actor is not None and actor.is_authenticated:
        instance._history_user = actor  # type: ignore[attr-defined]


@transaction.atomic
def audited_save(
    *, instance: ModelT, actor: AbstractBaseUser | None, update_fields: Iterable[str] | None = None, reason: str = ""
) -> ModelT:
    """Validate and save one row, attributing its history record to `actor` (with `reason`, when given)."""
    instance.full_clean()
    attribute_history(instance, actor)
    if reason:
        instance._change_reason = reason  # type: ignore[attr-defined]
    instance.save(update_fields=list(update_fields) if update_fields is not None else None)
    return instance


@transaction.atomic
def audited_delete(*, instance: models.Model, actor: AbstractBaseUser | None) -> None:
    attribute_history(instance, actor)
    instance.delete()


@transaction.atomic
def audited_update(*, instance: ModelT, changes: dict[str, object], actor: AbstractBaseUser | None) -> ModelT:
    """Apply field changes (many-to-many included) to one row and save it validated and audited."""
    many_to_many = {field.name for field in instance._meta.many_to_many}
    plain = {name: value for name, value in changes.items() if name not in many_to_many}
    for name, value in plain.items():
        setattr(instance, name, value)
    audited_save(instance=instance, actor=actor, update_fields=plain.keys() if instance.pk else None)
    for name, value in changes.items():
        if name in many_to_many:
            getattr(instance, name).set(value)  # type: ignore[arg-type]
    return instance


class StaleVersion(Exception):
    """The row changed since the version an edit was based on: the edit is refused, nothing is written."""

    def __init__(self, *, noun: StrOrPromise, based_on: int, current: int) -> None:
        self.noun = noun
        self.based_on = based_on
        self.current = current
        super().__init__(self.message)

    @property
    def message(self) -> str:
        return _(
            "Someone changed this %(noun)s since you opened it (now version %(current)s); reload to see their change."
        ) % {
            "noun": self.noun,
            "current": self.current,
        }


def lock_version(instance: ModelT, *, version: int | None, noun: StrOrPromise) -> ModelT:
    """The row as stored, locked (SELECT ... FOR UPDATE) until the caller's transaction ends.

    With `version` given, a row whose `version` differs raises StaleVersion. Checking under the
    lock is what makes concurrent edits safe: of many writers based on the same version, the
    first to get the lock wins and every other one sees the raised version and is refused.
    """
    stored = type(instance)._default_manager.select_for_update().get(pk=instance.pk)
    current = stored.version  # type: ignore[attr-defined]
    if version is not None and version != current:
        raise StaleVersion(noun=noun, based_on=version, current=current)
    return stored
