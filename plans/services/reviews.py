"""Reviews: a second analyst approves one version of a tier's figures; a later change voids it."""

from __future__ import annotations

from django.contrib.auth.models import AbstractBaseUser
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from core.roles import is_analyst
from core.services import attribute_history, audited_update, lock_version
from plans.models import Tier, TierReview
from plans.services.base import REVIEWED_FIELDS, TIER_NOUN


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
    return TierReview.objects.in_force().filter(tier=tier).select_related("reviewer").first()


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


def tier_review_void(*, tier: Tier, actor: AbstractBaseUser | None) -> None:
    """A reviewed field changed: the review in force no longer vouches for the figures."""
    for review in TierReview.objects.select_for_update().in_force().filter(tier=tier):
        review._change_reason = _("Voided: tier changed (version %(version)s)") % {"version": tier.version}  # type: ignore[attr-defined]
        audited_update(
            instance=review, changes={"voided_at": timezone.now(), "voided_by_version": tier.version}, actor=actor
        )
