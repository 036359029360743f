"""`python manage.py backfill_benchmark_history`: compute the benchmark history over the whole recorded history."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone

from competition.benchmarks import scheduling, services
from competition.benchmarks.as_of import as_of_parse
from competition.benchmarks.history import services as history_services


class Command(BaseCommand):
    help = (
        "Record the benchmark history (median, minimum, maximum and sample count per bucket, metric, province "
        "and operator) for every day the benchmarked tiers changed, the first of every month and today, each from "
        "the tiers in effect that day. Days already recorded are kept unless --rebuild."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--since", help="Only days from this date on (YYYY-MM-DD).")
        parser.add_argument(
            "--rebuild",
            action="store_true",
            help="Recompute the recorded days too (after correcting a past price in place), not only the missing.",
        )
        parser.add_argument(
            "--wait", type=float, default=600, help="Seconds to wait for a recompute that is running (default 600)."
        )

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            since = as_of_parse(options["since"]) if options["since"] else None
        except ValueError as error:
            raise CommandError(f"--since: {error}") from error
        try:
            # Under the recompute lease: a run records its day and fills missing ones, which must not interleave.
            with scheduling.benchmark_lease(wait_seconds=options["wait"]):
                days = history_services.benchmark_history_fill(
                    parameters=services.benchmark_parameters_default(),
                    until=timezone.localdate(),
                    since=since,
                    rebuild=options["rebuild"],
                )
        except scheduling.BenchmarkBusy as error:
            raise CommandError(f"{error}; try again when it finishes, or raise --wait") from error
        if days:
            self.stdout.write(
                self.style.SUCCESS(f"Recorded {len(days)} history days, {days[0]:%Y-%m-%d} to {days[-1]:%Y-%m-%d}.")
            )
        else:
            self.stdout.write(self.style.SUCCESS("The benchmark history was complete; nothing to record."))
