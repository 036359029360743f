"""Load the seed data in fixtures/ into any database, idempotently and all-or-nothing.

The data files key every row by natural keys (operator code, province code, branch name, a source's
publication/issue/title, a plan's branch and name, a tier's plan/validity/effective-from), never by
database ids. Each row is looked up by its key; a missing row is created and a row whose values
differ is updated, both through the apps' write services, so validation, audit history and the
tiers-changed signal happen exactly as they do for an edit in the admin. A row whose values already
match is left alone, so a second run writes nothing and adds no history.

This lives in `competition` because it is the one app allowed to know every other app.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import Any, TypeVar

import yaml
from django.conf import settings
from django.contrib.auth.models import AbstractBaseUser
from django.core.exceptions import ObjectDoesNotExist, ValidationError
from django.db import IntegrityError, models, transaction

from competition.models import DatePrecision, KeyFigure, Launch, Partner, Strategy, StrategyMilestone
from core.services import audited_update
from operators.models import Branch, Operator, Province, Source
from plans.models import Perk, Plan, Tier
from plans.services import PRICE_FIELDS, notify_tiers_changed, plan_create, plan_update, tier_create, tier_update

DEFAULT_SEED_DIR = Path(settings.BASE_DIR) / "fixtures"

# Loaded in this order because later files refer to rows of earlier ones.
SEED_FILES = (
    "operators.yaml",
    "provinces.yaml",
    "sources.yaml",
    "branches.yaml",
    "perks.yaml",
    "plans.yaml",
    "partners.yaml",
    "launches.yaml",
    "strategies.yaml",
)

ENTITIES = (
    "operators",
    "provinces",
    "sources",
    "branches",
    "perks",
    "plans",
    "tiers",
    "partners",
    "launches",
    "strategies",
    "strategy milestones",
    "key figures",
)

ModelT = TypeVar("ModelT", bound=models.Model)


class SeedError(Exception):
    """A data file is malformed or a row fails validation; the message names the file, row and field."""


@dataclass
class Tally:
    created: int = 0
    updated: int = 0
    unchanged: int = 0


class _DecimalSafeLoader(yaml.SafeLoader):
    """YAML's safe loader, but every float is read as an exact Decimal (8.9 stays 8.9, never 8.900000000000000355)."""


def _construct_decimal(loader: yaml.SafeLoader, node: yaml.ScalarNode) -> Decimal:
    return Decimal(str(loader.construct_scalar(node)).replace("_", ""))


_DecimalSafeLoader.add_constructor("tag:yaml.org,2002:float", _construct_decimal)


def read_seed_file(path: Path) -> dict[str, Any]:
    """Parse one data file; its top level must be a mapping (e.g. `plans: [...]`)."""
    try:
        with path.open(encoding="utf-8") as handle:
            content = yaml.load(handle, Loader=_DecimalSafeLoader)
    except FileNotFoundError as error:
        raise SeedError(f"{path}: data file missing") from error
    except yaml.YAMLError as error:
        raise SeedError(f"{path}: not valid YAML: {error}") from error
    if not isinstance(content, dict):
        raise SeedError(f"{path}: the top level must be a mapping such as `plans: [...]`")
    return content


def parse_seed_date(value: object, *, where: str) -> tuple[datetime.date | None, str]:
    """Read a date as written in a data file, with the precision the writing implies.

    `2025-03-01` is a day, `2024-02` a month (stored as its 1st day), `2023` a year (stored as 1 January);
    empty means the source gives no date.
    """
    if value is None or value == "":
        return None, DatePrecision.DAY
    if isinstance(value, datetime.date):
        return value, DatePrecision.DAY
    text = str(value)
    try:
        if len(text) == 4:
            return datetime.date(int(text), 1, 1), DatePrecision.YEAR
        if len(text) == 7:
            year, month = text.split("-")
            return datetime.date(int(year), int(month), 1), DatePrecision.MONTH
    except ValueError:
        pass
    raise SeedError(f"{where}: date: {value!r} is not YYYY-MM-DD, YYYY-MM or YYYY")


def _money(value: object, *, where: str, field: str) -> Decimal | None:
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int | Decimal | str):
        raise SeedError(f"{where}: {field}: {value!r} is not a number")
    try:
        return Decimal(str(value))
    except ArithmeticError as error:
        raise SeedError(f"{where}: {field}: {value!r} is not a number") from error


