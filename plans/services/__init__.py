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

from plans.services.base import (
    PRICE_FIELDS,
    REVIEWED_FIELDS,
    SOURCE_REQUIRED,
    TIER_EDITABLE_FIELDS,
    tier_is_history,
)
from plans.services.bulk import TierBulkInvalid, tier_bulk_create, tier_bulk_validate
from plans.services.notices import notify_tiers_changed
from plans.services.plans import plan_create, plan_delete, plan_update
from plans.services.reviews import tier_authors, tier_mark_reviewed, tier_review_in_force
from plans.services.tiers import tier_correct, tier_create, tier_delete, tier_update

__all__ = [
    "PRICE_FIELDS",
    "REVIEWED_FIELDS",
    "SOURCE_REQUIRED",
    "TIER_EDITABLE_FIELDS",
    "TierBulkInvalid",
    "notify_tiers_changed",
    "plan_create",
    "plan_delete",
    "plan_update",
    "tier_authors",
    "tier_bulk_create",
    "tier_bulk_validate",
    "tier_correct",
    "tier_create",
    "tier_delete",
    "tier_is_history",
    "tier_mark_reviewed",
    "tier_review_in_force",
    "tier_update",
]
