"""Writes to tiers: create, edit in place, supersede by a new observation, correct, delete."""

from __future__ import annotations

import datetime
from typing import Any

from django.contrib.auth.models import AbstractBaseUser
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from core.services import attribute_history, audited_delete, audited_save, lock_version
from plans.models import Tier
from plans.services.base import (
    PRICE_FIELDS,
    REVIEWED_FIELDS,
    SOURCE_REQUIRED,
    TIER_NOUN,
    differences,
    tier_is_history,
    versioned_save,
)
from plans.services.notices import notify_tiers_changed
from plans.services.reviews import tier_review_void


@transaction.atomic
def tier_create(*, actor: AbstractBaseUser | None, reason: str = "", **fields: Any) -> Tier:
    """Create one validated tier (version 1); ValidationError.message_dict names the offending field."""
    fields.pop("version", None)
    tier = audited_save(instance=Tier(**fields), actor=actor, reason=reason)
    notify_tiers_changed(plan_ids=[tier.plan_id])
    return tier


@transaction.atomic
def tier_update(
    *,
    tier: Tier,
    changes: dict[str, Any],
    actor: AbstractBaseUser | None,
    version: int | None = None,
    effective_on: datetime.date | None = None,
    source: Any = None,
    confidence: str | None = None,
    reason: str = "",
) -> Tier:
    """Edit a tier in place, or, when its price or allowances change, supersede it.

    `source` and `confidence` describe a new observation (they may also come in `changes`: a
    source or confidence named there counts as given). A price change of a tier that is not
    history closes it on `effective_on` (else a changed `effective_from`, else today) and
    creates the successor from that day; a future date leaves the old tier in effect until then
    and the successor scheduled. Any other change edits the tier in place, unless it is history.
    Returns the tier that holds the new figures.
    """
    stored = lock_version(tier, version=version, noun=TIER_NOUN)
    changes = dict(changes)
    given_source = source if source is not None else changes.pop("source", None)
    given_confidence = confidence if confidence is not None else changes.pop("confidence", None)
    changed = differences(stored, changes)
    if PRICE_FIELDS & changed.keys() and not tier_is_history(stored):
        return _tier_supersede(
            tier=stored,
            changes=changed,
            actor=actor,
            effective_on=effective_on,
            source=given_source,
            confidence=given_confidence,
            reason=reason,
        )
    observation = {"source": given_source, "confidence": given_confidence}
    changed.update(differences(stored, {name: value for name, value in observation.items() if value is not None}))
    if not changed:
        return stored
    if tier_is_history(stored):
        raise ValidationError(
            {
                NON_FIELD_ERRORS: ValidationError(
                    _("This tier is history (ended %(date)s); use a correction to fix a recorded figure.")
                    % {"date": stored.effective_to or stored.plan.withdrawn_on},
                    code="history",
                )
            }
        )
    _tier_save(stored, changes=changed, actor=actor, reason=reason)
    notify_tiers_changed(plan_ids=[stored.plan_id])
    return stored


@transaction.atomic
def tier_correct(
    *, tier: Tier, changes: dict[str, Any], actor: AbstractBaseUser | None, reason: str, version: int | None = None
) -> Tier:
    """Fix a recorded figure in place, history or not: the explicit, audited correction.

    Unlike tier_update, a changed price here is no new observation: the row keeps its dates and
    says what it should always have said. The reason is required and recorded in the history.
    """
    if not (reason or "").strip():
        raise ValidationError(
            {"reason": ValidationError(_("A correction needs a reason: say what was wrong."), code="required")}
        )
    stored = lock_version(tier, version=version, noun=TIER_NOUN)
    changed = differences(stored, changes)
    if not changed:
        return stored
    _tier_save(stored, changes=changed, actor=actor, reason=_("Correction: %(reason)s") % {"reason": reason.strip()})
    notify_tiers_changed(plan_ids=[stored.plan_id])
    return stored


def _tier_save(
    tier: Tier, *, changes: dict[str, Any], actor: AbstractBaseUser | None, reason: str, voids_review: bool = True
) -> None:
    versioned_save(tier, changes=changes, actor=actor, reason=reason)
    if voids_review and REVIEWED_FIELDS & changes.keys():
        tier_review_void(tier=tier, actor=actor)


def _tier_supersede(
    *,
    tier: Tier,
    changes: dict[str, Any],
    actor: AbstractBaseUser | None,
    effective_on: datetime.date | None,
    source: Any,
    confidence: str | None,
    reason: str,
) -> Tier:
    starts_on = effective_on or changes.pop("effective_from", None) or timezone.localdate()
    changes.pop("effective_from", None)
    ends_on = tier.effective_to  # a planned end carries over to the successor
    errors: dict[str, Any] = {}
    if source is None:
        errors["source"] = [ValidationError(SOURCE_REQUIRED, code="source_required")]
    if tier.effective_from and starts_on <= tier.effective_from:
        errors["effective_from"] = [
            _("A new price must start after the current one (%(date)s).") % {"date": tier.effective_from}
        ]
    elif tier.effective_to and starts_on >= tier.effective_to:
        errors["effective_from"] = [
            _("A new price must start before this tier ends (%(date)s).") % {"date": tier.effective_to}
        ]
    if "effective_from" in errors:
        raise ValidationError(errors)
    # Close first, so the successor's period (and the one-open-tier rule) sees the old one ended.
    closing = _("Closed by a new price from %(date)s") % {"date": starts_on}
    # Closing does not void the review: the figures it approved still say what they said.
    _tier_save(
        tier,
        changes={"effective_to": starts_on},
        actor=actor,
        reason=f"{closing}: {reason}" if reason else closing,
        voids_review=False,
    )
    successor = Tier(
        plan=tier.plan,
        validity_days=tier.validity_days,
        is_promotional=tier.is_promotional,
        price_qualifier=tier.price_qualifier,
        effective_to=changes.pop("effective_to", ends_on),
        **{name: getattr(tier, name) for name in PRICE_FIELDS},
    )
    for name, value in changes.items():
        setattr(successor, name, value)
    successor.effective_from = starts_on
    successor.source = source
    if confidence is not None:
        successor.confidence = confidence
    try:
        successor.full_clean(exclude=["source"] if source is None else None)
    except ValidationError as error:
        errors = error.update_error_dict(errors)
    if errors:
        raise ValidationError(errors)
    attribute_history(successor, actor)
    successor._change_reason = reason or _("New price (tier %(id)s ends that day)") % {"id": tier.pk}  # type: ignore[attr-defined]
    successor.save()
    notify_tiers_changed(plan_ids=[tier.plan_id, successor.plan_id])
    return successor


@transaction.atomic
def tier_delete(*, tier: Tier, actor: AbstractBaseUser | None, version: int | None = None, reason: str = "") -> None:
    stored = lock_version(tier, version=version, noun=TIER_NOUN)
    plan_id = stored.plan_id
    stored._change_reason = reason or None  # type: ignore[attr-defined]
    audited_delete(instance=stored, actor=actor)
    notify_tiers_changed(plan_ids=[plan_id])
