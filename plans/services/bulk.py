"""Many new tiers in one write: the same rules as tier_create, checked for the set, written in bulk.

`tier_create` validates one row with full_clean(): one query per foreign key, one for the
overlapping-period rule and, in validate_constraints, a SAVEPOINT, a SELECT and a RELEASE for each
of the model's check constraints, although Tier.value_errors() already says the same in Python.
At 20,000 rows that is most of an import's time. Here each row gets the checks that need no query
(clean_fields without the foreign keys the caller resolved, and Tier.value_errors), the overlapping
periods of the whole set are found with one query (plans.periods' Python twin of `overlapping`),
and the rows and their history records go in with one bulk insert per table
(django-simple-history's bulk_create_with_history). The messages are Tier.clean's own; the
database's constraints stay the backstop against a concurrent writer.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence

from django.contrib.auth.models import AbstractBaseUser
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F
from simple_history.utils import bulk_create_with_history

from core.services import attribute_history
from plans.models import Tier
from plans.periods import periods_overlap
from plans.services.notices import notify_tiers_changed

# Rows per INSERT: large enough that the round trips vanish, small enough to keep statements modest.
BULK_BATCH_SIZE = 2000


class TierBulkInvalid(Exception):
    """Some of the tiers are invalid; nothing was written. `errors` maps a tier's index to its field messages."""

    def __init__(self, errors: dict[int, dict[str, list[str]]]) -> None:
        super().__init__(f"{len(errors)} invalid tier(s)")
        self.errors = errors


def tier_bulk_validate(*, tiers: Sequence[Tier]) -> dict[int, dict[str, list[str]]]:
    """Every new tier's field messages by its index (empty when all are valid); reads the database once.

    The tiers' plan and source must be set as instances the caller loaded (as the import's lookups
    do): their existence is not asked again. Two tiers of the set are checked against each other
    as well as against the stored ones.
    """
    errors: dict[int, dict[str, list[str]]] = {}
    for index, tier in enumerate(tiers):
        try:
            tier.clean_fields(exclude=[name for name in ("plan", "source") if getattr(tier, f"{name}_id") is not None])
        except ValidationError as error:
            errors[index] = error.message_dict
        for name, message in tier.value_errors().items():
            texts = message.messages if isinstance(message, ValidationError) else [str(message)]
            errors.setdefault(index, {}).setdefault(name, []).extend(texts)
    # As in full_clean, a row with other errors still hears of an overlap, unless its dates are wrong.
    unchecked = {index for index, fields in errors.items() if "effective_to" in fields}
    for index, overlap in _overlaps(tiers, unchecked=unchecked, invalid=set(errors)).items():
        errors.setdefault(index, {}).setdefault("effective_from", []).extend(Tier.overlap_error(overlap).messages)
    return errors


def _overlaps(tiers: Sequence[Tier], *, unchecked: set[int], invalid: set[int]) -> dict[int, Tier]:
    """For each tier whose period overlaps another of its plan and validity, the first such tier.

    "First" as Tier.clean orders them: stored tiers by start (undated first) and id; a tier of the
    set collides with the earlier valid ones of the set after the stored ones (an invalid row is
    not written, so later rows do not collide with it).
    """
    keys = {(tier.plan_id, tier.validity_days) for index, tier in enumerate(tiers) if index not in unchecked}
    stored: dict[tuple[int, int], list[Tier]] = defaultdict(list)
    if keys:
        siblings = Tier.objects.filter(
            plan_id__in={plan_id for plan_id, _days in keys}, validity_days__in={days for _plan, days in keys}
        ).order_by(F("effective_from").asc(nulls_first=True), "pk")
        for sibling in siblings:
            stored[(sibling.plan_id, sibling.validity_days)].append(sibling)
    found: dict[int, Tier] = {}
    accepted: dict[tuple[int, int], list[Tier]] = defaultdict(list)
    for index, tier in enumerate(tiers):
        if index in unchecked:
            continue
        key = (tier.plan_id, tier.validity_days)
        for other in [*stored.get(key, []), *accepted[key]]:
            if periods_overlap(
                effective_from=tier.effective_from,
                effective_to=tier.effective_to,
                other_from=other.effective_from,
                other_to=other.effective_to,
            ):
                found[index] = other
                break
        else:
            if index not in invalid:
                accepted[key].append(tier)
    return found


@transaction.atomic
def tier_bulk_create(
    *, tiers: Sequence[Tier], actor: AbstractBaseUser | None, reasons: Sequence[str] | None = None
) -> list[Tier]:
    """Validate the tiers as a set and create them all (version 1) with one history record each, or none.

    Raises TierBulkInvalid naming each invalid tier by its index. `reasons` (one per tier) go
    into the history records, as tier_create's `reason` does. The benchmarks hear of every
    touched plan in the transaction's one tiers_changed notice.
    """
    errors = tier_bulk_validate(tiers=tiers)
    if errors:
        raise TierBulkInvalid(errors)
    for index, tier in enumerate(tiers):
        tier.version = 1
        attribute_history(tier, actor)
        if reasons and reasons[index]:
            tier._change_reason = reasons[index]  # type: ignore[attr-defined]
    default_user = actor if actor is not None and actor.is_authenticated else None
    created = bulk_create_with_history(list(tiers), Tier, batch_size=BULK_BATCH_SIZE, default_user=default_user)
    notify_tiers_changed(plan_ids={tier.plan_id for tier in created})
    return list(created)
