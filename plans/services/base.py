"""What every write to plans and tiers shares: the field groups, history, and the versioned save."""

from __future__ import annotations

import datetime
from typing import Any

from django.contrib.auth.models import AbstractBaseUser
from django.utils import timezone
from django.utils.translation import gettext_lazy

from core.services import audited_update
from plans.models import Plan, Tier
from plans.periods import TierStatus

# A change to any of these is a new price point: the old tier is closed, not overwritten.
PRICE_FIELDS = frozenset(
    {"price_cny", "data_gb", "data_unlimited", "domestic_voice_min", "intl_voice_min", "intl_discount_cap_cny"}
)
# A tier's writable fields, in form order: what the API, the admin inline and the import accept.
TIER_EDITABLE_FIELDS: tuple[str, ...] = (
    "plan",
    "validity_days",
    "price_cny",
    "data_gb",
    "data_unlimited",
    "domestic_voice_min",
    "intl_voice_min",
    "intl_discount_cap_cny",
    "confidence",
    "is_promotional",
    "price_qualifier",
    "effective_from",
    "effective_to",
    "source",
    "notes",
)
# What a review vouches for: everything but the free-text notes. A change to any of these voids it.
REVIEWED_FIELDS = frozenset(TIER_EDITABLE_FIELDS) - {"notes"}

TIER_NOUN = gettext_lazy("tier")
PLAN_NOUN = gettext_lazy("plan")
SOURCE_REQUIRED = gettext_lazy("A new price is a new observation: name the source that printed it.")


def tier_is_history(tier: Tier, *, today: datetime.date | None = None) -> bool:
    """A tier that has ended (its period or its plan; plans.periods) is history: only a correction may change it."""
    return tier.status_on(today or timezone.localdate()) == TierStatus.ENDED


def differences(instance: Tier | Plan, changes: dict[str, Any]) -> dict[str, Any]:
    return {name: value for name, value in changes.items() if getattr(instance, name) != value}


def versioned_save(
    instance: Tier | Plan, *, changes: dict[str, Any], actor: AbstractBaseUser | None, reason: str
) -> None:
    """Apply changes validated and audited, raising the version; the reason goes into the history record."""
    instance._change_reason = reason or None  # type: ignore[union-attr]
    audited_update(instance=instance, changes={**changes, "version": instance.version + 1}, actor=actor)
