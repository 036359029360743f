"""Import price tiers from the API's tier CSV/XLSX export (or a sheet with the same columns).

`tier_import` is the one import engine: the admin's tier import (plans.importing.admin_views) and
`manage.py import_tiers` both call it with the file's bytes and show its ImportResult: the same
reader (plans.importing.reading), the same row validation, the same messages
("line 4, price_cny: The price cannot be negative.") and the same summary line.

Every row goes through the write services (tier_create / tier_update), so the model's full_clean,
the no-overlapping-periods rule and the price-change-closes-the-old-tier rule apply exactly as in
admin and the API: a changed price is a new observation citing the row's source cell (as a source
in an API body), and a tier that is history refuses the row. A `version` column (the export has
one) makes a row based on a tier changed since the export fail instead of overwriting the change.
The whole file runs in one transaction: any invalid row, or a dry run, rolls it all back, so a
bad file never leaves half its rows behind.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, Literal

from django.contrib.auth.models import AbstractBaseUser
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from core import exports
from core.services import StaleVersion
from plans.importing.cells import LOOKUP_COLUMNS, REQUIRED_COLUMNS, RowInvalid, parse_row, row_version, show_value
from plans.importing.reading import FileRejected, read_table
from plans.models import Tier
from plans.periods import TierQuerySet
from plans.services import TIER_EDITABLE_FIELDS, tier_create, tier_update

Action = Literal["new", "changed", "unchanged", "error"]
ProgressCallback = Callable[[int, int], None]


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


def tier_import(
    *,
    content: bytes,
    filename: str,
    actor: AbstractBaseUser | None,
    dry_run: bool = False,
    progress: ProgressCallback | None = None,
    origin: str = "import",
) -> ImportResult:
    """Validate and apply every row of a tier file in one transaction; see the module docstring.

    `origin` goes into each history record's change reason ("import_tiers: prices.csv line 7"),
    so the audit shows which file and line a change came from.
    """
    result = ImportResult(filename=filename, dry_run=dry_run)
    try:
        table = read_table(content, filename=filename)
    except FileRejected as rejected:
        result.file_errors.append(RowError(line=rejected.line or 0, field="", message=rejected.message))
        return result
    result.header = table.header
    result.notices.extend(table.notices)
    problem = header_problem(table.header)
    if problem:
        result.file_errors.append(RowError(line=1, field="", message=problem))
        return result
    result.ignored_columns = ignored_columns(table.header)
    if result.ignored_columns:
        result.notices.append(
            _("Ignored columns (computed or unknown): %(names)s.") % {"names": ", ".join(result.ignored_columns)}
        )

    importer = TierRowImporter(actor=actor, reason=f"{origin}: {filename}")
    with transaction.atomic():
        for done, (line, values) in enumerate(table.rows, start=1):
            result.outcomes.append(importer.run(line=line, values=values))
            if progress:
                progress(done, len(table.rows))
        result.committed = result.ok and not dry_run
        if not result.committed:
            # Nothing of a failed or trial run may stay, and its on_commit notices must not fire.
            transaction.set_rollback(True)
    return result


def header_problem(header: list[str]) -> str:
    """Why a header cannot be imported (missing columns), or "" when it can."""
    missing = [name for name in REQUIRED_COLUMNS if name not in header]
    if not {"id", "plan", "plan_name"} & set(header):
        missing.append("plan")
    return _("Missing column(s): %(names)s.") % {"names": ", ".join(missing)} if missing else ""


def ignored_columns(header: list[str]) -> list[str]:
    """Columns the import does not write: computed ones (price_per_gb_cny …) and unknown ones."""
    known = {"id", "version", *TIER_EDITABLE_FIELDS, *LOOKUP_COLUMNS}
    return [name for name in header if name not in known]


class TierRowImporter:
    """Applies one row at a time, remembering which tiers earlier rows of the file already touched."""

    def __init__(self, *, actor: AbstractBaseUser | None, reason: str) -> None:
        self.actor = actor
        self.reason = reason
        self.seen: dict[tuple[Any, ...], int] = {}

    def run(self, *, line: int, values: dict[str, str]) -> RowOutcome:
        outcome = RowOutcome(line=line, values=values)
        try:
            with transaction.atomic():
                self._apply(outcome)
        except RowInvalid as invalid:
            outcome.action = "error"
            for name, messages in invalid.errors.items():
                column = "" if name == NON_FIELD_ERRORS else name
                outcome.errors.extend(RowError(line=line, field=column, message=m) for m in messages)
        except ValidationError as error:
            outcome.action = "error"
            for name, messages in error.message_dict.items():
                column = "" if name == NON_FIELD_ERRORS else name
                outcome.errors.extend(RowError(line=line, field=column, message=m) for m in messages)
        except StaleVersion as stale:
            outcome.action = "error"
            message = _("The tier changed since this file was written (now version %(version)s); export it again.")
            outcome.errors.append(RowError(line=line, field="version", message=message % {"version": stale.current}))
        except IntegrityError as error:
            outcome.action = "error"
            outcome.errors.append(RowError(line=line, field="", message=_("Database refused the row: %s") % error))
        return outcome

    def _apply(self, outcome: RowOutcome) -> None:
        fields = parse_row(outcome.values)
        tier = self._target(outcome.values, fields)
        key: tuple[Any, ...] = ("tier", tier.pk) if tier else ("new", fields["plan"].pk, fields["validity_days"])
        if key in self.seen:
            column = "id" if outcome.values.get("id") else "validity_days"
            raise RowInvalid(
                {column: [_("Duplicates line %(line)s: the same tier twice in one file.") % {"line": self.seen[key]}]}
            )
        self.seen[key] = outcome.line
        if fields.get("source") is None:
            # As in the API: a new tier cites its plan's source, an update keeps its own.
            fields.pop("source", None)
            if tier is None:
                fields["source"] = fields["plan"].source
        reason = f"{self.reason} line {outcome.line}"
        if tier is None:
            created = tier_create(actor=self.actor, reason=reason, **fields)
            self.seen[("tier", created.pk)] = outcome.line  # a later row keyed to it is a duplicate too
            outcome.action, outcome.tier_id = "new", created.pk
            return
        changes = {name: value for name, value in fields.items() if getattr(tier, name) != value}
        if not changes:
            outcome.action, outcome.tier_id = "unchanged", tier.pk
            return
        outcome.changes = {
            name: (show_value(getattr(tier, name)), show_value(value)) for name, value in changes.items()
        }
        # The service decides: a new price closes the tier and starts a new one on the file's
        # effective_from (or today); anything else edits it in place, unless it is history.
        # The row's source cell names the observation, as a source in an API body does (re-citing
        # the tier's own source is allowed through both doors alike).
        current = tier_update(
            tier=tier,
            changes=changes,
            actor=self.actor,
            version=row_version(outcome.values),
            source=fields.get("source"),
            reason=reason,
        )
        outcome.action, outcome.tier_id = "changed", current.pk
        self.seen[("tier", current.pk)] = outcome.line  # a later row keyed to the new price repeats this one
        if current.pk != tier.pk:
            outcome.note = _("closes tier %(old)s on %(date)s; the new price is tier %(new)s") % {
                "old": tier.pk,
                "date": current.effective_from,
                "new": current.pk,
            }

    def _target(self, values: dict[str, str], fields: dict[str, Any]) -> Tier | None:
        """The existing tier a row updates: by id, else the plan's current tier of that validity."""
        raw_id = values.get("id", "")
        if raw_id:
            if not raw_id.isdigit():
                raise RowInvalid({"id": [_("“%(value)s” is not a tier id (a whole number).") % {"value": raw_id}]})
            tier = Tier.objects.select_for_update().filter(pk=int(raw_id)).first()
            if tier is None:
                message = _("No tier has id %(id)s; leave id empty to add a new tier.") % {"id": raw_id}
                raise RowInvalid({"id": [message]})
            if tier.effective_to is not None and fields.get("effective_to", tier.effective_to) is None:
                successor = _latest(Tier.objects.filter(plan_id=tier.plan_id, validity_days=tier.validity_days))
                if successor is not None:
                    message = _(
                        "Tier %(id)s was closed on %(date)s and tier %(new)s is current now; export again to edit it."
                    ) % {"id": tier.pk, "date": tier.effective_to, "new": successor.pk}
                    raise RowInvalid({"id": [message]})
            return tier
        return _latest(
            Tier.objects.select_for_update().filter(plan=fields["plan"], validity_days=fields["validity_days"])
        )


def _latest(tiers: TierQuerySet) -> Tier | None:
    """The tier a row without an id means: the one in effect today, else the open one (scheduled)."""
    return tiers.current().first() or tiers.filter(effective_to__isnull=True).first()
