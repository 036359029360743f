"""Writes to plans and tiers: one path for admin, API, import and commands."""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from typing import Any

from django.contrib.auth.models import AbstractBaseUser
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from core.roles import is_analyst
from core.services import attribute_history, audited_delete, audited_update
from plans.models import Plan, Tier
from plans.signals import tiers_changed, tiers_changing

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
    "effective_from",
    "effective_to",
    "source",
    "notes",
)


class _TiersChangedNotice:
    """One on-commit callback per transaction, collecting every plan the transaction touched."""

    def __init__(self) -> None:
        self.plan_ids: set[int] = set()
        self.sent = False

    def __call__(self) -> None:
        self.sent = True
        tiers_changed.send(sender=Tier, plan_ids=sorted(self.plan_ids))


def notify_tiers_changed(*, plan_ids: Iterable[int]) -> None:
    """Tell subscribers (the benchmarks) once per transaction: at its first change, and once it commits.

    `tiers_changing` goes out inside the transaction at its first change, so what its receivers
    write commits or rolls back with the change. A bulk write (load_seed, an import) touches many
    plans in one transaction; subscribers hear about all of them in one `tiers_changed` after the
    commit instead of one signal per row. Django drops a rolled-back block's callbacks from
    `run_on_commit`, so a notice found there that has not gone out yet is still live.
    """
    connection = transaction.get_connection()
    for _savepoints, callback, _robust in connection.run_on_commit:
        if isinstance(callback, _TiersChangedNotice) and not callback.sent:
            callback.plan_ids.update(plan_ids)
            return
    notice = _TiersChangedNotice()
    notice.plan_ids.update(plan_ids)
    tiers_changing.send(sender=Tier, plan_ids=sorted(notice.plan_ids))
    transaction.on_commit(notice)


@transaction.atomic
def plan_create(*, actor: AbstractBaseUser | None, perks: Iterable[Any] = (), **fields: Any) -> Plan:
    plan = Plan(**fields)
    plan.full_clean()
    attribute_history(plan, actor)
    plan.save()
    plan.perks.set(list(perks))
    notify_tiers_changed(plan_ids=[plan.pk])
    return plan


@transaction.atomic
def plan_update(*, plan: Plan, changes: dict[str, Any], actor: AbstractBaseUser | None) -> Plan:
    audited_update(instance=plan, changes=changes, actor=actor)
    notify_tiers_changed(plan_ids=[plan.pk])
    return plan


@transaction.atomic
def plan_delete(*, plan: Plan, actor: AbstractBaseUser | None) -> None:
    plan_id = plan.pk
    # Delete the tiers one by one: the cascade would load its own instances, whose history rows
    # would not name the actor.
    for tier in plan.tiers.all():
        audited_delete(instance=tier, actor=actor)
    audited_delete(instance=plan, actor=actor)
    notify_tiers_changed(plan_ids=[plan_id])


@transaction.atomic
def tier_create(*, actor: AbstractBaseUser | None, **fields: Any) -> Tier:
    """Create one validated tier; ValidationError.message_dict names the offending field."""
    tier = Tier(**fields)
    tier.full_clean()
    attribute_history(tier, actor)
    tier.save()
    notify_tiers_changed(plan_ids=[tier.plan_id])
    return tier


@transaction.atomic
def tier_update(
    *,
    tier: Tier,
    changes: dict[str, Any],
    actor: AbstractBaseUser | None,
    effective_on: datetime.date | None = None,
) -> Tier:
    """Correct a tier in place, or, when its price or allowances change, supersede it.

    A price change keeps history queryable: the current tier is closed on `effective_on`
    (default today) and a new current tier with the new figures starts that day.
    Returns the tier that is current afterwards.
    """
    changed = {name: value for name, value in changes.items() if getattr(tier, name) != value}
    if not changed:
        return tier
    # The open tier (no end date) is the latest observation: a new price supersedes it. Not `is_current`,
    # which is "in effect today" and false for a scheduled price.
    if tier.effective_to is None and PRICE_FIELDS & changed.keys() and "effective_to" not in changed:
        return _tier_supersede(tier=tier, changes=changed, actor=actor, effective_on=effective_on)
    audited_update(instance=tier, changes=changed, actor=actor)
    notify_tiers_changed(plan_ids=[tier.plan_id])
    return tier


def _tier_supersede(
    *, tier: Tier, changes: dict[str, Any], actor: AbstractBaseUser | None, effective_on: datetime.date | None
) -> Tier:
    starts_on = effective_on or timezone.localdate()
    if tier.effective_from and starts_on <= tier.effective_from:
        raise ValidationError(
            {
                "effective_from": _("A new price must start after the current one (%(date)s).")
                % {"date": tier.effective_from}
            }
        )
    audited_update(instance=tier, changes={"effective_to": starts_on}, actor=actor)
    successor = Tier(
        **{
            field.name: getattr(tier, field.name)
            for field in Tier._meta.concrete_fields
            # The new figures are unreviewed: a review vouches for the numbers it saw.
            if field.name not in {"id", "effective_to", "reviewed_by", "reviewed_at"}
        }
    )
    for name, value in changes.items():
        setattr(successor, name, value)
    successor.effective_from = starts_on
    successor.full_clean()
    attribute_history(successor, actor)
    successor.save()
    notify_tiers_changed(plan_ids=[tier.plan_id])
    return successor


@transaction.atomic
def tier_delete(*, tier: Tier, actor: AbstractBaseUser | None) -> None:
    plan_id = tier.plan_id
    audited_delete(instance=tier, actor=actor)
    notify_tiers_changed(plan_ids=[plan_id])


# History rows that only record a review are not edits of the figures.
REVIEW_FIELDS = frozenset({"reviewed_by", "reviewed_at"})


def tier_authors(*, tier: Tier) -> set[int]:
    """Ids of the users who created the tier or last changed its figures (review-only saves excluded)."""
    records = list(tier.history.order_by("history_date", "history_id"))
    authors: set[int] = set()
    if records and records[0].history_user_id:
        authors.add(records[0].history_user_id)
    for newer, older in zip(reversed(records), reversed(records[:-1]), strict=False):
        changed = {change.field for change in newer.diff_against(older).changes}
        if changed - REVIEW_FIELDS:
            if newer.history_user_id:
                authors.add(newer.history_user_id)
            break
    return authors


@transaction.atomic
def tier_mark_reviewed(*, tier: Tier, reviewer: AbstractBaseUser) -> Tier:
    """Record that a second analyst checked the tier's figures against its source.

    The reviewer must be an analyst and neither the tier's creator nor the last person who changed
    its figures: a review by the author is no second pair of eyes.
    """
    if not is_analyst(reviewer):
        raise ValidationError({"reviewed_by": _("Only an analyst can review a tier.")}, code="not_analyst")
    if reviewer.pk in tier_authors(tier=tier):
        raise ValidationError(
            {"reviewed_by": _("A tier must be reviewed by a second analyst, not by the one who entered it.")},
            code="self_review",
        )
    audited_update(instance=tier, changes={"reviewed_by": reviewer, "reviewed_at": timezone.now()}, actor=reviewer)
    return tier
