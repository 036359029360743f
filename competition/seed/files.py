"""Reading the seed's YAML data files: parsing, key checks and exact numbers, no database.

A malformed file or row raises SeedError naming the file, the row and the field.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable, Mapping
from decimal import Decimal
from pathlib import Path
from typing import Any

import yaml
from django.core.exceptions import ValidationError

from competition.market.models import DatePrecision


class SeedError(Exception):
    """A data file is malformed or a row fails validation; the message names the file, row and field."""


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


def parse_seed_date(value: object, *, where: str) -> tuple[datetime.date | None, str | None]:
    """Read a date as written in a data file, with the precision the writing implies.

    `2025-03-01` is a day, `2024-02` a month (stored as its 1st day), `2024-Q4` a quarter (its first
    day), `2023` a year (stored as 1 January); empty means the source gives no date, and no precision.
    """
    if value is None or value == "":
        return None, None
    if isinstance(value, datetime.date):
        return value, DatePrecision.DAY
    text = str(value)
    try:
        if len(text) == 4:
            return datetime.date(int(text), 1, 1), DatePrecision.YEAR
        if len(text) == 7 and text[5] == "Q" and text[6] in "1234":
            return datetime.date(int(text[:4]), (int(text[6]) - 1) * 3 + 1, 1), DatePrecision.QUARTER
        if len(text) == 7:
            year, month = text.split("-")
            return datetime.date(int(year), int(month), 1), DatePrecision.MONTH
    except ValueError:
        pass
    raise SeedError(f"{where}: date: {value!r} is not YYYY-MM-DD, YYYY-MM, YYYY-Qn or YYYY")


def money(value: object, *, where: str, field: str) -> Decimal | None:
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int | Decimal | str):
        raise SeedError(f"{where}: {field}: {value!r} is not a number")
    try:
        return Decimal(str(value))
    except ArithmeticError as error:
        raise SeedError(f"{where}: {field}: {value!r} is not a number") from error


def check_keys(row: object, *, where: str, required: Iterable[str], optional: Iterable[str] = ()) -> dict[str, Any]:
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


def rows_of(content: Mapping[str, Any], key: str, *, file: str) -> list[Any]:
    rows = content.get(key, [])
    if not isinstance(rows, list):
        raise SeedError(f"{file}: `{key}` must be a list")
    return rows


def describe_errors(error: ValidationError) -> str:
    if hasattr(error, "error_dict"):
        return "; ".join(f"{field}: {' '.join(messages)}" for field, messages in error.message_dict.items())
    return " ".join(error.messages)
