"""`python manage.py store_sensitivity`: store the latest run's rank sensitivity now, in this process.

What the follow-up task of a published run does (competition.analyser.sensitivity); for a database
whose latest run was published before the table existed, or whose follow-up never ran.
"""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError

from competition.analyser import sensitivity
from competition.benchmarks import selectors


class Command(BaseCommand):
    help = "Rank every bucket of the latest benchmark run's tiers and store the ranks the sensitivity page reads."

    def handle(self, *args: Any, **options: Any) -> None:
        run = selectors.benchmark_run_latest()
        if run is None or not sensitivity.sensitivity_run_current(run):
            raise CommandError("no benchmark run of today to store the sensitivity of; recompute the benchmarks first")
        stored = sensitivity.sensitivity_store(run_id=run.pk, buckets=None)
        self.stdout.write(
            f"run {run.pk} revision {run.revision}: "
            + ", ".join(f"{bucket} {rows:,} rows" for bucket, rows in stored.items())
        )
