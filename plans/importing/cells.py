"""One import row's cells to a tier's field values: numbers, dates, booleans, the source and the plan it names.

The rows of a file name their plans, sources, operators and provinces; `ImportLookups.load` reads
them for the whole file with one query per kind, so checking a row asks the database nothing.
"""

from __future__ import annotations

import datetime
import re
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from typing import Any

from django.db.models import Q
from django.utils.translation import gettext as _

from operators.models import Operator, Province, Source
from plans.models import Plan, Tier
from plans.services import TIER_EDITABLE_FIELDS

# Columns written to the tier are TIER_EDITABLE_FIELDS; the rest of the export is either identity
# (id, plan lookup) or computed.
LOOKUP_COLUMNS = ("plan_name", "branch_name", "operator_code", "province_code")
REQUIRED_COLUMNS = ("validity_days", "price_cny")
DECIMAL_COLUMNS = frozenset({"price_cny", "data_gb", "intl_discount_cap_cny"})
INTEGER_COLUMNS = frozenset({"validity_days", "domestic_voice_min", "intl_voice_min"})
BOOLEAN_COLUMNS = frozenset({"data_unlimited", "is_promotional"})
DATE_COLUMNS = frozenset({"effective_from", "effective_to"})
TRUE_WORDS = frozenset({"true", "yes", "y", "1", "是", "t"})
FALSE_WORDS = frozenset({"false", "no", "n", "0", "否", "f", ""})
NUMBER = re.compile(r"^[+-]?(\d+(\.\d*)?|\.\d+)$")


class RowInvalid(Exception):
    def __init__(self, errors: dict[str, list[str]]) -> None:
        super().__init__(errors)
        self.errors = errors


@dataclass
class ImportLookups:
    """What a file's rows refer to, read once for the whole file."""

    operator_codes: list[str] = field(default_factory=list)  # every known code, in the model's order
    province_codes: set[str] = field(default_factory=set)
    plans_by_id: dict[int, Plan] = field(default_factory=dict)
    plans_by_name: dict[str, list[Plan]] = field(default_factory=dict)
    sources_by_id: dict[int, Source] = field(default_factory=dict)

    @classmethod
    def load(cls, rows: Iterable[dict[str, str]], *, plan_ids: Iterable[int] = ()) -> ImportLookups:
        """The lookups the rows need (and the plans `plan_ids` name): one query per kind of lookup."""
        rows = list(rows)
        wanted_plans = {int(text) for row in rows if (text := row.get("plan", "")).isdigit()} | set(plan_ids)
        names = {row["plan_name"] for row in rows if not row.get("plan") and row.get("plan_name")}
        source_ids = {int(text) for row in rows if (text := row.get("source", "")).isdigit()}
        plans = Plan.objects.select_related("branch__operator", "branch__province", "source")
        lookups = cls(
            operator_codes=list(Operator.objects.values_list("code", flat=True)),
            province_codes=set(Province.objects.values_list("code", flat=True)),
            sources_by_id=Source.objects.in_bulk(source_ids) if source_ids else {},
        )
        if wanted_plans or names:
            by_name: dict[str, list[Plan]] = defaultdict(list)
            for plan in plans.filter(Q(pk__in=wanted_plans) | Q(name_zh__in=names)):
                if plan.pk in wanted_plans:
                    lookups.plans_by_id[plan.pk] = plan
                if plan.name_zh in names:
                    by_name[plan.name_zh].append(plan)
            lookups.plans_by_name = dict(by_name)
        return lookups


def row_version(values: dict[str, str]) -> int | None:
    """The tier version a row was exported at (the `version` column), or None without one."""
    text = values.get("version", "")
    if not text:
        return None
    if not text.isdigit():
        raise RowInvalid({"version": [_("“%(value)s” is not a version (a whole number).") % {"value": text}]})
    return int(text)


def parse_row(values: dict[str, str], lookups: ImportLookups | None = None) -> dict[str, Any]:
    """Text cells to typed field values; collects every field's error before giving up on the row.

    Without `lookups` (one row on its own) the row's references are looked up for it alone.
    """
    lookups = lookups if lookups is not None else ImportLookups.load([values])
    errors: dict[str, list[str]] = {}
    fields: dict[str, Any] = {}
    for name in TIER_EDITABLE_FIELDS:
        if name not in values or name == "plan":
            continue
        try:
            fields[name] = parse_value(name, values[name], lookups=lookups)
        except ValueError as error:
            errors[name] = [str(error)]
    try:
        fields["plan"] = resolve_plan(values, lookups=lookups)
    except RowInvalid as invalid:
        errors.update(invalid.errors)
    if errors:
        raise RowInvalid(errors)
    return fields


