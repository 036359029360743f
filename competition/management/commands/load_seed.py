"""`python manage.py load_seed`: load fixtures/ idempotently, all or nothing, and say what it did and skipped."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from competition.seed.loader import DEFAULT_SEED_DIR, SeedError, seed_load


class Command(BaseCommand):
    help = (
        "Load the seed data (operators, provinces, sources, branches, perks, plans and tiers, partners, "
        "launches, strategies) from fixtures/. Safe to re-run: missing rows are added, rows analysts "
        "changed or deleted are skipped and listed."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--path",
            type=Path,
            default=DEFAULT_SEED_DIR,
            help=f"Directory holding the data files (default: {DEFAULT_SEED_DIR}).",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        path: Path = options["path"]
        if not path.is_dir():
            raise CommandError(f"{path} is not a directory")
        try:
            report = seed_load(path=path)
        except SeedError as error:
            raise CommandError(f"Seed not loaded, nothing was written: {error}") from error
        width = max(len(entity) for entity in report.tallies) if report.tallies else 0
        for entity, tally in report.tallies.items():
            self.stdout.write(
                f"{entity:<{width}}  created {tally.created:>3}  updated {tally.updated:>3}  "
                f"unchanged {tally.unchanged:>3}  skipped {tally.skipped:>3}"
            )
        for skip in report.skipped:
            # Rows analysts changed or deleted: the loader leaves them as they are.
            self.stdout.write(str(skip))
        self.stdout.write(self.style.SUCCESS(f"Seed loaded from {path}."))
