"""When a tier is in effect: the one model of time for prices (DOMAIN.md, "Time, observations and review").

A tier's period is [effective_from, effective_to): an empty start reaches back to whenever the
source's price began, an empty end is open. On day D a tier is

- *in effect* when its period covers D and its plan is on sale that day (launched_on empty or
  <= D, withdrawn_on empty or > D);
- *scheduled* when it is not in effect yet but will be: its period or its plan starts after D;
- *ended* when its period ended on or before D, or its plan was withdrawn by then.

The three partition every tier on every day. `TierQuerySet` is the one place that says so in SQL
and `period_status` the one place that says so in Python (for a row already loaded); every page,
filter, benchmark and admin column asks one of them. "Current" means in effect on
`timezone.localdate()`.

Periods of one plan and validity never overlap: `Tier.clean` reports an overlap on the field,
and on PostgreSQL `PostgresExclusionConstraint` makes the database refuse it as well.
"""

from __future__ import annotations

import datetime
from typing import Any

from django.contrib.postgres.constraints import ExclusionConstraint
from django.contrib.postgres.fields import DateRangeField
from django.db import DEFAULT_DB_ALIAS, models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _


class TierStatus(models.TextChoices):
    SCHEDULED = "scheduled", _("scheduled")
    IN_EFFECT = "in_effect", _("in effect")
    ENDED = "ended", _("ended")


def _ended(on: datetime.date) -> Q:
    return Q(effective_to__lte=on) | Q(plan__withdrawn_on__lte=on)


def _not_ended(on: datetime.date) -> Q:
    period = Q(effective_to__isnull=True) | Q(effective_to__gt=on)
    plan = Q(plan__withdrawn_on__isnull=True) | Q(plan__withdrawn_on__gt=on)
    return period & plan


def _started(on: datetime.date) -> Q:
    period = Q(effective_from__isnull=True) | Q(effective_from__lte=on)
    plan = Q(plan__launched_on__isnull=True) | Q(plan__launched_on__lte=on)
    return period & plan


def _not_started(on: datetime.date) -> Q:
    return Q(effective_from__gt=on) | Q(plan__launched_on__gt=on)


class TierQuerySet(models.QuerySet):
    """Tiers by their status on a day; `Tier.objects` is one of these."""

    def in_effect(self, *, on: datetime.date) -> TierQuerySet:
        """Tiers whose price applies on `on`: at most one per plan and validity (periods never overlap)."""
        return self.filter(_started(on) & _not_ended(on))

    def current(self) -> TierQuerySet:
        """Tiers in effect today (the local date of settings.TIME_ZONE)."""
        return self.in_effect(on=timezone.localdate())

    def scheduled(self, *, on: datetime.date) -> TierQuerySet:
        """Tiers not in effect on `on` that will be later: a future-dated price, or a plan not launched yet."""
        return self.filter(_not_started(on) & _not_ended(on))

    def ended(self, *, on: datetime.date) -> TierQuerySet:
        """Tiers that stopped applying on or before `on` (their end date, or their plan's withdrawal)."""
        return self.filter(_ended(on))

    def with_status(self, *, status: str, on: datetime.date) -> TierQuerySet:
        """One of the three by its TierStatus value; ValueError for anything else."""
        if status == TierStatus.SCHEDULED:
            return self.scheduled(on=on)
        if status == TierStatus.IN_EFFECT:
            return self.in_effect(on=on)
        if status == TierStatus.ENDED:
            return self.ended(on=on)
        raise ValueError(f"unknown tier status {status!r}; expected one of {', '.join(TierStatus.values)}")

    def overlapping(self, *, effective_from: datetime.date | None, effective_to: datetime.date | None) -> TierQuerySet:
        """Tiers whose period [effective_from, effective_to) shares a day with the given one (empty = unbounded)."""
        queryset = self
        if effective_to is not None:
            queryset = queryset.filter(Q(effective_from__isnull=True) | Q(effective_from__lt=effective_to))
        if effective_from is not None:
            queryset = queryset.filter(Q(effective_to__isnull=True) | Q(effective_to__gt=effective_from))
        return queryset


def period_status(
    *,
    on: datetime.date,
    effective_from: datetime.date | None,
    effective_to: datetime.date | None,
    launched_on: datetime.date | None,
    withdrawn_on: datetime.date | None,
) -> TierStatus:
    """The Python twin of TierQuerySet for one loaded row: the same three rules, in the same order."""
    if (effective_to is not None and effective_to <= on) or (withdrawn_on is not None and withdrawn_on <= on):
        return TierStatus.ENDED
    if (effective_from is not None and effective_from > on) or (launched_on is not None and launched_on > on):
        return TierStatus.SCHEDULED
    return TierStatus.IN_EFFECT


def periods_overlap(
    *,
    effective_from: datetime.date | None,
    effective_to: datetime.date | None,
    other_from: datetime.date | None,
    other_to: datetime.date | None,
) -> bool:
    """The Python twin of TierQuerySet.overlapping: [from, to) and [other_from, other_to) share a day."""
    if effective_to is not None and other_from is not None and other_from >= effective_to:
        return False
    return not (effective_from is not None and other_to is not None and other_to <= effective_from)


def period_label(*, effective_from: datetime.date | None, effective_to: datetime.date | None) -> str:
    """A period as people read it: "2025-01-01–2025-05-01", "from 2025-05-01, open-ended" …"""
    if effective_from and effective_to:
        return f"{effective_from.isoformat()}–{effective_to.isoformat()}"
    if effective_from:
        return gettext("from %(start)s, open-ended") % {"start": effective_from.isoformat()}
    if effective_to:
        return gettext("undated, ending %(end)s") % {"end": effective_to.isoformat()}
    return gettext("undated, open-ended")


class DateRange(models.Func):
    """PostgreSQL's daterange(from, to, bounds); a NULL bound is unbounded on that side."""

    function = "daterange"
    output_field = DateRangeField()


class PostgresExclusionConstraint(ExclusionConstraint):
    """An exclusion constraint that exists on PostgreSQL only.

    SQLite (the embedded default) has no EXCLUDE: there every DDL method returns nothing, so
    migrations, table rebuilds and a rebuilt initial migration all stay valid. The database
    check is a backstop for writes that skip validation (raw saves, bulk_create, races between
    two validated writes); the message people see comes from the model's clean(), which names
    the conflicting period, so this constraint adds no validation of its own.
    """

    @staticmethod
    def _applies(schema_editor: Any) -> bool:
        return bool(schema_editor.connection.vendor == "postgresql")

    def constraint_sql(self, model: Any, schema_editor: Any) -> Any:
        return super().constraint_sql(model, schema_editor) if self._applies(schema_editor) else None

    def create_sql(self, model: Any, schema_editor: Any) -> Any:
        return super().create_sql(model, schema_editor) if self._applies(schema_editor) else None

    def remove_sql(self, model: Any, schema_editor: Any) -> Any:
        return super().remove_sql(model, schema_editor) if self._applies(schema_editor) else None

    def validate(self, model: Any, instance: Any, exclude: Any = None, using: str = DEFAULT_DB_ALIAS) -> None:
        return None
