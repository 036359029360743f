"""As of a day: which benchmark run answers for it, and the one parser of `as_of=YYYY-MM-DD`.

Today is answered by the latest regular run (it read the tiers in effect today). Another day is
answered by a run computed over the tiers in effect on that day (`Tier.objects.in_effect(on=day)`,
through `services.benchmark_run_compute(as_of=day)`: the same analytics, tables, matrix and baskets
as any run), stored as that day's as-of run so every page and endpoint reads it with the usual
selectors, and only the first request for a day pays for the computation. Why not the history: it
keeps summaries and matrix cells, not every tier's rank and index or the baskets, which these pages
show. A tier change drops every as-of run (receivers), since a backdated change may rewrite any
past day; the newest `KEEP_AS_OF_RUNS` are kept otherwise.
"""

from __future__ import annotations

import datetime

from django.utils import timezone
from django.utils.translation import gettext as _

from competition.benchmarks import analytics, selectors, services
from competition.benchmarks.models import BenchmarkRun

# Before this nothing was recorded; it keeps year 1 and its date arithmetic out of the queries.
EARLIEST_AS_OF = datetime.date(2000, 1, 1)


class AsOfOutOfRange(ValueError):
    """A well-formed day the benchmarks have no answer for (after today, or before anything was recorded)."""


def as_of_parse(value: str | None, *, today: datetime.date | None = None) -> datetime.date:
    """`as_of` as a date: empty means today; ValueError with the sentence every door shows otherwise.

    A day after today is refused: the benchmarks answer what was in effect, not a forecast of
    prices scheduled but not yet charged.
    """
    today = today or timezone.localdate()
    if value is None or value == "":
        return today
    try:
        day = datetime.date.fromisoformat(value) if len(value) == 10 else None
    except ValueError:
        day = None
    if day is None:
        raise ValueError(_("Enter the date as YYYY-MM-DD, e.g. 2025-05-01."))
    if day > today:
        raise AsOfOutOfRange(_("The date must not be after today (%(today)s).") % {"today": today.isoformat()})
    if day < EARLIEST_AS_OF:
        raise AsOfOutOfRange(_("The date must not be before %(earliest)s.") % {"earliest": EARLIEST_AS_OF.isoformat()})
    return day


def benchmark_run_on(*, day: datetime.date) -> BenchmarkRun | None:
    """The run that answers for `day`: the latest run for today, else that day's as-of run (computed once).

    None when no regular run has completed yet (the pages say how to start one), whatever the day.
    """
    latest = selectors.benchmark_run_latest()
    if latest is None or day >= timezone.localdate():
        return latest
    stored = (
        BenchmarkRun.objects.filter(
            as_of=day, status=BenchmarkRun.Status.COMPLETE, methodology_version=analytics.METHODOLOGY_VERSION
        )
        .order_by("-computed_at", "-id")
        .first()
    )
    return stored or services.benchmark_run_compute(trigger="as_of", as_of=day)
