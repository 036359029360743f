"""CSV and XLSX renderers for API tables: the same columns as the JSON rows, flattened.

Any list view can offer them next to JSON (`renderer_classes = [JSONRenderer, CSVRenderer,
XLSXRenderer]`); `?format=csv` or `?format=xlsx` then picks one. They accept what the
view's Response carries: a list of row dicts, a paginated body (its `results` are written)
or a single dict (one row).

Columns come from `view.get_export_fields()` (an ordered mapping of column name to
serializer field) when the view has it, so an empty table still has its header and the
XLSX cells get real types; otherwise from the keys of the rows, in first-seen order.
Nested objects become `parent.child` columns; lists of scalars become one `a; b` cell and
lists of objects one JSON cell, so every row stays one line.

The CSV starts with a UTF-8 byte-order mark: Excel (Windows, zh-CN locale) otherwise
opens it as GBK and garbles the Chinese names. The filename in Content-Disposition is
`view.export_basename` (default: the last path segment) plus the date, e.g.
`tiers-2026-11-26.csv`.
"""

from __future__ import annotations

import csv
import datetime
import io
import json
import re
from collections.abc import Iterable, Mapping
from decimal import Decimal, InvalidOperation
from typing import Any

from django.utils import timezone
from openpyxl import Workbook
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.utils import get_column_letter
from rest_framework import serializers
from rest_framework.renderers import BaseRenderer

Row = dict[str, Any]
BOM = "\ufeff"
XLSX_MEDIA_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
# Excel's limit for one cell; longer text would make the workbook unreadable.
XLSX_MAX_CELL = 32767


def table_rows(data: Any) -> list[Mapping[str, Any]]:
    """The rows a response body holds: list, paginated `results`, or one object."""
    if data is None:
        return []
    if isinstance(data, Mapping):
        results = data.get("results")
        if isinstance(results, list) and "count" in data:
            return results
        return [data]
    return list(data)


def flatten(row: Mapping[str, Any], prefix: str = "") -> Row:
    """One level of columns: nested objects become `parent.child`, lists one cell."""
    flat: Row = {}
    for key, value in row.items():
        name = f"{prefix}{key}"
        if isinstance(value, Mapping):
            flat.update(flatten(value, prefix=f"{name}."))
        elif isinstance(value, list | tuple):
            if all(not isinstance(item, Mapping | list | tuple) for item in value):
                flat[name] = "; ".join("" if item is None else str(item) for item in value)
            else:
                flat[name] = json.dumps(value, ensure_ascii=False, default=str)
        else:
            flat[name] = value
    return flat


def _columns(view: Any, rows: list[Row]) -> list[str]:
    fields = _export_fields(view)
    columns: list[str] = list(fields) if fields else []
    for row in rows:
        for key in row:
            if key not in columns:
                columns.append(key)
    return columns


def _export_fields(view: Any) -> Mapping[str, serializers.Field]:
    getter = getattr(view, "get_export_fields", None)
    return getter() if callable(getter) else {}


def export_filename(view: Any, request: Any, extension: str) -> str:
    basename = getattr(view, "export_basename", None)
    if not basename and request is not None:
        segments = [segment for segment in request.path.split("/") if segment]
        basename = segments[-1] if segments else "export"
    # Keep the header ASCII-safe: the name comes from code, but be strict anyway.
    safe = re.sub(r"[^A-Za-z0-9_.-]+", "-", basename or "export").strip("-") or "export"
    return f"{safe}-{timezone.localdate().isoformat()}.{extension}"


def _set_disposition(renderer_context: Mapping[str, Any] | None, extension: str) -> None:
    if not renderer_context:
        return
    response = renderer_context.get("response")
    if response is None or response.status_code >= 400:
        return
    filename = export_filename(renderer_context.get("view"), renderer_context.get("request"), extension)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'