def parse_value(name: str, text: str, *, lookups: ImportLookups) -> Any:
    if name in REQUIRED_COLUMNS and not text:
        raise ValueError(_("A value is required."))
    if name in DECIMAL_COLUMNS:
        if not text:
            return None
        if not NUMBER.match(text):
            raise ValueError(_("“%(value)s” is not a number; write e.g. 85 or 85.50.") % {"value": text})
        try:
            return Decimal(text)
        except InvalidOperation as error:  # pragma: no cover - the pattern admits only valid decimals
            raise ValueError(_("“%(value)s” is not a number.") % {"value": text}) from error
    if name in INTEGER_COLUMNS:
        if not text:
            return None
        if not NUMBER.match(text) or Decimal(text) != Decimal(text).to_integral_value():
            raise ValueError(_("“%(value)s” is not a whole number.") % {"value": text})
        return int(Decimal(text))
    if name in BOOLEAN_COLUMNS:
        word = text.lower()
        if word in TRUE_WORDS:
            return True
        if word in FALSE_WORDS:
            return False
        raise ValueError(_("“%(value)s” is not true or false.") % {"value": text})
    if name in DATE_COLUMNS:
        if not text:
            return None
        try:
            # A date, or the date part of an ISO timestamp as some exports write it.
            if len(text) == 10:
                return datetime.date.fromisoformat(text)
            return datetime.datetime.fromisoformat(text).date()
        except ValueError as error:
            raise ValueError(_("“%(value)s” is not a date; write YYYY-MM-DD.") % {"value": text}) from error
    if name == "confidence":
        return text.lower() or Tier.Confidence.CONFIRMED
    if name == "price_qualifier":
        return text.lower() or Tier.PriceQualifier.EXACT  # an empty cell is an exact price
    if name == "source":
        if not text:
            return None
        if not text.isdigit():
            raise ValueError(_("“%(value)s” is not a source id (a whole number).") % {"value": text})
        source = lookups.sources_by_id.get(int(text))
        if source is None:
            raise ValueError(_("No source has id %(id)s.") % {"id": text})
        return source
    return text  # notes


def resolve_plan(values: dict[str, str], *, lookups: ImportLookups) -> Plan:
    """The plan by id, else by name within a branch (branch_name, or operator and province codes)."""
    operator_code = values.get("operator_code", "").lower()
    province_code = values.get("province_code", "")
    errors: dict[str, list[str]] = {}
    if operator_code and operator_code not in lookups.operator_codes:
        known = ", ".join(lookups.operator_codes)
        errors["operator_code"] = [
            _("Unknown operator code “%(code)s”; known codes: %(known)s.") % {"code": operator_code, "known": known}
        ]
    if province_code and province_code not in lookups.province_codes:
        errors["province_code"] = [
            _("Unknown province code “%(code)s”; use the GB/T 2260 two-digit code, e.g. 11.") % {"code": province_code}
        ]
    if errors:
        raise RowInvalid(errors)
    raw_plan = values.get("plan", "")
    if raw_plan:
        if not raw_plan.isdigit():
            raise RowInvalid({"plan": [_("“%(value)s” is not a plan id (a whole number).") % {"value": raw_plan}]})
        found_plan = lookups.plans_by_id.get(int(raw_plan))
        if found_plan is None:
            raise RowInvalid({"plan": [_("No plan has id %(id)s.") % {"id": raw_plan}]})
        plan = found_plan
    else:
        name = values.get("plan_name", "")
        if not name:
            raise RowInvalid({"plan": [_("Give the plan id, or the plan_name with its branch_name.")]})
        branch_name = values.get("branch_name", "")
        found = [
            candidate
            for candidate in lookups.plans_by_name.get(name, [])
            if (not branch_name or candidate.branch.name_zh == branch_name)
            and (not operator_code or candidate.branch.operator.code == operator_code)
            and (not province_code or candidate.branch.province.code == province_code)
        ]
        if not found:
            raise RowInvalid({"plan_name": [_("No plan named “%(name)s” in that branch.") % {"name": name}]})
        if len(found) > 1:
            message = _("Several plans are named “%(name)s”; give the plan id.") % {"name": name}
            raise RowInvalid({"plan_name": [message]})
        plan = found[0]
    actual_operator, actual_province = plan.branch.operator.code, plan.branch.province.code
    if operator_code and actual_operator != operator_code:
        message = _("Plan %(plan)s belongs to operator %(actual)s, not %(given)s.")
        raise RowInvalid(
            {"operator_code": [message % {"plan": plan.pk, "actual": actual_operator, "given": operator_code}]}
        )
    if province_code and actual_province != province_code:
        message = _("Plan %(plan)s belongs to province %(actual)s, not %(given)s.")
        raise RowInvalid(
            {"province_code": [message % {"plan": plan.pk, "actual": actual_province, "given": province_code}]}
        )
    return plan


def show_value(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, Plan | Source):
        return str(value.pk)
    return str(value)
