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

Both files are written by core.exports (BOM, cell spelling, formula neutralisation). The
filename in Content-Disposition is `view.export_basename` (default: the last path segment),
the filters of `view.get_export_filters()` if it has one, plus the date, e.g.
`tiers-2026-11-26.csv`, `benchmarks-per-gb-bucket-1-7-operator-cmcc-2026-11-26.csv`. A view with
`get_export_about()` (name, value pairs) gets an "about" sheet in its XLSX.
"""

from __future__ import annotations

import datetime
import json
import tempfile
from collections.abc import Iterable, Iterator, Mapping
from decimal import Decimal, InvalidOperation
from typing import Any
from wsgiref.util import FileWrapper

from django.http import StreamingHttpResponse
from rest_framework import serializers
from rest_framework.renderers import BaseRenderer

from core import exports
from core.exports import XLSX_MEDIA_TYPE

Row = dict[str, Any]
PLAIN_CELLS = frozenset({str, int, bool, float, Decimal, type(None)})
STREAM_BLOCK_BYTES = 64 * 1024
__all__ = [
    "XLSX_MEDIA_TYPE",
    "CSVRenderer",
    "XLSXRenderer",
    "export_columns",
    "export_stream",
    "export_values",
    "flatten",
    "table_rows",
    "xlsx_number_formats",
]


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
        if type(value) in PLAIN_CELLS:  # most cells: no abstract-class checks per cell
            flat[name] = value
        elif isinstance(value, Mapping):
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
    """`view.export_basename` (or the last path segment), the view's `get_export_filters()` and the day."""
    basename = getattr(view, "export_basename", None)
    if not basename and request is not None:
        segments = [segment for segment in request.path.split("/") if segment]
        basename = segments[-1] if segments else "export"
    filters = getattr(view, "get_export_filters", None)
    return exports.export_filename(basename or "export", extension, filters=filters() if callable(filters) else None)


def _set_disposition(renderer_context: Mapping[str, Any] | None, extension: str) -> None:
    if not renderer_context:
        return
    response = renderer_context.get("response")
    if response is None or response.status_code >= 400:
        return
    filename = export_filename(renderer_context.get("view"), renderer_context.get("request"), extension)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'


def _typed(value: Any, field: serializers.Field | None, *, dates: bool) -> Any:
    """The Python value behind a JSON cell, where the serializer says the column is a number or a date.

    Rows come serialized (decimals as strings, dates as ISO text); turning them back lets the
    writer keep numbers as numbers (never mistaken for formula-like text) and give XLSX real types.
    """
    if not isinstance(value, str) or value == "":
        return value
    if isinstance(field, serializers.DecimalField | serializers.FloatField):
        try:
            return Decimal(value)
        except InvalidOperation:
            return value
    if not dates:
        return value  # CSV keeps the JSON's date text exactly
    if isinstance(field, serializers.DateTimeField):
        try:
            return datetime.datetime.fromisoformat(value)
        except ValueError:
            return value
    if isinstance(field, serializers.DateField):
        try:
            return datetime.date.fromisoformat(value)
        except ValueError:
            return value
    return value


def _export_table(
    data: Any, renderer_context: Mapping[str, Any] | None, *, dates: bool
) -> tuple[Any, list[str], list[list[Any]]]:
    view = (renderer_context or {}).get("view")
    rows = [flatten(row) for row in table_rows(data)]
    columns = _columns(view, rows)
    fields = _export_fields(view)
    return (
        view,
        columns,
        [[_typed(row.get(column), fields.get(column), dates=dates) for column in columns] for row in rows],
    )


def export_columns(fields: Mapping[str, serializers.Field]) -> list[str]:
    """The columns of an export whose serializer fields are known up front (a streamed export)."""
    return list(fields)


