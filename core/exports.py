"""The one writer of CSV and XLSX files: API exports, page tables, the audit trail, admin export and commands.

Every door that hands an analyst a spreadsheet goes through here, so they agree on three things:

- **Encoding.** CSV is UTF-8 with a byte-order mark (Excel in a zh-CN locale otherwise opens it as
  GBK and garbles the Chinese names; pandas skips the mark) and CRLF line ends (RFC 4180).
- **Cell spelling.** null is an empty cell, booleans are `true`/`false` as the JSON API spells them,
  decimals keep their exact digits, dates are ISO 8601.
- **No formulas.** A text cell that a spreadsheet would run as a formula (OWASP "CSV injection": it
  starts with `=`, `+`, `-`, `@`, a tab or a carriage return) is written as text: in CSV with a
  leading apostrophe, in XLSX as a string cell with Excel's quote prefix. Numbers stay numbers: a
  `Decimal`/`int`/`float`, or a text cell that is exactly a signed number ("-5.00"), is left alone.

Hand-written rather than `defusedcsv`: that package covers CSV only (the XLSX path needs the same
rule), and it also rewrites `|` and `%` and wraps cells in quotes, changing data we must keep exact.
"""

from __future__ import annotations

import csv
import datetime
import io
import itertools
import re
import unicodedata
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any, BinaryIO, Protocol

from django.utils import timezone
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

BOM = "\ufeff"
CSV_MEDIA_TYPE = "text/csv; charset=utf-8"
XLSX_MEDIA_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
# Excel's limit for one cell; longer text makes the workbook unreadable.
XLSX_MAX_CELL = 32767

_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
_PLAIN_NUMBER = re.compile(r"[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?")


def is_formula_like(text: str) -> bool:
    """True when a spreadsheet would read `text` as a formula (a plain signed number is not one)."""
    return text.startswith(_FORMULA_START) and not _PLAIN_NUMBER.fullmatch(text)


def safe_text(text: str) -> str:
    """`text` as a spreadsheet shows it literally: formula-like text gets a leading apostrophe."""
    return "'" + text if is_formula_like(text) else text


