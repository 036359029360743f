"""The seed's one write step: look a row up by its natural key, then create, leave, correct or skip it.

The rules (what counts as the seed's row, when an analyst's change makes the loader step aside)
are in competition.seed.identity; this module applies them through the apps' services and keeps
the tally the command prints.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, TypeVar

from django.contrib.auth.models import AbstractBaseUser
from django.core.exceptions import ValidationError
from django.db import IntegrityError, models

from competition.seed.files import SeedError, check_keys, describe_errors
from competition.seed.identity import SeedIdentity, Skip
from core.services import audited_update
from operators.models import Branch, Operator, Province, Source
from plans.models import OVERLAP_CODE, Plan

ModelT = TypeVar("ModelT", bound=models.Model)
Many = Mapping[str, Sequence[models.Model]]


@dataclass
class Tally:
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    skipped: int = 0


@dataclass
class SeedReport:
    """What one run did, per entity, and the rows it left alone with the reason."""

    tallies: dict[str, Tally]
    skipped: list[Skip] = field(default_factory=list)


def _differs(row: models.Model, name: str, value: Any) -> bool:
    model_field = row._meta.get_field(name)
    if isinstance(model_field, models.ForeignKey):
        # Compare ids: the related row need not be fetched to know it is the same one.
        return getattr(row, model_field.attname) != (value.pk if value is not None else None)
    return getattr(row, name) != value


class SeedWriter:
    """Writes rows named by natural keys through the services, as `actor`, counting what it did."""

    def __init__(self, *, entities: Sequence[str], actor: AbstractBaseUser) -> None:
        self.actor = actor
        self.identity = SeedIdentity(actor=actor)
        # Every entity is reported, even one whose file is empty, so the summary always has the same lines.
        self.report = SeedReport(tallies={entity: Tally() for entity in entities})
        self._references: dict[tuple[type[models.Model], tuple[tuple[str, Any], ...]], models.Model | None] = {}
        # branches.yaml's names -> their natural key (operator code, province code, city), for references by name.
        self.branch_keys: dict[str, tuple[str, str, str]] = {}

    def tally(self, entity: str) -> Tally:
        return self.report.tallies.setdefault(entity, Tally())

    def skip(self, *, entity: str, label: str, reason: str) -> None:
        self.tally(entity).skipped += 1
        self.report.skipped.append(Skip(entity=entity, label=label, reason=reason))

    def skip_unless_present(self, *, entity: str, label: str, **references: models.Model | None) -> bool:
        """Skip the row when a row it refers to was deleted (by an analyst); True when it was skipped."""
        missing = [name for name, reference in references.items() if reference is None]
        if missing:
            self.skip(entity=entity, label=label, reason=f"its {', '.join(missing)} was deleted")
        return bool(missing)

    def upsert(
        self,
        *,
        entity: str,
        label: str,
        model: type[ModelT],
        lookup: dict[str, Any],
        values: dict[str, Any],
        where: str,
        many: Many | None = None,
        create: Callable[[dict[str, Any], Many], ModelT] | None = None,
        update: Callable[[ModelT, dict[str, Any]], ModelT] | None = None,
    ) -> ModelT | None:
        """Create the row named by `lookup`, leave it, correct the fields that differ, or skip it.

        Returns the row as it stands afterwards, or None when the seed's row was deleted.
        """
        many = many or {}
        found = self.identity.find(model, lookup)
        if found.deleted:
            self.skip(entity=entity, label=label, reason=found.deleted)
            return None
        existing: ModelT | None = found.row  # type: ignore[assignment]
        try:
            if existing is None:
                return self._create(
                    entity=entity, label=label, model=model, fields={**lookup, **values}, many=many, create=create
                )
            changes = {name: value for name, value in {**lookup, **values}.items() if _differs(existing, name, value)}
            for name, related in many.items():
                current = set(getattr(existing, name).values_list("pk", flat=True))
                if current != {item.pk for item in related}:
                    changes[name] = related
            if not changes:
                self.tally(entity).unchanged += 1
                return existing
            reason = self.identity.why_not_correct(existing, [*lookup, *values])
            if reason:
                self.skip(entity=entity, label=label, reason=reason)
                return existing
            if update is not None:
                instance = update(existing, changes)
            else:
                instance = audited_update(instance=existing, changes=changes, actor=self.actor)
            self.tally(entity).updated += 1
            return instance
        except ValidationError as error:
            raise SeedError(f"{where}: {describe_errors(error)}") from error
        except IntegrityError as error:
            raise SeedError(f"{where}: rejected by the database: {error}") from error

    def _create(
        self,
        *,
        entity: str,
        label: str,
        model: type[ModelT],
        fields: dict[str, Any],
        many: Many,
        create: Callable[[dict[str, Any], Many], ModelT] | None,
    ) -> ModelT | None:
        try:
            if create is not None:
                instance = create(fields, many)
            else:
                instance = audited_update(instance=model(), changes={**fields, **many}, actor=self.actor)
        except ValidationError as error:
            conflict = self._conflict(model, fields, error)
            if not conflict:
                raise
            self.skip(entity=entity, label=label, reason=conflict)
            return None
        self.tally(entity).created += 1
        return instance

    def _conflict(self, model: type[models.Model], fields: dict[str, Any], error: ValidationError) -> str:
        """A new seed row that collides with rows analysts entered is skipped; a bad seed row is an error.

        The row is a collision when it is valid on its own (its fields and clean() pass) and only the
        uniqueness or overlap checks against existing rows refuse it, in a database whose rows of
        that model already had a history before this run (on a fresh database a collision can only
        be between two seed rows: a mistake in the files, reported as an error).
        """
        if not self.identity.had_history(model):
            return ""
        candidate = model(**fields)
        try:
            candidate.clean_fields()
            candidate.clean()
        except ValidationError as own:
            # An overlap with another tier's period is a collision too, though clean() is where it is found.
            codes = {item.code for items in own.error_dict.values() for item in items} if own.error_dict else {None}
            if codes != {OVERLAP_CODE}:
                return ""
        return f"conflicts with rows entered since: {describe_errors(error)}"

    def reference(self, model: type[ModelT], *, where: str, label: str, **lookup: Any) -> ModelT | None:
        """A row another row refers to, by its natural key; None when the seed's row was deleted."""
        # Rows are referenced many times (every tier names its source); look each one up once per run.
        key = (model, tuple(sorted(lookup.items(), key=lambda item: item[0])))
        if key not in self._references:
            found = self.identity.find(model, lookup)
            if found.row is None and not found.deleted:
                raise SeedError(f"{where}: {label}: no {model._meta.verbose_name} {lookup}")
            self._references[key] = found.row
        return self._references[key]  # type: ignore[return-value]

    # ----- references the data files make by natural key ----------------------------------------------

    def source_ref(self, ref: object, *, where: str) -> Source | None:
        ref = check_keys(ref, where=f"{where} source", required=("publication", "issue", "title"))
        return self.reference(Source, where=where, label="source", **ref)

    def branch_ref(self, name: str, *, where: str) -> Branch | None:
        """A branch named as the files name it (北京移动), found by its key (operator, province, city)."""
        key = self.branch_keys.get(name)
        if key is None:  # not in branches.yaml: a branch the database has under that name, or an error
            return self.reference(Branch, where=where, label="branch", name_zh=name)
        operator_code, province_code, city_zh = key
        operator = self.reference(Operator, where=where, label="operator", code=operator_code)
        province = self.reference(Province, where=where, label="province", code=province_code)
        if operator is None or province is None:
            return None
        return self.reference(
            Branch, where=where, label="branch", operator=operator, province=province, city_zh=city_zh
        )

    def plan_ref(self, ref: object, *, where: str) -> Plan | None:
        ref = check_keys(ref, where=f"{where} plan", required=("branch", "name_zh"))
        branch = self.branch_ref(ref["branch"], where=where)
        if branch is None:
            return None
        return self.reference(Plan, where=where, label="plans", branch=branch, name_zh=ref["name_zh"])
