"""The one reader of import files: how an uploaded CSV or XLSX file becomes numbered rows.

Both doors of the tier import (the admin's Import button and `manage.py import_tiers`) hand the
file's bytes to `read_table` and nothing else, so they accept and refuse the same files with the
same messages:

- Size and rows are limited (`max_import_bytes()`, `max_import_rows()`; settings
  TIER_IMPORT_MAX_BYTES / TIER_IMPORT_MAX_ROWS). The size is checked before anything is parsed,
  the row count while the records are split, before any row is validated or the database is
  asked anything. Every record after the header counts, blank ones included: the limit bounds the
  work of reading the file, and a sheet formatted down to row 1,000,000 is that much work.
- Line numbers are the file's physical lines: the header is line 1, and a record whose quoted
  field holds newlines is numbered by the line it starts on, so the next record's number jumps
  (csv.reader's line_num). In XLSX the line is the sheet's row number.
- The header must be line 1, name every column once (a repeated name is refused, naming it), and
  leave no column unnamed.
- The separator is detected from the header line: comma (the API's export), semicolon (Excel in
  locales with a decimal comma) or tab. A header that mixes them is refused.
- Text must be UTF-8 (a BOM is fine); GBK/GB18030 and UTF-16 files are named as such.

Anything that keeps the file from being read as a table raises FileRejected with a message an
analyst can act on; nothing here raises anything else for a bad file.
"""

from __future__ import annotations

import csv
import datetime
import io
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import PurePath
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

# Hundreds of tiers make a few hundred KB; 5 MB leaves room without letting a stray dump through.
MAX_IMPORT_BYTES = 5 * 1024 * 1024
MAX_IMPORT_ROWS = 20_000

XLSX_MAGIC = b"PK\x03\x04"
XLS_MAGIC = b"\xd0\xcf\x11\xe0"
UTF16_BOMS = (b"\xff\xfe", b"\xfe\xff")
SEPARATORS = (",", ";", "\t")


