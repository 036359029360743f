"""The analyser page's draft rows: request data in, the validator's input out, its errors back on the rows.

The page does not validate anything itself: it gathers rows named `d<N>-<field>` (any N, so a
crafted request with a seventh row meets the same "at most 6" as the API) and hands them to
validation.analyser_input_validate, then files each error on the row and field it names.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from competition.analyser.validation import (
    DRAFT_FIELDS,
    INTEGER_FIELDS,
    MAX_DRAFTS,
    AnalyserInput,
    InvalidInput,
    analyser_input_validate,
)
from competition.compare.forms import BucketForm

_ROW_KEY = re.compile(r"^d(\d{1,3})-(\w+)$")
_FLAGS = {"on": True, "true": True, "1": True, "off": False, "false": False, "0": False}
_WHOLE = re.compile(r"^[-+]?\d{1,12}$")


@dataclass
class DraftRow:
    number: int
    values: dict[str, str]
    errors: dict[str, list[str]] = field(default_factory=dict)


@dataclass
class AnalyserPageInput:
    rows: list[DraftRow]
    province: str = ""
    as_of: str = ""
    errors: dict[str, list[str]] = field(default_factory=dict)  # request-level: drafts, province, as_of
    validated: AnalyserInput | None = None

    @property
    def submitted(self) -> bool:
        return any(any(row.values.values()) for row in self.rows)


def page_input_read(data: Mapping[str, Any]) -> AnalyserPageInput:
    """The page's rows (at least MAX_DRAFTS for the form), validated when any row was filled."""
    numbers: set[int] = set()
    for key in data:
        match = _ROW_KEY.match(str(key))
        if match and match.group(2) in DRAFT_FIELDS:
            numbers.add(int(match.group(1)))
    rows = []
    for number in sorted(numbers | set(range(MAX_DRAFTS))):
        rows.append(
            DraftRow(number=number, values={name: str(data.get(f"d{number}-{name}", "")) for name in DRAFT_FIELDS})
        )
    page = AnalyserPageInput(rows=rows, province=str(data.get("province", "")), as_of=str(data.get("as_of", "")))
    if not page.submitted:
        return page
    filled = [row for row in rows if any(value.strip() for value in row.values.values())]
    raw = {
        "drafts": [_typed(row.values) for row in filled],
        "province": page.province or None,
        "as_of": page.as_of or None,
    }
    try:
        page.validated = analyser_input_validate(raw)
    except InvalidInput as invalid:
        for key, messages in invalid.errors.items():
            parts = key.split(".")
            if parts[0] == "drafts" and len(parts) == 3:
                filled[int(parts[1])].errors[parts[2]] = messages
            elif parts[0] == "drafts" and len(parts) == 2:
                filled[int(parts[1])].errors["row"] = messages
            else:
                page.errors[key] = messages
    return page


def _typed(values: dict[str, str]) -> dict[str, Any]:
    """A row's filled cells in the JSON types the validator takes: whole numbers as ints, the box as a flag.

    Anything else stays text, so "abc" in a minutes cell meets the validator's own "Enter a whole number.".
    """
    typed: dict[str, Any] = {}
    for name, value in values.items():
        value = value.strip()
        if not value:
            continue
        if name in INTEGER_FIELDS and _WHOLE.match(value):
            typed[name] = int(value)
        elif name == "data_unlimited":
            typed[name] = _FLAGS.get(value.lower(), value)
        else:
            typed[name] = value
    return typed


def page_rows_from_drafts(drafts: list[dict[str, Any]]) -> dict[str, str]:
    """A saved set's drafts as the page's query (`d0-price_cny=60.00` …), to open it in the analyser."""
    query: dict[str, str] = {}
    for number, draft in enumerate(drafts):
        for name in DRAFT_FIELDS:
            value = draft.get(name)
            if value in (None, "", False):
                continue
            query[f"d{number}-{name}"] = "on" if value is True else str(value)
    return query


class SensitivityForm(BucketForm):
    """A bucket as of a day: the as_of field and its parsing come from AsOfFormMixin, like every page."""