def export_values(
    rows: Iterable[Mapping[str, Any]], fields: Mapping[str, serializers.Field], columns: list[str], *, dates: bool
) -> Iterator[list[Any]]:
    """Serialized rows as the cells of `columns`, typed as the renderers type them."""
    # Columns whose serializer field is no number or date keep the JSON's value: no check per cell.
    kinds = serializers.DecimalField | serializers.FloatField | serializers.DateField | serializers.DateTimeField
    typed = [(column, fields.get(column), isinstance(fields.get(column), kinds)) for column in columns]
    for row in rows:
        flat = flatten(row)
        yield [
            _typed(flat.get(column), field, dates=dates) if convert else flat.get(column)
            for column, field, convert in typed
        ]


def xlsx_number_formats(fields: Mapping[str, serializers.Field], columns: list[str]) -> dict[int, str]:
    return {
        index: number_format
        for index, column in enumerate(columns)
        if (number_format := _xlsx_number_format(fields.get(column)))
    }


def export_stream(
    *, view: Any, request: Any, rows: Iterable[Mapping[str, Any]], extension: str
) -> StreamingHttpResponse:
    """A large export as a StreamingHttpResponse: the same columns and cells as CSVRenderer/XLSXRenderer.

    CSV goes out a few hundred rows at a time while the rows are read; XLSX is written row by row
    to a temporary file (a workbook is a zip, complete only at its end) and then streamed from
    it. Either way the process holds a chunk of rows, never the whole export.
    """
    fields = _export_fields(view)
    columns = export_columns(fields)
    if extension == "csv":
        body: Iterable[Any] = (
            chunk.encode("utf-8")
            for chunk in exports.csv_chunks(header=columns, rows=export_values(rows, fields, columns, dates=False))
        )
        response = StreamingHttpResponse(body, content_type=exports.CSV_MEDIA_TYPE)
    else:
        handle = tempfile.TemporaryFile()  # noqa: SIM115 - closed by the response when it has been sent
        title = getattr(view, "export_basename", None) or "data"
        sheet = exports.Sheet(
            title=title,
            header=columns,
            rows=export_values(rows, fields, columns, dates=True),
            number_formats=xlsx_number_formats(fields, columns),
        )
        exports.xlsx_write(handle, [sheet])
        handle.seek(0)
        response = StreamingHttpResponse(FileWrapper(handle, STREAM_BLOCK_BYTES), content_type=XLSX_MEDIA_TYPE)
    response["Content-Disposition"] = f'attachment; filename="{export_filename(view, request, extension)}"'
    return response


def _xlsx_number_format(field: serializers.Field | None) -> str | None:
    if isinstance(field, serializers.DecimalField):
        return "0." + "0" * field.decimal_places if field.decimal_places else "0"
    if isinstance(field, serializers.DateTimeField):
        return "yyyy-mm-dd hh:mm:ss"
    if isinstance(field, serializers.DateField):
        return "yyyy-mm-dd"
    return None


class CSVRenderer(BaseRenderer):
    media_type = "text/csv"
    format = "csv"
    charset = "utf-8"

    def render(
        self, data: Any, accepted_media_type: str | None = None, renderer_context: Mapping[str, Any] | None = None
    ) -> bytes:
        _set_disposition(renderer_context, "csv")
        _view, columns, rows = _export_table(data, renderer_context, dates=False)
        return exports.csv_bytes(header=columns, rows=rows)


class XLSXRenderer(BaseRenderer):
    media_type = XLSX_MEDIA_TYPE
    format = "xlsx"
    charset = None
    render_style = "binary"

    def render(
        self, data: Any, accepted_media_type: str | None = None, renderer_context: Mapping[str, Any] | None = None
    ) -> bytes:
        _set_disposition(renderer_context, "xlsx")
        view, columns, rows = _export_table(data, renderer_context, dates=True)
        formats = xlsx_number_formats(_export_fields(view), columns)
        title = getattr(view, "export_basename", None) or "data"
        sheets = [exports.Sheet(title=title, header=columns, rows=rows, number_formats=formats)]
        about = getattr(view, "get_export_about", None)
        if callable(about):
            # What the table is (its run, as-of, median, filters) on a sheet of its own, as name / value.
            sheets.append(exports.Sheet(title="about", header=["name", "value"], rows=about(), autofilter=False))
        return exports.xlsx_bytes(sheets)
