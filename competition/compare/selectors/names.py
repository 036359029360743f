"""Names a stored run does not keep, shared by the analytics-backed pages."""

from __future__ import annotations

from collections.abc import Iterable

from plans.models import Plan


def plans_by_id(*, plan_ids: Iterable[int]) -> dict[int, Plan]:
    """Plans with branch and province, for the English names a stored run does not keep (one query)."""
    ids = {int(plan_id) for plan_id in plan_ids}
    if not ids:
        return {}
    return {plan.pk: plan for plan in Plan.objects.filter(pk__in=ids).select_related("branch__province")}
