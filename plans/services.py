"""Writes to plans and tiers: the one path for admin, API, import, seed and commands.

Every rule about changing a tier lives here:

- a price or allowance change (PRICE_FIELDS) of a tier that is not yet history is a new
  observation: the tier is closed on the day the new figures start and a successor row holds
  them. The successor needs a source named for it and never inherits the old row's source,
  notes, confidence or review;
- a tier that is history (it ended on or before today) refuses ordinary edits; `tier_correct`
  is the explicit, audited correction of a recorded figure;
- every save raises the row's `version`; an edit based on an older version is refused
  (StaleVersion), checked under a row lock so concurrent edits cannot both win;
- a review approves one version of the figures; changing a reviewed field voids it, and no
  author of the tier's figures may review it.

Each write's reason goes into its history record (`history_change_reason`), which the audit
export shows in its `reason` column.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from typing import Any

from django.contrib.auth.models import AbstractBaseUser
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from core.roles import is_analyst
from core.services import attribute_history, audited_delete, audited_update, lock_version
from plans.models import Plan, Tier, TierReview
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
# What a review vouches for: everything but the free-text notes. A change to any of these voids it.
REVIEWED_FIELDS = frozenset(TIER_EDITABLE_FIELDS) - {"notes"}

TIER_NOUN = gettext_lazy("tier")
PLAN_NOUN = gettext_lazy("plan")
SOURCE_REQUIRED = gettext_lazy("A new price is a new observation: name the source that printed it.")


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


def tier_is_history(tier: Tier, *, today: datetime.date | None = None) -> bool:
    """A tier that ended on or before today is history: only a correction may change it."""
    return tier.effective_to is not None and tier.effective_to <= (today or timezone.localdate())


def _differences(instance: Tier | Plan, changes: dict[str, Any]) -> dict[str, Any]:
    return {name: value for name, value in changes.items() if getattr(instance, name) != value}


def _save(instance: Tier | Plan, *, changes: dict[str, Any], actor: AbstractBaseUser | None, reason: str) -> None:
    """Apply changes validated and audited, raising the version; the reason goes into the history record."""
    instance._change_reason = reason or None  # type: ignore[union-attr]
    audited_update(instance=instance, changes={**changes, "version": instance.version + 1}, actor=actor)


# --------------------------------------------------------------------------- plans


@transaction.atomic
def plan_create(*, actor: AbstractBaseUser | None, perks: Iterable[Any] = (), reason: str = "", **fields: Any) -> Plan:
    fields.pop("version", None)
    plan = Plan(**fields)
    plan.full_clean()
    attribute_history(plan, actor)
    plan._change_reason = reason or None  # type: ignore[attr-defined]
    plan.save()
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
        _save(stored, changes=changes, actor=actor, reason=reason)
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


# --------------------------------------------------------------------------- tiers


@transaction.atomic
def tier_create(*, actor: AbstractBaseUser | None, reason: str = "", **fields: Any) -> Tier:
    """Create one validated tier (version 1); ValidationError.message_dict names the offending field."""
    fields.pop("version", None)
    tier = Tier(**fields)
    tier.full_clean()
    attribute_history(tier, actor)
    tier._change_reason = reason or None  # type: ignore[attr-defined]
    tier.save()
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
    changed = _differences(stored, changes)
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
    changed.update(_differences(stored, {name: value for name, value in observation.items() if value is not None}))
    if not changed:
        return stored
    if tier_is_history(stored):
        raise ValidationError(
            {
                NON_FIELD_ERRORS: ValidationError(
                    _("This tier is history (ended %(date)s); use a correction to fix a recorded figure.")
                    % {"date": stored.effective_to},
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
    changed = _differences(stored, changes)
    if not changed:
        return stored
    _tier_save(stored, changes=changed, actor=actor, reason=_("Correction: %(reason)s") % {"reason": reason.strip()})
    notify_tiers_changed(plan_ids=[stored.plan_id])
    return stored


def _tier_save(
    tier: Tier, *, changes: dict[str, Any], actor: AbstractBaseUser | None, reason: str, voids_review: bool = True
) -> None:
    _save(tier, changes=changes, actor=actor, reason=reason)
    if voids_review and REVIEWED_FIELDS & changes.keys():
        _tier_review_void(tier=tier, actor=actor)


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


# --------------------------------------------------------------------------- reviews


def tier_authors(*, tier: Tier) -> set[int]:
    """Ids of everyone who authored any version of the tier's reviewed fields, over its whole history.

    The creator, and the author of every later record that changed a reviewed field. Whoever
    edited only the notes is no author of the figures.
    """
    records = list(tier.history.order_by("history_date", "history_id"))
    attnames = [Tier._meta.get_field(name).attname for name in sorted(REVIEWED_FIELDS)]  # type: ignore[union-attr]
    authors: set[int] = set()
    for older, newer in zip([None, *records], records, strict=False):
        changed = older is None or any(getattr(newer, name) != getattr(older, name) for name in attnames)
        if changed and newer.history_user_id:
            authors.add(newer.history_user_id)
    return authors


def tier_review_in_force(*, tier: Tier) -> TierReview | None:
    """The review of the tier's current figures, or None (never reviewed, or voided since)."""
    return TierReview.objects.filter(tier=tier, voided_at__isnull=True).select_related("reviewer").first()


@transaction.atomic
def tier_mark_reviewed(*, tier: Tier, reviewer: AbstractBaseUser, version: int | None = None) -> Tier:
    """Record that a second analyst checked this version of the tier's figures against its source.

    The reviewer must be an analyst and must not have authored any version of the tier's
    figures: a review by an author is no second pair of eyes. With `version`, a tier changed
    since is refused (StaleVersion): the reviewer approves what they saw.
    """
    if not is_analyst(reviewer):
        raise ValidationError({"reviewed_by": _("Only an analyst can review a tier.")}, code="not_analyst")
    stored = lock_version(tier, version=version, noun=TIER_NOUN)
    if reviewer.pk in tier_authors(tier=stored):
        raise ValidationError(
            {"reviewed_by": _("A tier must be reviewed by a second analyst, not by one who entered its figures.")},
            code="self_review",
        )
    in_force = tier_review_in_force(tier=stored)
    if in_force is not None:
        if in_force.reviewer_id == reviewer.pk:
            return stored
        raise ValidationError(
            {
                "reviewed_by": _("Already reviewed by %(user)s on %(date)s.")
                % {"user": in_force.reviewer.get_username(), "date": timezone.localdate(in_force.reviewed_at)}
            },
            code="already_reviewed",
        )
    review = TierReview(tier=stored, tier_version=stored.version, reviewer=reviewer)  # type: ignore[misc]
    review.full_clean()
    attribute_history(review, reviewer)
    review.save()
    return stored


def _tier_review_void(*, tier: Tier, actor: AbstractBaseUser | None) -> None:
    """A reviewed field changed: the review in force no longer vouches for the figures."""
    for review in TierReview.objects.select_for_update().filter(tier=tier, voided_at__isnull=True):
        review._change_reason = _("Voided: tier changed (version %(version)s)") % {"version": tier.version}  # type: ignore[attr-defined]
        audited_update(
            instance=review, changes={"voided_at": timezone.now(), "voided_by_version": tier.version}, actor=actor
        )
