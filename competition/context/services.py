"""The write path of market context: indicators, their values and exchange rates.

Every write validates (full_clean) and is audited through core.services; values and rates are
versioned: an edit based on an older version than the stored one raises StaleVersion, checked
under a row lock, so of two analysts editing the same figure one is refused rather than lost.
"""

from __future__ import annotations

from typing import Any, TypeVar

from django.contrib.auth.models import AbstractBaseUser
from django.db import transaction
from django.utils.translation import gettext_lazy

from competition.context.models import ExchangeRate, IndicatorValue
from core.services import audited_delete, audited_save, audited_update, lock_version

VALUE_NOUN = gettext_lazy("indicator value")
RATE_NOUN = gettext_lazy("exchange rate")

VersionedT = TypeVar("VersionedT", IndicatorValue, ExchangeRate)


def _noun(instance: IndicatorValue | ExchangeRate) -> Any:
    return VALUE_NOUN if isinstance(instance, IndicatorValue) else RATE_NOUN


@transaction.atomic
def versioned_create(*, model: type[VersionedT], actor: AbstractBaseUser | None, **fields: Any) -> VersionedT:
    """Create an indicator value or an exchange rate at version 1."""
    fields.pop("version", None)
    return audited_save(instance=model(**fields), actor=actor)


@transaction.atomic
def versioned_update(
    *, instance: VersionedT, changes: dict[str, Any], actor: AbstractBaseUser | None, version: int | None = None
) -> VersionedT:
    """Change a value or a rate in place, raising its version; `version` names the one the edit saw."""
    stored = lock_version(instance, version=version, noun=_noun(instance))
    changes = {name: value for name, value in changes.items() if name != "version"}
    if changes:
        audited_update(instance=stored, changes={**changes, "version": stored.version + 1}, actor=actor)
    return stored


@transaction.atomic
def versioned_delete(
    *, instance: IndicatorValue | ExchangeRate, actor: AbstractBaseUser | None, version: int | None = None
) -> None:
    stored = lock_version(instance, version=version, noun=_noun(instance))
    audited_delete(instance=stored, actor=actor)


def indicator_value_create(*, actor: AbstractBaseUser | None, **fields: Any) -> IndicatorValue:
    return versioned_create(model=IndicatorValue, actor=actor, **fields)


def exchange_rate_create(*, actor: AbstractBaseUser | None, **fields: Any) -> ExchangeRate:
    return versioned_create(model=ExchangeRate, actor=actor, **fields)
