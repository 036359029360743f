"""The one write path for reference data, reused by the higher apps for their plain models.

Every write validates with full_clean() and saves inside a transaction, and its history
record names the person (or command) that made it.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import TypeVar

from django.contrib.auth.models import AbstractBaseUser
from django.db import models, transaction

ModelT = TypeVar("ModelT", bound=models.Model)


def attribute_history(instance: models.Model, actor: AbstractBaseUser | None) -> None:
    """Make django-simple-history record `actor` as the author of the next save or delete."""
    if actor is not None and actor.is_authenticated:
        instance._history_user = actor  # type: ignore[attr-defined]


@transaction.atomic
def audited_save(
    *, instance: ModelT, actor: AbstractBaseUser | None, update_fields: Iterable[str] | None = None
) -> ModelT:
    """Validate and save one row, attributing its history record to `actor`."""
    instance.full_clean()
    attribute_history(instance, actor)
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