def csv_cell(value: Any) -> str:
    """How every CSV we write spells one value."""
    if type(value) is str:  # most cells: checked first, a large export spells a million of them
        return safe_text(value)
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, datetime.datetime):
        return (timezone.localtime(value) if timezone.is_aware(value) else value).isoformat()
    if isinstance(value, datetime.date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return f"{value:f}"  # never scientific notation: 1E+1 is not how a price is written
    if isinstance(value, int | float):
        return str(value)
    return safe_text(str(value))


class TextSink(Protocol):
    """Anything with write(str): a StringIO, an open text file, an HttpResponse."""

    def write(self, text: str, /) -> Any: ...


def csv_write(stream: TextSink, *, header: Sequence[str], rows: Iterable[Sequence[Any]], bom: bool = True) -> None:
    """Write a header and rows to a text stream (an HttpResponse, a file, a command's stdout)."""
    for chunk in csv_chunks(header=header, rows=rows, bom=bom):
        stream.write(chunk)


def csv_chunks(
    *, header: Sequence[str], rows: Iterable[Sequence[Any]], bom: bool = True, rows_per_chunk: int = 500
) -> Iterator[str]:
    """The text csv_write writes, a few hundred rows at a time: for a StreamingHttpResponse or a file."""
    buffer = io.StringIO()
    if bom:
        buffer.write(BOM)
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow([csv_cell(name) for name in header])
    for count, row in enumerate(rows, start=1):
        writer.writerow([csv_cell(value) for value in row])
        if count % rows_per_chunk == 0:
            yield buffer.getvalue()
            buffer.seek(0)
            buffer.truncate()
    yield buffer.getvalue()


def csv_text(*, header: Sequence[str], rows: Iterable[Sequence[Any]], bom: bool = True) -> str:
    buffer = io.StringIO()
    csv_write(buffer, header=header, rows=rows, bom=bom)
    return buffer.getvalue()


def csv_bytes(*, header: Sequence[str], rows: Iterable[Sequence[Any]]) -> bytes:
    return csv_text(header=header, rows=rows).encode("utf-8")


@dataclass
class Sheet:
    """One worksheet: a title, a header row, rows of Python values and per-column number formats."""

    title: str
    header: Sequence[str]
    rows: Iterable[Sequence[Any]]
    number_formats: Mapping[int, str] = field(default_factory=dict)  # column index (0-based) -> Excel format
    autofilter: bool = True


# Column widths are measured on the header and the first rows only: the rows stream through once,
# and a width must be written before them. Beyond these the sample stands for the rest.
WIDTH_SAMPLE_ROWS = 200
MIN_WIDTH, MAX_WIDTH = 8, 60


def text_width(value: Any) -> int:
    """How many character cells a value takes in a spreadsheet: a CJK character is two."""
    text = csv_cell(value) if not isinstance(value, str) else value
    return sum(2 if unicodedata.east_asian_width(char) in "WF" else 1 for char in text)


def xlsx_bytes(sheets: Sequence[Sheet]) -> bytes:
    """A workbook of the given sheets, streamed row by row (write-only: memory stays flat in the row count)."""
    buffer = io.BytesIO()
    xlsx_write(buffer, sheets)
    return buffer.getvalue()


def xlsx_write(target: BinaryIO, sheets: Sequence[Sheet]) -> None:
    """Write the workbook of xlsx_bytes to a binary file (a temporary file, for large exports).

    Each sheet has its header frozen, an autofilter over header and rows (unless `autofilter=False`),
    and columns as wide as the header and the first WIDTH_SAMPLE_ROWS rows need (within 8-60).
    """
    workbook = Workbook(write_only=True)
    for sheet in sheets:
        worksheet = workbook.create_sheet(title=sheet_title(sheet.title))
        worksheet.freeze_panes = "A2"
        rows = iter(sheet.rows)
        sample = list(itertools.islice(rows, WIDTH_SAMPLE_ROWS))
        widths = [text_width(name) for name in sheet.header]
        for row in sample:
            for index, value in enumerate(row):
                if index < len(widths):
                    widths[index] = max(widths[index], text_width(value))
        for index, width in enumerate(widths):
            worksheet.column_dimensions[_column_letter(index)].width = max(MIN_WIDTH, min(MAX_WIDTH, width + 2))
        worksheet.append([_xlsx_cell(worksheet, name, None) for name in sheet.header])
        count = 0
        for row in itertools.chain(sample, rows):
            worksheet.append(
                [_xlsx_cell(worksheet, value, sheet.number_formats.get(index)) for index, value in enumerate(row)]
            )
            count += 1
        if sheet.autofilter and sheet.header:
            # Written in the sheet's tail, after the rows: the row count is known by then.
            worksheet.auto_filter.ref = f"A1:{_column_letter(len(sheet.header) - 1)}{count + 1}"
    workbook.save(target)


def _xlsx_cell(worksheet: Any, value: Any, number_format: str | None) -> Any:
    if value is None or value == "":
        return None
    if isinstance(value, datetime.datetime) and timezone.is_aware(value):
        # Excel has no time zones: write the local wall-clock time.
        value = timezone.localtime(value).replace(tzinfo=None)
    if isinstance(value, str):
        # Control characters (other than tab and newlines) are illegal in a worksheet's XML.
        value = ILLEGAL_CHARACTERS_RE.sub("", value)[:XLSX_MAX_CELL]
    cell = WriteOnlyCell(worksheet, value=value)
    if isinstance(value, str) and is_formula_like(value):
        # openpyxl would store "=..." as a formula: force a string cell, shown literally.
        cell.data_type = "s"
        cell.quotePrefix = True
    elif number_format:
        cell.number_format = number_format
    return cell


def _column_letter(index: int) -> str:
    from openpyxl.utils import get_column_letter

    return get_column_letter(index + 1)


def sheet_title(name: str) -> str:
    """Excel sheet names: at most 31 characters, none of []:*?/\\."""
    return re.sub(r"[\[\]:*?/\\]", "-", name)[:31] or "data"


def export_filename(
    basename: str,
    extension: str,
    *,
    day: datetime.date | None = None,
    filters: Mapping[str, Any] | None = None,
) -> str:
    """`tiers-2026-11-26.csv`: an ASCII-safe name (it goes into a header) with the day of the export.

    `filters` (name -> value, empty values left out) go between the two, in the order given, so the
    file says what it holds: `benchmarks-per-gb-bucket-30plus-operator-cmcc-2026-11-26.csv`.
    """
    parts = [basename or "export"]
    for name, value in (filters or {}).items():
        if value not in (None, "", False):
            parts.append(name if value is True else f"{name}-{value}")
    joined = "-".join(str(part) for part in parts).replace("+", "plus")
    safe = re.sub(r"[^A-Za-z0-9_.-]+", "-", joined).strip("-") or "export"
    return f"{safe}-{(day or timezone.localdate()).isoformat()}.{extension}"
