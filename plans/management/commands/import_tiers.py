"""`python manage.py import_tiers FILE [--dry-run] [--user NAME] [--failed-rows PATH]`.

One of the two doors of the tier import; the admin's Import button is the other. Both hand the
file's bytes to plans.importing.tier_import and print its errors, notices and summary as they are.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError, CommandParser

from plans.importing import ImportResult, size_problem, tier_import

# Below this many rows a progress line is noise; above it an analyst wants to see the import move.
PROGRESS_FROM_ROWS = 200


class Command(BaseCommand):
    help = (
        "Import price tiers from a CSV (UTF-8) or XLSX file with the columns of the API's tier export. "
        "All rows or none: any invalid row rejects the whole file."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", type=Path)
        parser.add_argument("--dry-run", action="store_true", help="Validate and preview; change nothing.")
        parser.add_argument("--user", help="Username the history records name as the author of the changes.")
        parser.add_argument("--failed-rows", type=Path, help="Write the failed rows with their errors to this CSV.")

    def handle(self, *args: Any, **options: Any) -> None:
        path: Path = options["file"]
        if not path.is_file():
            raise CommandError(f"{path}: no such file")
        problem = size_problem(path.stat().st_size)
        if problem:
            # Refuse before reading: a stray dump should not be loaded into memory to be rejected.
            raise CommandError(f"{path.name}: {problem}")
        actor = None
        if options["user"]:
            actor = get_user_model().objects.filter(username=options["user"]).first()
            if actor is None:
                raise CommandError(f"--user {options['user']}: no such user")
        result = tier_import(
            content=path.read_bytes(),
            filename=path.name,
            actor=actor,
            dry_run=options["dry_run"],
            progress=self._progress if options["verbosity"] >= 1 else None,
            origin="import_tiers",
        )
        self._report(result, verbosity=options["verbosity"])
        if not result.ok:
            if options["failed_rows"]:
                options["failed_rows"].write_text(result.failed_rows_csv(), encoding="utf-8")
                self.stderr.write(f"failed rows written to {options['failed_rows']}")
            raise CommandError(result.summary)

    def _progress(self, done: int, total: int) -> None:
        step = max(total // 10, 1)
        if total >= PROGRESS_FROM_ROWS and (done % step == 0 or done == total):
            self.stderr.write(f"  {done}/{total} rows checked")

    def _report(self, result: ImportResult, *, verbosity: int) -> None:
        for error in result.errors:
            self.stderr.write(str(error))
        if verbosity >= 1:
            for notice in result.notices:
                self.stdout.write(notice)
        if verbosity >= 2:
            for outcome in result.outcomes:
                if outcome.action in {"new", "changed"}:
                    changes = ", ".join(f"{name} {old!r} -> {new!r}" for name, (old, new) in outcome.changes.items())
                    detail = "; ".join(part for part in (changes, outcome.note) if part)
                    self.stdout.write(f"line {outcome.line}: {outcome.action} tier {outcome.tier_id} {detail}".rstrip())
        if result.ok:
            self.stdout.write(result.summary)
