"""Dates as precise as their source: a precision (day, month, quarter, year) and whether the step happened.

A fact dated "2024年12月" is stored as 2024-12-01 with month precision and shown as 2024-12; an undated
fact has neither a date nor a precision. One rule for every door (admin, API, import, seed): the
models' clean() calls `dating_clean`, pages and the admin show dates through `date_display`.
"""

from __future__ import annotations

import datetime

from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _


class DatePrecision(models.TextChoices):
    """How precise a date is as its source gives it; the date is stored as the period's first day."""

    DAY = "day", _("Day")
    MONTH = "month", _("Month")
    QUARTER = "quarter", _("Quarter")
    YEAR = "year", _("Year")


class EventStatus(models.TextChoices):
    """Whether the source reports a step as done or announces it (a launch "expected mid to late March")."""

    HAPPENED = "happened", _("Happened")
    EXPECTED = "expected", _("Expected")


def period_start(date: datetime.date, precision: str) -> datetime.date:
    """The first day of the period `date` falls in at `precision` (2024-12-17 by month: 2024-12-01)."""
    if precision == DatePrecision.MONTH:
        return date.replace(day=1)
    if precision == DatePrecision.QUARTER:
        return date.replace(month=(date.month - 1) // 3 * 3 + 1, day=1)
    if precision == DatePrecision.YEAR:
        return date.replace(month=1, day=1)
    return date


def dating_clean(
    *,
    date: datetime.date | None,
    precision: str | None,
    date_field: str,
    precision_field: str = "date_precision",
) -> str | None:
    """The precision to store with `date`, or ValidationError naming the field at fault.

    A full date given without a precision is a day. A precision without a date is refused (an undated
    fact has no precision), and so is a date that is not the first day of its month, quarter or year
    at a coarser precision, so "2024-12" is never stored as 2024-12-17.
    """
    if date is None:
        if precision:
            raise ValidationError({precision_field: _("An undated fact has no date precision; leave it empty.")})
        return None
    precision = precision or DatePrecision.DAY
    start = period_start(date, precision)
    if start != date:
        raise ValidationError(
            {
                date_field: _("With precision “%(precision)s” the date is the first day of its period: %(start)s.")
                % {"precision": DatePrecision(precision).label, "start": start.isoformat()}
            }
        )
    return precision


def date_display(date: datetime.date | None, precision: str | None) -> str:
    """A date only as precise as its source: 2024-12-17 (day), 2024-12 (month), 2024-Q4 (quarter), 2024 (year)."""
    if date is None:
        return ""
    if precision == DatePrecision.MONTH:
        return f"{date:%Y-%m}"
    if precision == DatePrecision.QUARTER:
        return f"{date.year}-Q{(date.month - 1) // 3 + 1}"
    if precision == DatePrecision.YEAR:
        return f"{date.year}"
    return date.isoformat()
