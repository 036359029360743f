"""The one writer of CSV and XLSX files: API exports, page tables, the audit trail, admin export and commands.

Every door that hands an analyst a spreadsheet goes through here, so they agree on three things:

- **Encoding.** CSV is UTF-8 with a byte-order mark (Excel in a zh-CN locale otherwise opens it as
  GBK and garbles the Chinese names; pandas skips the mark) and CRLF line ends (RFC 4180).
- **Cell spelling.** null is an empty cell, booleans are `true`/`false` as the JSON API spells them,
  decimals keep their exact digits, dates are ISO 8601.
- **No formulas.** A text cell that a spreadsheet would run as a formula (OWASP "CSV injection": it
  starts with `=`, `+`, `-`, `@`, a tab or a carriage return) is written as text: in CSV with a
  leading apostrophe, in XLSX as a string cell with Excel's quote prefix (XlsxWriter is also told
  never to read text as a formula, a number or a link). Numbers stay numbers: a
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
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any, BinaryIO, Protocol

import xlsxwriter
from django.utils import timezone

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
    """A workbook of the given sheets, streamed row by row (constant memory: flat in the row count)."""
    buffer = io.BytesIO()
    xlsx_write(buffer, sheets)
    return buffer.getvalue()


def xlsx_write(target: BinaryIO, sheets: Sequence[Sheet]) -> None:
    """Write the workbook of xlsx_bytes to a binary file (a temporary file, for large exports).

    Each sheet has its header frozen, an autofilter over header and rows (unless `autofilter=False`),
    and columns as wide as the header and the first WIDTH_SAMPLE_ROWS rows need (within 8-60).

    XlsxWriter in constant_memory mode writes each row to a temporary file as it comes (about 7x
    faster than openpyxl's write-only mode on a 32k-row tier export). Its string guesses are off:
    text is never read as a formula, a number or a link; each value is written by its own type.
    """
    workbook = xlsxwriter.Workbook(
        target,
        {
            "constant_memory": True,
            "strings_to_formulas": False,
            "strings_to_numbers": False,
            "strings_to_urls": False,
        },
    )
    cells = _XlsxCells(workbook)
    titles: set[str] = set()
    for sheet in sheets:
        worksheet = workbook.add_worksheet(_unique_title(sheet_title(sheet.title), titles))
        worksheet.freeze_panes(1, 0)
        rows = iter(sheet.rows)
        sample = list(itertools.islice(rows, WIDTH_SAMPLE_ROWS))
        widths = [text_width(name) for name in sheet.header]
        for row in sample:
            for index, value in enumerate(row):
                if index < len(widths):
                    widths[index] = max(widths[index], text_width(value))
        for index, width in enumerate(widths):
            # XlsxWriter adds Excel's cell padding (5 px of a 7 px digit) to a width; taken off, the
            # file stores the width as before (openpyxl wrote it as given).
            worksheet.set_column(index, index, max(MIN_WIDTH, min(MAX_WIDTH, width + 2)) - 5 / 7)
        write = cells.writer(worksheet)
        for column, name in enumerate(sheet.header):
            write(0, column, name, None)
        formats = [cells.number_format(sheet.number_formats.get(index)) for index in range(len(sheet.header))]
        count = 0
        for count, row in enumerate(itertools.chain(sample, rows), start=1):
            for column, value in enumerate(row):
                if value is not None:
                    write(count, column, value, formats[column] if column < len(formats) else None)
        if sheet.autofilter and sheet.header:
            worksheet.autofilter(0, 0, count, len(sheet.header) - 1)
    workbook.close()


# Excel's default display of a date or time cell written without a number format (as openpyxl gave).
_DEFAULT_FORMATS: dict[type, str] = {
    datetime.datetime: "yyyy-mm-dd h:mm:ss",
    datetime.date: "yyyy-mm-dd",
    datetime.time: "h:mm:ss",
    datetime.timedelta: "[hh]:mm:ss",
}
# Control characters (other than tab and newlines) are illegal in a worksheet's XML.
_ILLEGAL_CHARACTERS = re.compile(r"[\000-\010]|[\013-\014]|[\016-\037]")


class _XlsxCells:
    """How every XLSX cell is written: the one place of the formula guard and the cell types."""

    def __init__(self, workbook: Any) -> None:
        self.workbook = workbook
        self.formats: dict[str, Any] = {}
        # Excel's quote prefix: the cell shows its text literally, even typed over again.
        self.quoted = workbook.add_format({"quote_prefix": True})

    def number_format(self, number_format: str | None) -> Any:
        if number_format is None:
            return None
        if number_format not in self.formats:
            self.formats[number_format] = self.workbook.add_format({"num_format": number_format})
        return self.formats[number_format]

    def writer(self, worksheet: Any) -> Callable[[int, int, Any, Any], None]:
        """write(row, column, value, format): one cell by the type of its value (format: number_format's)."""
        write_string, write_number = worksheet.write_string, worksheet.write_number
        quoted, number_format = self.quoted, self.number_format

        def write(row: int, column: int, value: Any, cell_format: Any) -> None:
            kind = type(value)
            if kind is str:
                if not value:
                    return
                text = _ILLEGAL_CHARACTERS.sub("", value)[:XLSX_MAX_CELL]
                write_string(row, column, text, quoted if is_formula_like(text) else cell_format)
            elif kind is int or kind is Decimal or kind is float:
                if kind is int or value.is_finite():
                    write_number(row, column, value, cell_format)
                else:
                    write_string(row, column, csv_cell(value), cell_format)
            elif value is None:
                return
            elif kind is bool:
                worksheet.write_boolean(row, column, value, cell_format)
            elif isinstance(value, datetime.date | datetime.time | datetime.timedelta):
                if isinstance(value, datetime.datetime) and timezone.is_aware(value):
                    # Excel has no time zones: write the local wall-clock time.
                    value = timezone.localtime(value).replace(tzinfo=None)
                if cell_format is None:
                    default = next(format for kind, format in _DEFAULT_FORMATS.items() if isinstance(value, kind))
                    cell_format = number_format(default)
                worksheet.write_datetime(row, column, value, cell_format)
            elif isinstance(value, Decimal):
                write_number(row, column, value, cell_format) if value.is_finite() else write(
                    row, column, str(value), cell_format
                )
            elif isinstance(value, int | float):  # a subclass (an IntEnum): its plain number
                write(row, column, float(value) if isinstance(value, float) else int(value), cell_format)
            else:
                write(row, column, str(value), cell_format)

        return write


def _unique_title(title: str, taken: set[str]) -> str:
    """Excel refuses two sheets of one name (in any case): a second gets a number, as openpyxl named it."""
    candidate, number = title, 0
    while candidate.lower() in taken:
        number += 1
        suffix = str(number)
        candidate = title[: 31 - len(suffix)] + suffix
    taken.add(candidate.lower())
    return candidate


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
