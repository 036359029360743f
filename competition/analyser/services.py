"""THE write path of saved draft sets: validated (the analyser's one validator), versioned, audited."""

from __future__ import annotations

import datetime
from typing import Any

from django.contrib.auth.models import AbstractBaseUser
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from competition.analyser.models import DraftSet
from core.services import audited_delete, audited_save, lock_version
from operators.models import Province

NOUN = gettext_lazy("draft set")
EDITABLE_FIELDS = ("name", "drafts", "province", "as_of")


def _own(draft_set: DraftSet, actor: AbstractBaseUser) -> None:
    if draft_set.owner_id != actor.pk:
        raise PermissionDenied(_("Only the owner of a draft set may change it; others see it read-only."))


def draft_set_create(
    *,
    actor: AbstractBaseUser,
    name: str,
    drafts: list[dict[str, Any]],
    province: Province | None = None,
    as_of: datetime.date | None = None,
) -> DraftSet:
    """A new draft set owned by `actor` (full_clean runs the drafts through the analyser's validator)."""
    draft_set = DraftSet(owner=actor, name=name, drafts=drafts, province=province, as_of=as_of)  # type: ignore[misc]
    return audited_save(instance=draft_set, actor=actor)


@transaction.atomic
def draft_set_update(
    *, draft_set: DraftSet, actor: AbstractBaseUser, changes: dict[str, Any], version: int | None
) -> DraftSet:
    """Apply changes to the owner's set based on `version` (StaleVersion when it moved on), raising it."""
    _own(draft_set, actor)
    stored = lock_version(draft_set, version=version, noun=NOUN)
    for name, value in changes.items():
        if name in EDITABLE_FIELDS:
            setattr(stored, name, value)
    stored.version += 1
    return audited_save(instance=stored, actor=actor)


@transaction.atomic
def draft_set_delete(*, draft_set: DraftSet, actor: AbstractBaseUser, version: int | None) -> None:
    _own(draft_set, actor)
    stored = lock_version(draft_set, version=version, noun=NOUN)
    audited_delete(instance=stored, actor=actor)
