"""From audit-trail records to change events: which record is which market change.

django-simple-history keeps one snapshot per save. A market change is read from them so:

- a created tier is a *new tier*, unless it starts the day another tier of its plan and validity
  ends: then it is that tier's successor, a *price change* (or an *allowance change* when only
  data or minutes moved), compared with the tier it replaces;
- a changed tier whose price or allowances differ from its previous snapshot is the same kind of
  change, marked as a *correction* (a figure fixed in place, not a new observation);
- a tier given an end with no successor starting that day, or a plan given a withdrawal date, is
  a *withdrawal* (the close of a superseded tier is part of its price change, not a withdrawal);
- a created launch is a *launch*, a created strategy milestone a *milestone*.

Everything else (notes, sources, deletions of mistaken rows) is no market change. The number
of queries depends on the models in a batch, not on its records.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Iterator
from decimal import Decimal
from typing import Any

from django.db import models
from django.utils import timezone

from competition.changes.models import ChangeEvent
from competition.market.models import Launch, StrategyMilestone
from plans import pricing
from plans.models import Plan, Tier

# The figures that make a tier a different offer (plans.services.base.PRICE_FIELDS), in display order.
OFFER_FIELDS: tuple[str, ...] = (
    "price_cny",
    "data_gb",
    "data_unlimited",
    "domestic_voice_min",
    "intl_voice_min",
    "intl_discount_cap_cny",
)


def history_model(model: type[models.Model]) -> type[models.Model]:
    return getattr(model, model._meta.simple_history_manager_attribute).model  # type: ignore[attr-defined]


# The history-tracked models whose records can be a market change, by label.
SOURCES: dict[str, type[models.Model]] = {
    "plans.tier": Tier,
    "plans.plan": Plan,
    "competition.launch": Launch,
    "competition.strategymilestone": StrategyMilestone,
}


def change_events_derive(*, model_label: str, history_ids: Iterable[int]) -> list[ChangeEvent]:
    """The (unsaved) change events of these history records of one model; records that are no change give none."""
    ids = sorted(set(history_ids))
    model = SOURCES.get(model_label)
    if model is None or not ids:
        return []
    records = list(history_model(model)._default_manager.filter(history_id__in=ids).order_by("history_id"))
    derive = {
        "plans.tier": _tier_events,
        "plans.plan": _plan_events,
        "competition.launch": _launch_events,
        "competition.strategymilestone": _milestone_events,
    }[model_label]
    return list(derive(records))


def _base(record: Any, model_label: str, **fields: Any) -> ChangeEvent:
    recorded = record.history_date
    return ChangeEvent(
        recorded_at=recorded,
        history_model=model_label,
        history_id=record.history_id,
        object_id=record.id,
        **{"changed_on": fields.pop("changed_on", None) or timezone.localdate(recorded), **fields},
    )


def _previous_snapshots(model: type[models.Model], records: list[Any]) -> dict[int, Any]:
    """For each changed record, the snapshot of the same row just before it (one query)."""
    changed = [record for record in records if record.history_type == "~"]
    if not changed:
        return {}
    older = (
        history_model(model)
        ._default_manager.filter(id__in={r.id for r in changed}, history_id__lt=max(r.history_id for r in changed))
        .order_by("id", "history_id")
    )
    by_row: dict[int, list[Any]] = defaultdict(list)
    snapshot: Any
    for snapshot in older:
        by_row[snapshot.id].append(snapshot)
    found = {}
    for record in changed:
        before = [s for s in by_row.get(record.id, []) if s.history_id < record.history_id]
        if before:
            found[record.history_id] = before[-1]
    return found


def _per_gb(row: Any) -> Decimal | None:
    value = pricing.price_per_gb(
        price_cny=_get(row, "price_cny"), data_gb=_get(row, "data_gb"), data_unlimited=_get(row, "data_unlimited")
    ).value
    return None if value is None else pricing.round_cny(value)


def _get(row: Any, name: str) -> Any:
    return row[name] if isinstance(row, dict) else getattr(row, name)


def _plans(plan_ids: Iterable[int]) -> dict[int, Plan]:
    return {
        plan.pk: plan
        for plan in Plan.objects.filter(pk__in=set(plan_ids)).select_related("branch__operator", "branch__province")
    }


def _plan_fields(plan: Plan | None) -> dict[str, Any]:
    if plan is None:
        return {}
    branch = plan.branch
    return {
        "operator_code": branch.operator.code,
        "province_code": branch.province.code,
        "branch_id": branch.pk,
        "plan_id": plan.pk,
        "who_zh": branch.name_zh,
        "who_en": branch.name_en,
        "subject_zh": plan.name_zh,
        "subject_en": plan.name_en,
    }


def _tier_events(records: list[Any]) -> Iterator[ChangeEvent]:
    plans = _plans(record.plan_id for record in records)
    previous = _previous_snapshots(Tier, records)
    # Today's rows of the plans touched: who a new tier succeeds, and whether an ended tier has a successor.
    siblings = list(
        Tier.objects.filter(plan_id__in=plans.keys()).values(
            "id", "plan_id", "validity_days", "effective_from", "effective_to", *OFFER_FIELDS
        )
    )
    by_end = {
        (row["plan_id"], row["validity_days"], row["effective_to"]): row for row in siblings if row["effective_to"]
    }
    by_start = {
        (row["plan_id"], row["validity_days"], row["effective_from"]): row for row in siblings if row["effective_from"]
    }
    for record in records:
        key = (record.plan_id, record.validity_days)
        tier = {
            **_plan_fields(plans.get(record.plan_id)),
            "tier_id": record.id,
            "validity_days": record.validity_days,
            "bucket": pricing.validity_bucket(record.validity_days),
            "price_after_cny": record.price_cny,
            "data_after_gb": record.data_gb,
            "per_gb_after_cny": _per_gb(record),
        }
        tier.setdefault("subject_zh", f"#{record.plan_id}")
        if record.history_type == "+":
            before = by_end.get((*key, record.effective_from)) if record.effective_from else None
            if before is not None and before["id"] != record.id:
                fields = [name for name in OFFER_FIELDS if before[name] != getattr(record, name)]
                yield _offer_change(record, tier, before, fields, changed_on=record.effective_from)
            else:
                yield _base(
                    record, "plans.tier", kind=ChangeEvent.Kind.NEW_TIER, changed_on=record.effective_from, **tier
                )
        elif record.history_type == "~" and (older := previous.get(record.history_id)) is not None:
            fields = [name for name in OFFER_FIELDS if getattr(older, name) != getattr(record, name)]
            if fields:
                yield _offer_change(record, tier, older, fields, changed_on=record.effective_from, correction=True)
            elif (
                older.effective_to is None
                and record.effective_to is not None
                and (*key, record.effective_to) not in by_start
            ):
                tier.update(price_before_cny=record.price_cny, data_before_gb=record.data_gb)
                tier.update(per_gb_before_cny=tier["per_gb_after_cny"])
                tier.update(price_after_cny=None, data_after_gb=None, per_gb_after_cny=None)
                yield _base(
                    record, "plans.tier", kind=ChangeEvent.Kind.WITHDRAWAL, changed_on=record.effective_to, **tier
                )


def _offer_change(
    record: Any, tier: dict[str, Any], before: Any, fields: list[str], *, changed_on: Any, correction: bool = False
) -> ChangeEvent:
    kind = ChangeEvent.Kind.PRICE_CHANGE if "price_cny" in fields else ChangeEvent.Kind.ALLOWANCE_CHANGE
    return _base(
        record,
        "plans.tier",
        kind=kind,
        changed_on=changed_on,
        correction=correction,
        fields_changed=fields,
        price_before_cny=_get(before, "price_cny"),
        data_before_gb=_get(before, "data_gb"),
        per_gb_before_cny=_per_gb(before),
        **tier,
    )


def _plan_events(records: list[Any]) -> Iterator[ChangeEvent]:
    previous = _previous_snapshots(Plan, records)
    plans = _plans(record.id for record in records)
    for record in records:
        older = previous.get(record.history_id)
        if record.history_type == "~" and older is not None and older.withdrawn_on is None and record.withdrawn_on:
            fields = {**_plan_fields(plans.get(record.id)), "subject_zh": record.name_zh, "subject_en": record.name_en}
            yield _base(
                record, "plans.plan", kind=ChangeEvent.Kind.WITHDRAWAL, changed_on=record.withdrawn_on, **fields
            )


def _launch_events(records: list[Any]) -> Iterator[ChangeEvent]:
    created = [record for record in records if record.history_type == "+"]
    launches = {
        launch.pk: launch
        for launch in Launch.objects.filter(pk__in={r.id for r in created}).select_related(
            "operator", "branch__province"
        )
    }
    for record in created:
        launch = launches.get(record.id)
        if launch is None:
            continue  # created and deleted again before we read it: a mistake, not a launch
        branch = launch.branch
        yield _base(
            record,
            "competition.launch",
            kind=ChangeEvent.Kind.LAUNCH,
            changed_on=record.launched_on,
            operator_code=launch.operator.code,
            province_code=branch.province.code if branch else "",
            branch_id=branch.pk if branch else None,
            who_zh=branch.name_zh if branch else launch.operator.name_zh,
            who_en=branch.name_en if branch else launch.operator.name_en,
            subject_zh=record.name_zh[:250],
            subject_en=record.name_en[:300],
        )


def _milestone_events(records: list[Any]) -> Iterator[ChangeEvent]:
    created = [record for record in records if record.history_type == "+"]
    milestones = {
        milestone.pk: milestone
        for milestone in StrategyMilestone.objects.filter(pk__in={r.id for r in created}).select_related(
            "strategy__operator"
        )
    }
    for record in created:
        milestone = milestones.get(record.id)
        if milestone is None:
            continue
        operator = milestone.strategy.operator
        yield _base(
            record,
            "competition.strategymilestone",
            kind=ChangeEvent.Kind.MILESTONE,
            changed_on=record.happened_on,
            operator_code=operator.code if operator else "",
            who_zh=operator.name_zh if operator else "",
            who_en=operator.name_en if operator else "",
            subject_zh=f"{milestone.strategy.title_zh}: {record.description_zh}"[:250],
            subject_en=f"{milestone.strategy.title_en}: {record.description_en}"[:300]
            if record.description_en
            else milestone.strategy.title_en[:300],
        )