def _check_keys(row: object, *, where: str, required: Iterable[str], optional: Iterable[str] = ()) -> dict[str, Any]:
    """Reject rows with missing or unknown keys, so a typo in a field name never loads silently as empty."""
    if not isinstance(row, dict):
        raise SeedError(f"{where}: expected a mapping of fields, got {row!r}")
    required_set, allowed = set(required), set(required) | set(optional)
    missing = sorted(required_set - row.keys())
    unknown = sorted(row.keys() - allowed)
    if missing:
        raise SeedError(f"{where}: missing field(s): {', '.join(missing)}")
    if unknown:
        raise SeedError(f"{where}: unknown field(s): {', '.join(unknown)}")
    return row


def _rows(content: Mapping[str, Any], key: str, *, file: str) -> list[Any]:
    rows = content.get(key, [])
    if not isinstance(rows, list):
        raise SeedError(f"{file}: `{key}` must be a list")
    return rows


def _describe_errors(error: ValidationError) -> str:
    if hasattr(error, "error_dict"):
        return "; ".join(f"{field}: {' '.join(messages)}" for field, messages in error.message_dict.items())
    return " ".join(error.messages)


class SeedLoader:
    """One run of the loader: resolves natural keys, writes through the services, counts what it did."""

    def __init__(self, *, path: Path, actor: AbstractBaseUser | None = None) -> None:
        self.path = path
        self.actor = actor
        # Every entity is reported, even one whose file is empty, so the summary always has the same lines.
        self.tallies: dict[str, Tally] = {entity: Tally() for entity in ENTITIES}
        self._references: dict[tuple[type[models.Model], tuple[tuple[str, Any], ...]], models.Model] = {}

    # ----- generic upsert ---------------------------------------------------------------------------------

    def _tally(self, entity: str) -> Tally:
        return self.tallies.setdefault(entity, Tally())

    def _upsert(
        self,
        *,
        entity: str,
        model: type[ModelT],
        lookup: dict[str, Any],
        values: dict[str, Any],
        where: str,
        many: Mapping[str, Sequence[models.Model]] | None = None,
        create: Callable[[dict[str, Any], Mapping[str, Sequence[models.Model]]], ModelT] | None = None,
        update: Callable[[ModelT, dict[str, Any]], ModelT] | None = None,
    ) -> ModelT:
        """Create the row named by `lookup`, or update only the fields (and relations) that differ."""
        many = many or {}
        existing = model._default_manager.filter(**lookup).first()
        try:
            if existing is None:
                fields = {**lookup, **values}
                if create is not None:
                    instance = create(fields, many)
                else:
                    instance = audited_update(instance=model(), changes={**fields, **many}, actor=self.actor)
                self._tally(entity).created += 1
                return instance
            changes = {name: value for name, value in values.items() if getattr(existing, name) != value}
            for name, related in many.items():
                current = set(getattr(existing, name).values_list("pk", flat=True))
                if current != {item.pk for item in related}:
                    changes[name] = related
            if not changes:
                self._tally(entity).unchanged += 1
                return existing
            if update is not None:
                instance = update(existing, changes)
            else:
                instance = audited_update(instance=existing, changes=changes, actor=self.actor)
            self._tally(entity).updated += 1
            return instance
        except ValidationError as error:
            raise SeedError(f"{where}: {_describe_errors(error)}") from error
        except IntegrityError as error:
            raise SeedError(f"{where}: rejected by the database: {error}") from error

    # ----- natural-key references -------------------------------------------------------------------------

    def _get(self, model: type[ModelT], *, where: str, label: str, **lookup: Any) -> ModelT:
        # Rows are referenced many times (every tier names its source); look each one up once per run.
        key = (model, tuple(sorted(lookup.items())))
        if key not in self._references:
            try:
                self._references[key] = model._default_manager.get(**lookup)
            except ObjectDoesNotExist as error:
                raise SeedError(f"{where}: {label}: no {model._meta.verbose_name} {lookup}") from error
        return self._references[key]  # type: ignore[return-value]

    def _source(self, ref: object, *, where: str) -> Source:
        ref = _check_keys(ref, where=f"{where} source", required=("publication", "issue", "title"))
        return self._get(Source, where=where, label="source", **ref)

    def _plan_ref(self, ref: object, *, where: str) -> Plan:
        ref = _check_keys(ref, where=f"{where} plan", required=("branch", "name_zh"))
        return self._get(Plan, where=where, label="plans", branch__name_zh=ref["branch"], name_zh=ref["name_zh"])

    # ----- entities ---------------------------------------------------------------------------------------

    def load_operators(self, content: Mapping[str, Any]) -> None:
        for index, row in enumerate(_rows(content, "operators", file="operators.yaml")):
            where = f"operators.yaml operators[{index}]"
            row = _check_keys(
                row, where=where, required=("code", "name_zh", "name_en"), optional=("short_name_zh", "kind", "website")
            )
            where = f"{where} ({row['code']})"
            self._upsert(
                entity="operators",
                model=Operator,
                lookup={"code": row["code"]},
                values={
                    "name_zh": row["name_zh"],
                    "name_en": row["name_en"],
                    "short_name_zh": row.get("short_name_zh", ""),
                    "kind": row.get("kind", Operator.Kind.MNO),
                    "website": row.get("website", ""),
                },
                where=where,
            )

    def load_provinces(self, content: Mapping[str, Any]) -> None:
        for index, row in enumerate(_rows(content, "provinces", file="provinces.yaml")):
            where = f"provinces.yaml provinces[{index}]"
            row = _check_keys(row, where=where, required=("code", "name_zh", "name_en", "region"))
            where = f"{where} ({row['code']} {row['name_zh']})"
            self._upsert(
                entity="provinces",
                model=Province,
                lookup={"code": str(row["code"])},
                values={"name_zh": row["name_zh"], "name_en": row["name_en"], "region": row["region"]},
                where=where,
            )

    def load_sources(self, content: Mapping[str, Any]) -> None:
        optional = ("publisher", "author", "locator", "published_on", "url", "captured_on", "notes")
        for index, row in enumerate(_rows(content, "sources", file="sources.yaml")):
            where = f"sources.yaml sources[{index}]"
            row = _check_keys(row, where=where, required=("publication", "issue", "title"), optional=optional)
            where = f"{where} ({row['title']})"
            self._upsert(
                entity="sources",
                model=Source,
                lookup={"publication": row["publication"], "issue": row["issue"], "title": row["title"]},
                values={
                    "publisher": row.get("publisher", ""),
                    "author": row.get("author", ""),
                    "locator": row.get("locator", ""),
                    "published_on": row.get("published_on"),
                    "url": row.get("url", ""),
                    "captured_on": row.get("captured_on"),
                    "notes": row.get("notes", ""),
                },
                where=where,
            )

    def load_branches(self, content: Mapping[str, Any]) -> None:
        for index, row in enumerate(_rows(content, "branches", file="branches.yaml")):
            where = f"branches.yaml branches[{index}]"
            row = _check_keys(
                row,
                where=where,
                required=("name_zh", "name_en", "operator", "province"),
                optional=("city_zh", "city_en"),
            )
            where = f"{where} ({row['name_zh']})"
            self._upsert(
                entity="branches",
                model=Branch,
                lookup={"name_zh": row["name_zh"]},
                values={
                    "name_en": row["name_en"],
                    "operator": self._get(Operator, where=where, label="operator", code=row["operator"]),
                    "province": self._get(Province, where=where, label="province", code=str(row["province"])),
                    "city_zh": row.get("city_zh", ""),
                    "city_en": row.get("city_en", ""),
                },
                where=where,
            )

    def load_perks(self, content: Mapping[str, Any]) -> None:
        for index, row in enumerate(_rows(content, "perks", file="perks.yaml")):
            where = f"perks.yaml perks[{index}]"
            row = _check_keys(row, where=where, required=("name_zh", "name_en", "category"), optional=("description",))
            where = f"{where} ({row['name_zh']})"
            self._upsert(
                entity="perks",
                model=Perk,
                lookup={"name_zh": row["name_zh"]},
                values={
                    "name_en": row["name_en"],
                    "category": row["category"],
                    "description": row.get("description", ""),
                },
                where=where,
            )

    def load_plans(self, content: Mapping[str, Any]) -> None:
        optional = (
            *("name_en", "segment", "perks", "validity_options_days"),
            *("launched_on", "withdrawn_on", "notes", "tiers"),
        )
        for index, row in enumerate(_rows(content, "plans", file="plans.yaml")):
            where = f"plans.yaml plans[{index}]"
            row = _check_keys(row, where=where, required=("branch", "name_zh", "source"), optional=optional)
            where = f"{where} ({row['branch']} {row['name_zh']})"
            branch = self._get(Branch, where=where, label="branch", name_zh=row["branch"])
            perks = [self._get(Perk, where=where, label="perks", name_zh=name) for name in row.get("perks", [])]
            plan = self._upsert(
                entity="plans",
                model=Plan,
                lookup={"branch": branch, "name_zh": row["name_zh"]},
                values={
                    "name_en": row.get("name_en", ""),
                    "segment": row.get("segment", Plan.Segment.INBOUND_SHORT_TERM),
                    "validity_options_days": row.get("validity_options_days", []),
                    "launched_on": row.get("launched_on"),
                    "withdrawn_on": row.get("withdrawn_on"),
                    "source": self._source(row["source"], where=where),
                    "notes": row.get("notes", ""),
                },
                many={"perks": perks},
                where=where,
                create=lambda fields, many: plan_create(actor=self.actor, perks=many["perks"], **fields),
                update=lambda plan, changes: plan_update(plan=plan, changes=changes, actor=self.actor),
            )
            for tier_index, tier_row in enumerate(row.get("tiers", [])):
                self._load_tier(
                    plan=plan, row=tier_row, plan_source=row["source"], where=f"{where} tiers[{tier_index}]"
                )

    def _load_tier(self, *, plan: Plan, row: object, plan_source: object, where: str) -> None:
        optional = (
            *("table_row", "data_gb", "data_unlimited", "domestic_voice_min", "intl_voice_min"),
            *("intl_discount_cap_cny", "is_promotional", "effective_from", "effective_to", "source", "notes"),
        )
        if isinstance(row, dict):
            # Name the tier as a reader finds it (validity, Table 1 row) before any other check can fail.
            label = f"{row.get('validity_days')} days"
            if row.get("table_row") is not None:
                label += f", Table 1 row {row['table_row']}"
            where = f"{where} ({label})"
        row = _check_keys(row, where=where, required=("validity_days", "price_cny", "confidence"), optional=optional)
        notes = row.get("notes", "")
        if row.get("table_row") is not None:
            # The row number leads the notes so a reader of the admin can trace the tier back to the table.
            notes = f"表1 Table 1 第{row['table_row']}行 row {row['table_row']}. {notes}".strip()
        values = {
            "price_cny": _money(row["price_cny"], where=where, field="price_cny"),
            "data_gb": _money(row.get("data_gb"), where=where, field="data_gb"),
            "data_unlimited": row.get("data_unlimited", False),
            "domestic_voice_min": row.get("domestic_voice_min"),
            "intl_voice_min": row.get("intl_voice_min"),
            "intl_discount_cap_cny": _money(
                row.get("intl_discount_cap_cny"), where=where, field="intl_discount_cap_cny"
            ),
            "confidence": row["confidence"],
            "is_promotional": row.get("is_promotional", False),
            "effective_to": row.get("effective_to"),
            "source": self._source(row.get("source", plan_source), where=where),
            "notes": notes,
        }
        self._upsert(
            entity="tiers",
            model=Tier,
            lookup={"plan": plan, "validity_days": row["validity_days"], "effective_from": row.get("effective_from")},
            values=values,
            where=where,
            create=lambda fields, _many: tier_create(actor=self.actor, **fields),
            update=self._tier_correct,
        )

    def _tier_correct(self, tier: Tier, changes: dict[str, Any]) -> Tier:
        """Apply a corrected data file to the tier it names.

        tier_update treats a new price on a current tier as a price change and supersedes the tier from
        today. A data file names each tier by (plan, validity, effective_from) and states its history
        explicitly, so a differing price there is a correction of that very row: superseding it would
        invent an effective date and leave the file pointing at the closed row. Price corrections are
        therefore saved in place through the same audited path and signal that tier_update uses.
        """
        if PRICE_FIELDS & changes.keys():
            audited_update(instance=tier, changes=changes, actor=self.actor)
            notify_tiers_changed(plan_ids=[tier.plan_id])
            return tier
        return tier_update(tier=tier, changes=changes, actor=self.actor)

    def load_partners(self, content: Mapping[str, Any]) -> None:
        for index, row in enumerate(_rows(content, "partners", file="partners.yaml")):
            where = f"partners.yaml partners[{index}]"
            row = _check_keys(row, where=where, required=("name_zh",), optional=("name_en", "kind"))
            where = f"{where} ({row['name_zh']})"
            self._upsert(
                entity="partners",
                model=Partner,
                lookup={"name_zh": row["name_zh"]},
                values={"name_en": row.get("name_en", ""), "kind": row.get("kind", Partner.Kind.OTHER)},
                where=where,
            )

    def load_launches(self, content: Mapping[str, Any]) -> None:
        optional = ("branch", "name_en", "launched_on", "partners", "plans", "summary_zh", "summary_en")
        for index, row in enumerate(_rows(content, "launches", file="launches.yaml")):
            where = f"launches.yaml launches[{index}]"
            row = _check_keys(row, where=where, required=("operator", "name_zh", "kind", "source"), optional=optional)
            where = f"{where} ({row.get('branch') or row['operator']} {row['name_zh']})"
            operator = self._get(Operator, where=where, label="operator", code=row["operator"])
            branch = (
                self._get(Branch, where=where, label="branch", name_zh=row["branch"]) if row.get("branch") else None
            )
            launched_on, precision = parse_seed_date(row.get("launched_on"), where=where)
            partners = [
                self._get(Partner, where=where, label="partners", name_zh=name) for name in row.get("partners", [])
            ]
            plans = [self._plan_ref(ref, where=where) for ref in row.get("plans", [])]
            self._upsert(
                entity="launches",
                model=Launch,
                lookup={"operator": operator, "branch": branch, "name_zh": row["name_zh"]},
                values={
                    "name_en": row.get("name_en", ""),
                    "kind": row["kind"],
                    "launched_on": launched_on,
                    "date_precision": precision,
                    "summary_zh": row.get("summary_zh", ""),
                    "summary_en": row.get("summary_en", ""),
                    "source": self._source(row["source"], where=where),
                },
                many={"partners": partners, "plans": plans},
                where=where,
            )

    def load_strategies(self, content: Mapping[str, Any]) -> None:
        optional = ("operator", "title_en", "summary_zh", "summary_en", "milestones", "key_figures")
        for index, row in enumerate(_rows(content, "strategies", file="strategies.yaml")):
            where = f"strategies.yaml strategies[{index}]"
            row = _check_keys(row, where=where, required=("theme", "title_zh", "source"), optional=optional)
            where = f"{where} ({row.get('operator') or 'industry'} {row['title_zh']})"
            operator = (
                self._get(Operator, where=where, label="operator", code=row["operator"])
                if row.get("operator")
                else None
            )
            strategy = self._upsert(
                entity="strategies",
                model=Strategy,
                lookup={"operator": operator, "theme": row["theme"], "title_zh": row["title_zh"]},
                values={
                    "title_en": row.get("title_en", ""),
                    "summary_zh": row.get("summary_zh", ""),
                    "summary_en": row.get("summary_en", ""),
                    "source": self._source(row["source"], where=where),
                },
                where=where,
            )
            for milestone_index, milestone in enumerate(row.get("milestones", [])):
                milestone_where = f"{where} milestones[{milestone_index}]"
                milestone = _check_keys(
                    milestone, where=milestone_where, required=("description_zh",), optional=("date", "description_en")
                )
                happened_on, precision = parse_seed_date(milestone.get("date"), where=milestone_where)
                self._upsert(
                    entity="strategy milestones",
                    model=StrategyMilestone,
                    lookup={"strategy": strategy, "description_zh": milestone["description_zh"]},
                    values={
                        "happened_on": happened_on,
                        "date_precision": precision,
                        "description_en": milestone.get("description_en", ""),
                    },
                    where=milestone_where,
                )
            for figure_index, figure in enumerate(row.get("key_figures", [])):
                figure_where = f"{where} key_figures[{figure_index}]"
                figure = _check_keys(
                    figure, where=figure_where, required=("label_zh", "amount", "unit"), optional=("label_en", "as_of")
                )
                as_of, _precision = parse_seed_date(figure.get("as_of"), where=figure_where)
                self._upsert(
                    entity="key figures",
                    model=KeyFigure,
                    lookup={"strategy": strategy, "label_zh": figure["label_zh"]},
                    values={
                        "label_en": figure.get("label_en", ""),
                        "amount": _money(figure["amount"], where=figure_where, field="amount"),
                        "unit": figure["unit"],
                        "as_of": as_of,
                    },
                    where=figure_where,
                )

    # ----- the run ----------------------------------------------------------------------------------------

    def run(self) -> dict[str, Tally]:
        # Read every file first: a syntax error anywhere stops the run before anything is written.
        contents = {name: read_seed_file(self.path / name) for name in SEED_FILES}
        steps: list[tuple[str, Callable[[Mapping[str, Any]], None]]] = [
            ("operators.yaml", self.load_operators),
            ("provinces.yaml", self.load_provinces),
            ("sources.yaml", self.load_sources),
            ("branches.yaml", self.load_branches),
            ("perks.yaml", self.load_perks),
            ("plans.yaml", self.load_plans),
            ("partners.yaml", self.load_partners),
            ("launches.yaml", self.load_launches),
            ("strategies.yaml", self.load_strategies),
        ]
        with transaction.atomic():
            for name, step in steps:
                step(contents[name])
        return self.tallies


def seed_load(*, path: Path = DEFAULT_SEED_DIR, actor: AbstractBaseUser | None = None) -> dict[str, Tally]:
    """Load every data file under `path` in one transaction; raise SeedError (and write nothing) on a bad row."""
    return SeedLoader(path=path, actor=actor).run()