def _csv_text(value: Any) -> str:
    """Write cells as the JSON shows them: decimals as strings, booleans lower-case, null empty."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


class CSVRenderer(BaseRenderer):
    media_type = "text/csv"
    format = "csv"
    charset = "utf-8"

    def render(
        self, data: Any, accepted_media_type: str | None = None, renderer_context: Mapping[str, Any] | None = None
    ) -> bytes:
        _set_disposition(renderer_context, "csv")
        rows = [flatten(row) for row in table_rows(data)]
        columns = _columns((renderer_context or {}).get("view"), rows)
        buffer = io.StringIO()
        buffer.write(BOM)
        writer = csv.writer(buffer, lineterminator="\r\n")
        writer.writerow(columns)
        for row in rows:
            writer.writerow([_csv_text(row.get(column)) for column in columns])
        return buffer.getvalue().encode("utf-8")


def _xlsx_value(value: Any, field: serializers.Field | None) -> Any:
    """Give Excel real numbers, dates and booleans where the serializer says the column is one."""
    if value is None or value == "":
        return None
    if isinstance(value, str) and isinstance(field, serializers.DecimalField | serializers.FloatField):
        try:
            return Decimal(value)
        except InvalidOperation:
            return value
    if isinstance(value, str) and isinstance(field, serializers.DateField):
        try:
            return datetime.date.fromisoformat(value)
        except ValueError:
            return value
    if isinstance(value, str) and isinstance(field, serializers.DateTimeField):
        # Excel has no time zones: write the local wall-clock time.
        try:
            moment = datetime.datetime.fromisoformat(value)
        except ValueError:
            return value
        return timezone.localtime(moment).replace(tzinfo=None) if timezone.is_aware(moment) else moment
    if isinstance(value, str):
        # Control characters (other than tab and newlines) are illegal in the XML of a worksheet.
        return ILLEGAL_CHARACTERS_RE.sub("", value)[:XLSX_MAX_CELL]
    return value


def _xlsx_number_format(field: serializers.Field | None) -> str | None:
    if isinstance(field, serializers.DecimalField):
        return "0." + "0" * field.decimal_places if field.decimal_places else "0"
    if isinstance(field, serializers.DateField):
        return "yyyy-mm-dd"
    if isinstance(field, serializers.DateTimeField):
        return "yyyy-mm-dd hh:mm:ss"
    return None


class XLSXRenderer(BaseRenderer):
    media_type = XLSX_MEDIA_TYPE
    format = "xlsx"
    charset = None
    render_style = "binary"

    def render(
        self, data: Any, accepted_media_type: str | None = None, renderer_context: Mapping[str, Any] | None = None
    ) -> bytes:
        _set_disposition(renderer_context, "xlsx")
        view = (renderer_context or {}).get("view")
        rows = [flatten(row) for row in table_rows(data)]
        columns = _columns(view, rows)
        fields = _export_fields(view)
        workbook = Workbook()
        sheet = workbook.active
        sheet.title = _sheet_title(getattr(view, "export_basename", None) or "data")
        sheet.append(columns)
        for row in rows:
            sheet.append([_xlsx_value(row.get(column), fields.get(column)) for column in columns])
        self._format(sheet, columns, fields, len(rows))
        buffer = io.BytesIO()
        workbook.save(buffer)
        return buffer.getvalue()

    @staticmethod
    def _format(sheet: Any, columns: Iterable[str], fields: Mapping[str, serializers.Field], count: int) -> None:
        sheet.freeze_panes = "A2"
        for index, column in enumerate(columns, start=1):
            letter = get_column_letter(index)
            sheet.column_dimensions[letter].width = max(10, min(40, len(column) + 2))
            number_format = _xlsx_number_format(fields.get(column))
            if number_format:
                for (cell,) in sheet.iter_rows(min_row=2, max_row=count + 1, min_col=index, max_col=index):
                    cell.number_format = number_format


def _sheet_title(name: str) -> str:
    # Excel sheet names: at most 31 characters, none of []:*?/\
    return re.sub(r"[\[\]:*?/\\]", "-", name)[:31] or "data"
