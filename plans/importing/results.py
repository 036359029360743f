"""What an import did or would do: its rows' outcomes, its errors in the one wording, its summary."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Literal

from django.utils.translation import gettext as _

from core import exports

Action = Literal["new", "changed", "unchanged", "error"]


@dataclass
class RowError:
    line: int
    field: str
    message: str

    def __str__(self) -> str:
        """The one wording of an import error, in the command's output and on the admin's page alike."""
        if not self.line:
            return self.message  # the file as a whole (too big, too many rows, not a table)
        where = _("line %(line)s") % {"line": self.line}
        return f"{where}, {self.field}: {self.message}" if self.field else f"{where}: {self.message}"


@dataclass
class RowOutcome:
    line: int
    values: dict[str, str]
    action: Action = "error"
    tier_id: int | None = None
    changes: dict[str, tuple[str, str]] = field(default_factory=dict)
    note: str = ""
    errors: list[RowError] = field(default_factory=list)


@dataclass
class ImportResult:
    filename: str
    dry_run: bool
    header: list[str] = field(default_factory=list)
    outcomes: list[RowOutcome] = field(default_factory=list)
    file_errors: list[RowError] = field(default_factory=list)
    ignored_columns: list[str] = field(default_factory=list)
    notices: list[str] = field(default_factory=list)
    committed: bool = False

    @property
    def errors(self) -> list[RowError]:
        return self.file_errors + [error for outcome in self.outcomes for error in outcome.errors]

    @property
    def ok(self) -> bool:
        return not self.errors

    @property
    def counts(self) -> dict[str, int]:
        counts = {"new": 0, "changed": 0, "unchanged": 0, "error": 0}
        for outcome in self.outcomes:
            counts[outcome.action] += 1
        return counts

    @property
    def summary(self) -> str:
        """One line saying what the import did or would do, e.g. "tiers.csv: imported 3 rows: 1 new, …"."""
        counts = self.counts
        if not self.ok:
            return _("%(file)s: %(count)s error(s); nothing was imported") % {
                "file": self.filename,
                "count": len(self.errors),
            }
        verb = _("would import") if self.dry_run else _("imported")
        text = _("%(file)s: %(verb)s %(rows)s rows: %(new)s new, %(changed)s changed, %(unchanged)s unchanged") % {
            "file": self.filename,
            "verb": verb,
            "rows": len(self.outcomes),
            **counts,
        }
        return text + (_(" (dry run, nothing saved)") if self.dry_run else "")

    def failed_rows_csv(self) -> str:
        """The rows that failed, as they were in the file, with their line number and errors first.

        Written by the one export writer, like every file we hand out: a cell the analyst's file
        had as a formula comes back as text.
        """
        rows: list[list[Any]] = [[error.line or "", str(error)] for error in self.file_errors]
        for outcome in self.outcomes:
            if outcome.errors:
                messages = "; ".join(f"{e.field}: {e.message}" if e.field else e.message for e in outcome.errors)
                rows.append([outcome.line, messages, *(outcome.values.get(name, "") for name in self.header)])
        return exports.csv_text(header=["line", "errors", *self.header], rows=rows)
