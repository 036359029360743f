"""`python manage.py recompute_benchmarks`: compute and store a benchmark run now, in this process."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from competition.benchmarks import scheduling
from competition.benchmarks.analytics import BenchmarkParameters


class Command(BaseCommand):
    help = (
        "Recompute every benchmark (per-GB tables, province x operator matrix, basket costs) from the current "
        "tiers, synchronously, and publish the run. Waits for a recompute already running elsewhere."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--include-promotional",
            action="store_true",
            help="Let promotional tiers (free trials, welcome cards) into medians, ranks and cheapest cells.",
        )
        parser.add_argument(
            "--wait",
            type=float,
            default=600,
            help="Seconds to wait for a recompute that is already running (default 600).",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        parameters = BenchmarkParameters(include_promotional=options["include_promotional"])
        try:
            run = scheduling.benchmarks_recompute(trigger="cli", parameters=parameters, wait_seconds=options["wait"])
        except scheduling.BenchmarkBusy as error:
            raise CommandError(f"{error}; it will run once more when it finishes, or raise --wait") from error
        if run is None:  # pragma: no cover - a forced run always stores one
            raise CommandError("no run was stored")
        self.stdout.write(
            self.style.SUCCESS(
                f"Benchmark run #{run.pk} complete at {run.computed_at:%Y-%m-%d %H:%M:%S %Z}: "
                f"{run.input_tier_count} tiers, {run.ranked_count} ranked, {run.matrix_cell_count} matrix cells, "
                f"{run.basket_cost_count} basket costs in {run.duration_ms} ms (methodology {run.methodology_version})."
            )
        )
