"""Writes to plans."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.contrib.auth.models import AbstractBaseUser
from django.db import transaction

from core.services import audited_delete, audited_save, lock_version
from plans.models import Plan
from plans.services.base import PLAN_NOUN, versioned_save
from plans.services.notices import notify_tiers_changed


@transaction.atomic
def plan_create(*, actor: AbstractBaseUser | None, perks: Iterable[Any] = (), reason: str = "", **fields: Any) -> Plan:
    fields.pop("version", None)
    plan = audited_save(instance=Plan(**fields), actor=actor, reason=reason)
    plan.perks.set(list(perks))
    notify_tiers_changed(plan_ids=[plan.pk])
    return plan


@transaction.atomic
def plan_update(
    *, plan: Plan, changes: dict[str, Any], actor: AbstractBaseUser | None, version: int | None = None, reason: str = ""
) -> Plan:
    """Change a plan in place. With `version`, an edit based on an older version raises StaleVersion."""
    stored = lock_version(plan, version=version, noun=PLAN_NOUN)
    if changes:
        versioned_save(stored, changes=changes, actor=actor, reason=reason)
        notify_tiers_changed(plan_ids=[stored.pk])
    return stored


@transaction.atomic
def plan_delete(*, plan: Plan, actor: AbstractBaseUser | None, version: int | None = None) -> None:
    stored = lock_version(plan, version=version, noun=PLAN_NOUN)
    plan_id = stored.pk
    # Delete the tiers one by one: the cascade would load its own instances, whose history rows
    # would not name the actor.
    for tier in stored.tiers.all():
        audited_delete(instance=tier, actor=actor)
    audited_delete(instance=stored, actor=actor)
    notify_tiers_changed(plan_ids=[plan_id])