class FileRejected(Exception):
    """The file as a whole cannot be read; `line` is set when one line is to blame."""

    def __init__(self, message: str, *, line: int | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.line = line


@dataclass(frozen=True)
class Table:
    header: list[str]
    rows: list[tuple[int, dict[str, str]]]
    format: str
    delimiter: str = ","
    notices: list[str] = field(default_factory=list)


def max_import_bytes() -> int:
    return int(getattr(settings, "TIER_IMPORT_MAX_BYTES", MAX_IMPORT_BYTES))


def max_import_rows() -> int:
    return int(getattr(settings, "TIER_IMPORT_MAX_ROWS", MAX_IMPORT_ROWS))


def upload_checked(upload: Any) -> Any:
    """A form's clean_import_file: the upload, or a ValidationError saying why its size is refused (unread)."""
    problem = size_problem(upload.size)
    if problem:
        raise ValidationError(problem)
    return upload


def size_problem(size: int) -> str:
    """Why a file of `size` bytes is refused unread, or "" when its size is fine."""
    limit = max_import_bytes()
    if size <= limit:
        return ""
    megabytes = limit / 1024 / 1024
    if megabytes < 1:
        return _("The file is %(size)s bytes; the import accepts at most %(limit)s bytes.") % {
            "size": size,
            "limit": limit,
        }
    return _("The file is %(size)s bytes; the import accepts at most %(limit)s bytes (%(mb)s MB).") % {
        "size": size,
        "limit": limit,
        "mb": f"{megabytes:g}",
    }


def read_table(content: bytes, *, filename: str) -> Table:
    """Parse CSV (UTF-8, with or without BOM) or XLSX (first sheet) into a header and numbered rows."""
    problem = size_problem(len(content))
    if problem:
        raise FileRejected(problem)
    if not content.strip():
        raise FileRejected(_("The file is empty."))
    extension = PurePath(filename).suffix.lower()
    if content.startswith(XLS_MAGIC) or extension == ".xls":
        raise FileRejected(_("Old Excel .xls files are not supported; save the sheet as .xlsx or CSV UTF-8."))
    notices: list[str] = []
    delimiter = ","
    if content.startswith(XLSX_MAGIC) or extension == ".xlsx":
        file_format, lines = "xlsx", _xlsx_records(content)
    elif extension in {"", ".csv", ".txt", ".tsv"}:
        text = _decode(content)
        delimiter = _delimiter(text)
        if delimiter != ",":
            notices.append(
                _("Columns are separated by %(separator)s (detected from the header line).")
                % {"separator": _separator_name(delimiter)}
            )
        file_format, lines = "csv", _csv_records(text, delimiter=delimiter)
    else:
        raise FileRejected(
            _("File type “%(extension)s” is not supported; import a .csv or .xlsx file.") % {"extension": extension}
        )
    header, records = _split_header(lines)
    limit = max_import_rows()
    rows: list[tuple[int, dict[str, str]]] = []
    for count, (line, values) in enumerate(records, start=1):
        if count > limit:
            raise FileRejected(_too_many_rows(limit))
        while values and not values[-1].strip():
            values.pop()  # trailing empty cells (Excel's formatted columns) are not values
        if not values:
            continue  # blank lines separate blocks in hand-edited sheets; they count, but are not rows
        if len(values) > len(header):
            raise FileRejected(
                _("Line %(line)s has %(count)s values but the header has %(columns)s columns.")
                % {"line": line, "count": len(values), "columns": len(header)},
                line=line,
            )
        # A short row leaves its last cells empty, as a spreadsheet shows it.
        padded = values + [""] * (len(header) - len(values))
        rows.append((line, {name: value.strip() for name, value in zip(header, padded, strict=True)}))
    return Table(header=header, rows=rows, format=file_format, delimiter=delimiter, notices=notices)


def _too_many_rows(limit: int) -> str:
    return _(
        "The file has more than %(limit)s rows after the header (blank rows count too); "
        "split it into smaller files or delete the empty rows."
    ) % {"limit": limit}


def _split_header(records: Iterator[tuple[int, list[str]]]) -> tuple[list[str], Iterator[tuple[int, list[str]]]]:
    for line, values in records:
        if any(value.strip() for value in values):
            header = [value.strip().lower() for value in values]
            while header and not header[-1]:
                header.pop()  # Excel keeps formatting in trailing columns; they are not columns
            if line != 1:
                raise FileRejected(_("The header must be on line 1; line 1 is empty."), line=1)
            duplicates = sorted({name for name in header if name and header.count(name) > 1})
            if duplicates:
                raise FileRejected(
                    _("The header names a column twice: %(names)s.") % {"names": ", ".join(duplicates)}, line=1
                )
            if "" in header:
                raise FileRejected(
                    _("Column %(number)s of the header has no name.") % {"number": header.index("") + 1}, line=1
                )
            return header, records
    raise FileRejected(_("The file has no header line."))


def _decode(content: bytes) -> str:
    if content.startswith(UTF16_BOMS):
        raise FileRejected(
            _("The file is UTF-16 text (Excel's “Unicode Text”); save it as “CSV UTF-8” and retry."), line=1
        )
    try:
        text = content.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        line = content[: error.start].count(b"\n") + 1
        try:
            content.decode("gb18030")
        except UnicodeDecodeError:
            hint = _("It is not text in UTF-8.")
        else:
            hint = _("It looks like GBK/GB18030, the default of Chinese Windows Excel.")
        raise FileRejected(
            _("The file is not UTF-8 (first bad byte on line %(line)s). %(hint)s Save it as “CSV UTF-8” and retry.")
            % {"line": line, "hint": hint},
            line=line,
        ) from error
    if "\x00" in text:
        line = text[: text.index("\x00")].count("\n") + 1
        message = _("Line %(line)s contains a NUL byte; this is not a CSV text file.") % {"line": line}
        raise FileRejected(message, line=line)
    return text


def _delimiter(text: str) -> str:
    """The separator the header line uses: the one it holds most of; refused when it mixes two."""
    first_line = text.splitlines()[0] if text else ""
    counts = {separator: first_line.count(separator) for separator in SEPARATORS}
    used = sorted((count, separator) for separator, count in counts.items() if count)
    if not used:
        return ","  # a single column; the header check names what is missing
    if len(used) > 1:
        raise FileRejected(
            _(
                "The header line mixes separators (%(found)s); save the file with one separator, "
                "e.g. as “CSV UTF-8 (comma delimited)”."
            )
            % {"found": ", ".join(f"{count} × {_separator_name(separator)}" for count, separator in reversed(used))},
            line=1,
        )
    return used[0][1]


def _separator_name(separator: str) -> str:
    return _("tab") if separator == "\t" else f"“{separator}”"


def _csv_records(text: str, *, delimiter: str) -> Iterator[tuple[int, list[str]]]:
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter, strict=True)
    previous = 0  # reader.line_num after the previous record: the physical line it ended on
    while True:
        try:
            values = next(reader)
        except StopIteration:
            return
        except csv.Error as error:
            raise FileRejected(
                _("Line %(line)s is not valid CSV: %(error)s.") % {"line": previous + 1, "error": error},
                line=previous + 1,
            ) from error
        yield previous + 1, values
        previous = reader.line_num


def _xlsx_records(content: bytes) -> Iterator[tuple[int, list[str]]]:
    from openpyxl import load_workbook

    # openpyxl parses untrusted zip/XML: whatever it raises on a broken workbook is a bad file to the
    # analyst, never a traceback (zipfile.BadZipFile, KeyError for a missing part, XML errors ...).
    try:
        workbook = load_workbook(io.BytesIO(content), read_only=True, data_only=True)
    except Exception as error:
        raise FileRejected(_("The file is not a valid XLSX workbook (%(error)s).") % {"error": error}) from error
    try:
        sheet = workbook.worksheets[0]
        declared = sheet.max_row  # from the sheet's dimension record, when the writer gave one
        if isinstance(declared, int) and declared - 1 > max_import_rows():
            raise FileRejected(_too_many_rows(max_import_rows()))
        rows = sheet.iter_rows(values_only=True)
        number = 0
        while True:
            try:
                cells = next(rows)
            except StopIteration:
                return
            except (zipfile.BadZipFile, KeyError, ValueError, TypeError, OSError) as error:
                message = _("Row %(line)s of the sheet cannot be read (%(error)s).")
                raise FileRejected(message % {"line": number + 1, "error": error}, line=number + 1) from error
            number += 1
            yield number, [cell_text(cell) for cell in cells]
    finally:
        workbook.close()


def cell_text(value: object) -> str:
    """A cell as the text a CSV export would hold, so both formats parse the same way."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, datetime.datetime):
        return value.date().isoformat()
    if isinstance(value, datetime.date):
        return value.isoformat()
    if isinstance(value, float):
        # Excel stores 7 as 7.0 and 85.5 as 85.5; repr keeps the shortest exact decimal form.
        return str(int(value)) if value.is_integer() else str(Decimal(repr(value)))
    return str(value)
