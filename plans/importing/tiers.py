"""Import price tiers from the API's tier CSV/XLSX export (or a sheet with the same columns).

`tier_import` is the one import engine: the admin's tier import (plans.importing.admin_views) and
`manage.py import_tiers` both call it with the file's bytes and show its ImportResult: the same
reader (plans.importing.reading), the same row validation, the same messages
("line 4, price_cny: The price cannot be negative.") and the same summary line.

Every row goes through the write services, so the model's validation, the no-overlapping-periods
rule and the price-change-closes-the-old-tier rule apply exactly as in admin and the API. The
file is checked as a set: what its rows refer to is read with one query per kind
(cells.ImportLookups, TierRowImporter.prepare), a change goes through tier_update, and the new
tiers go to tier_bulk_create together once every row has been read (one overlap query, one bulk
insert per table, one history record each: plans.services.bulk). A changed price is a new
observation citing the row's source cell (as a source in an API body), and a tier that is
history refuses the row. A `version` column (the export has
one) makes a row based on a tier changed since the export fail instead of overwriting the change.
The whole file runs in one transaction: any invalid row, or a dry run, rolls it all back, so a
bad file never leaves half its rows behind.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Sequence
from typing import Any

from django.contrib.auth.models import AbstractBaseUser
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from core.services import StaleVersion
from plans.importing.cells import (
    LOOKUP_COLUMNS,
    REQUIRED_COLUMNS,
    ImportLookups,
    RowInvalid,
    parse_row,
    row_version,
    show_value,
)
from plans.importing.reading import FileRejected, read_table
from plans.importing.results import ImportResult, RowError, RowOutcome
from plans.models import Tier
from plans.periods import TierStatus
from plans.services import (
    TIER_EDITABLE_FIELDS,
    TierBulkInvalid,
    tier_bulk_create,
    tier_bulk_validate,
    tier_update,
)

ProgressCallback = Callable[[int, int], None]


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
        importer.prepare(table.rows)
        for done, (line, values) in enumerate(table.rows, start=1):
            result.outcomes.append(importer.run(line=line, values=values))
            if progress:
                progress(done, len(table.rows))
        # New tiers are validated as a set and written in bulk once every row has been read; a
        # file that already failed is only validated, so every bad row is still reported.
        importer.flush(write=not any(outcome.errors for outcome in result.outcomes))
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
    """Applies a file's rows, remembering which tiers earlier rows of the file already touched.

    `prepare` reads what the whole file refers to (plans, sources, operators, provinces, the tiers
    its ids name and the tiers of its plans, locked) with one query per kind; `run` checks one row
    against that, applies a change through tier_update and keeps a new tier for `flush`, which
    hands them all to tier_bulk_create.
    """

    def __init__(self, *, actor: AbstractBaseUser | None, reason: str) -> None:
        self.actor = actor
        self.reason = reason
        self.seen: dict[tuple[Any, ...], int] = {}
        self.lookups = ImportLookups()
        self.by_id: dict[int, Tier] = {}
        self.siblings: dict[tuple[int, int], list[Tier]] = defaultdict(list)
        self.stale: set[tuple[int, int]] = set()  # plan and validity an applied change has altered
        self.pending: list[tuple[RowOutcome, Tier]] = []

    def prepare(self, rows: Sequence[tuple[int, dict[str, str]]]) -> None:
        ids = {int(text) for _line, values in rows if (text := values.get("id", "")).isdigit()}
        self.by_id = Tier.objects.select_for_update().in_bulk(ids) if ids else {}
        self.lookups = ImportLookups.load(
            (values for _line, values in rows), plan_ids={tier.plan_id for tier in self.by_id.values()}
        )
        plans = {**self.lookups.plans_by_id, **{p.pk: p for ps in self.lookups.plans_by_name.values() for p in ps}}
        for tier in self.by_id.values():
            tier.plan = plans[tier.plan_id]
        if plans:
            for tier in Tier.objects.select_for_update().filter(plan_id__in=plans):
                tier.plan = plans[tier.plan_id]
                self.siblings[(tier.plan_id, tier.validity_days)].append(tier)

    def run(self, *, line: int, values: dict[str, str]) -> RowOutcome:
        outcome = RowOutcome(line=line, values=values)
        try:
            # No savepoint of its own: a row writes only through tier_update, which has one.
            self._apply(outcome)
        except RowInvalid as invalid:
            self._refuse(outcome, invalid.errors)
        except ValidationError as error:
            self._refuse(outcome, error.message_dict)
        except StaleVersion as stale:
            outcome.action = "error"
            message = _("The tier changed since this file was written (now version %(version)s); export it again.")
            outcome.errors.append(RowError(line=line, field="version", message=message % {"version": stale.current}))
        except IntegrityError as error:
            outcome.action = "error"
            outcome.errors.append(RowError(line=line, field="", message=_("Database refused the row: %s") % error))
        return outcome

    def flush(self, *, write: bool) -> None:
        """Validate the new tiers as a set and, with `write`, create them in bulk; errors go to their rows."""
        if not self.pending:
            return
        tiers = [tier for _outcome, tier in self.pending]
        try:
            if not write:
                errors = tier_bulk_validate(tiers=tiers)
                if errors:
                    raise TierBulkInvalid(errors)
                return
            with transaction.atomic():
                reasons = [f"{self.reason} line {outcome.line}" for outcome, _tier in self.pending]
                created = tier_bulk_create(tiers=tiers, actor=self.actor, reasons=reasons)
        except TierBulkInvalid as invalid:
            for index, messages in sorted(invalid.errors.items()):
                self._refuse(self.pending[index][0], messages)
            return
        except IntegrityError as error:
            # A concurrent writer won a race the checks could not see; the file fails as a whole.
            first = self.pending[0][0]
            self._refuse(first, {NON_FIELD_ERRORS: [_("Database refused the row: %s") % error]})
            return
        for (outcome, _tier), tier in zip(self.pending, created, strict=True):
            outcome.tier_id = tier.pk

    @staticmethod
    def _refuse(outcome: RowOutcome, errors: dict[str, list[str]]) -> None:
        outcome.action = "error"
        for name, messages in errors.items():
            column = "" if name == NON_FIELD_ERRORS else name
            outcome.errors.extend(RowError(line=outcome.line, field=column, message=m) for m in messages)

    def _apply(self, outcome: RowOutcome) -> None:
        fields = parse_row(outcome.values, self.lookups)
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
        if tier is None:
            fields.pop("version", None)
            outcome.action = "new"
            self.pending.append((outcome, Tier(**fields)))
            return
        changes = {name: value for name, value in fields.items() if _differs(tier, name, value)}
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
            reason=f"{self.reason} line {outcome.line}",
        )
        self.stale.add((tier.plan_id, tier.validity_days))
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
            tier = self.by_id.get(int(raw_id))
            if tier is None:
                message = _("No tier has id %(id)s; leave id empty to add a new tier.") % {"id": raw_id}
                raise RowInvalid({"id": [message]})
            if tier.effective_to is not None and fields.get("effective_to", tier.effective_to) is None:
                successor = self._latest(tier.plan_id, tier.validity_days)
                if successor is not None:
                    message = _(
                        "Tier %(id)s was closed on %(date)s and tier %(new)s is current now; export again to edit it."
                    ) % {"id": tier.pk, "date": tier.effective_to, "new": successor.pk}
                    raise RowInvalid({"id": [message]})
            return tier
        return self._latest(fields["plan"].pk, fields["validity_days"])

    def _latest(self, plan_id: int, validity_days: int) -> Tier | None:
        """The tier a row without an id means: the one in effect today, else the open one (scheduled).

        Read from the tiers `prepare` loaded; a plan and validity that an earlier row of the file
        changed is read again, as the change may have closed a tier and started its successor.
        """
        key = (plan_id, validity_days)
        if key in self.stale:
            self.stale.discard(key)
            fresh = list(
                Tier.objects.select_for_update()
                .select_related("plan")
                .filter(plan_id=plan_id, validity_days=validity_days)
            )
            self.siblings[key] = fresh
        today = timezone.localdate()
        tiers = self.siblings.get(key, [])
        in_effect = [tier for tier in tiers if tier.status_on(today) == TierStatus.IN_EFFECT]
        candidates = in_effect or [tier for tier in tiers if tier.effective_to is None]
        return candidates[0] if candidates else None


def _differs(tier: Tier, name: str, value: Any) -> bool:
    """Whether a row's value differs from the tier's; a plan or source by id, without loading it."""
    if name in {"plan", "source"}:
        return getattr(tier, f"{name}_id") != (value.pk if value is not None else None)
    return bool(getattr(tier, name) != value)
