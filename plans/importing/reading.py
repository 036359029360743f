"""Turn an uploaded CSV or XLSX file into (line number, {column: text}) rows.

Line numbers count as the file does: the header is line 1, and a CSV record that spans several
physical lines (a quoted newline) is numbered by the line it starts on. Anything that keeps the
file from being read as a table raises FileRejected with a message an analyst can act on.
"""

from __future__ import annotations

import csv
import datetime
import io
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass
from decimal import Decimal
from pathlib import PurePath

from django.utils.translation import gettext as _

# Hundreds of tiers make a few hundred KB; 5 MB leaves room without letting a stray dump through.
MAX_IMPORT_BYTES = 5 * 1024 * 1024
MAX_IMPORT_ROWS = 20_000

XLSX_MAGIC = b"PK\x03\x04"
XLS_MAGIC = b"\xd0\xcf\x11\xe0"


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


def read_table(content: bytes, *, filename: str) -> Table:
    """Parse CSV (UTF-8, with or without BOM) or XLSX (first sheet) into a header and numbered rows."""
    if len(content) > MAX_IMPORT_BYTES:
        raise FileRejected(
            _("The file is %(size)s bytes; the import accepts at most %(limit)s bytes (5 MB).")
            % {"size": len(content), "limit": MAX_IMPORT_BYTES}
        )
    if not content.strip():
        raise FileRejected(_("The file is empty."))
    extension = PurePath(filename).suffix.lower()
    if content.startswith(XLS_MAGIC) or extension == ".xls":
        raise FileRejected(_("Old Excel .xls files are not supported; save the sheet as .xlsx or CSV UTF-8."))
    if content.startswith(XLSX_MAGIC) or extension == ".xlsx":
        file_format, lines = "xlsx", _xlsx_records(content)
    elif extension in {"", ".csv", ".txt"}:
        file_format, lines = "csv", _csv_records(content)
    else:
        raise FileRejected(
            _("File type “%(extension)s” is not supported; import a .csv or .xlsx file.") % {"extension": extension}
        )
    header, records = _split_header(lines)
    rows: list[tuple[int, dict[str, str]]] = []
    for line, values in records:
        if not any(value.strip() for value in values):
            continue  # blank lines separate blocks in hand-edited sheets; they are not rows
        if len(values) > len(header):
            raise FileRejected(
                _("Line %(line)s has %(count)s values but the header has %(columns)s columns.")
                % {"line": line, "count": len(values), "columns": len(header)},
                line=line,
            )
        rows.append((line, {name: value.strip() for name, value in zip(header, values, strict=False)}))
        if len(rows) > MAX_IMPORT_ROWS:
            raise FileRejected(
                _("The file has more than %(limit)s rows; split it into smaller files.") % {"limit": MAX_IMPORT_ROWS}
            )
    return Table(header=header, rows=rows, format=file_format)


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
    try:
        return content.decode("utf-8-sig")
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


def _csv_records(content: bytes) -> Iterator[tuple[int, list[str]]]:
    text = _decode(content)
    if "\x00" in text:
        line = text[: text.index("\x00")].count("\n") + 1
        message = _("Line %(line)s contains a NUL byte; this is not a CSV text file.") % {"line": line}
        raise FileRejected(message, line=line)
    reader = csv.reader(io.StringIO(text, newline=""), strict=True)
    previous = 0
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
    from openpyxl.utils.exceptions import InvalidFileException

    try:
        workbook = load_workbook(io.BytesIO(content), read_only=True, data_only=True)
    except (zipfile.BadZipFile, InvalidFileException, KeyError, OSError, ValueError) as error:
        raise FileRejected(_("The file is not a valid XLSX workbook (%(error)s).") % {"error": error}) from error
    try:
        sheet = workbook.worksheets[0]
        for number, cells in enumerate(sheet.iter_rows(values_only=True), start=1):
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
