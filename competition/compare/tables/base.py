"""The rows behind every table of the comparison pages, shared by the HTML and its CSV link.

A page builds each table once as plain row dicts; the template renders those rows and the CSV
download writes the same rows with the same formatting, so the two can never disagree. CSV headers
are the stable column keys (the API's names where one exists) and carry both languages' names, so a
script reads the same file whichever language the analyst browsed in.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from typing import Any, TypeVar

from django.http import HttpResponse, StreamingHttpResponse

from competition.templatetags.compare import amount, cny
from core import exports

Row = dict[str, Any]
T = TypeVar("T")


def _text(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"  # as the JSON API spells them
    return "" if value is None else str(value)


def _money(value: Any) -> str:
    return "" if value is None else cny(value)


def _amount(value: Any) -> str:
    return "" if value is None else amount(value)


FORMATTERS: dict[str, Callable[[Any], str]] = {"text": _text, "money": _money, "amount": _amount}


@dataclass(frozen=True)
class Column:
    key: str
    kind: str = "text"  # text | money | amount

    def format(self, value: Any) -> str:
        return FORMATTERS[self.kind](value)

    def cell(self, value: Any) -> Any:
        """The value for the CSV: money and amounts as their rounded decimal, text as it is."""
        if self.kind == "text" or value is None:
            return value
        shown = self.format(value)
        try:
            return Decimal(shown)
        except InvalidOperation:
            return shown


@dataclass
class Table:
    """One table of a page: a slug for `?table=`, its columns and its rows.

    `streamed`, when given, is a lazy iterable over every row (a whole benchmark bucket, every tier of
    a province): the CSV streams it instead of `rows`, which may then hold only the page shown or
    nothing at all.
    """

    name: str
    columns: Sequence[Column]
    rows: list[Row] = field(default_factory=list)
    streamed: Iterable[Row] | None = None

    def csv_response(self, *, filename: str) -> HttpResponse | StreamingHttpResponse:
        header = [column.key for column in self.columns]
        source = self.rows if self.streamed is None else self.streamed
        cells = ([column.cell(row.get(column.key)) for column in self.columns] for row in source)
        response: HttpResponse | StreamingHttpResponse
        if self.streamed is None:
            response = HttpResponse(content_type=exports.CSV_MEDIA_TYPE)
            exports.csv_write(response, header=header, rows=cells)
        else:
            chunks = exports.csv_chunks(header=header, rows=cells)
            response = StreamingHttpResponse(chunks, content_type=exports.CSV_MEDIA_TYPE)
        response["Content-Disposition"] = f'attachment; filename="{filename}.csv"'
        return response


def deferred(source: Callable[[], Iterable[T]]) -> Iterator[T]:
    """`source()`'s rows, asked for only when the first row is: a page builds its table's CSV stream
    without running the query behind it unless the CSV is what was asked for."""
    yield from source()


def columns(*specs: str) -> list[Column]:
    """`columns("province_code", "price_cny:money")`: a key and an optional kind after a colon."""
    parsed = []
    for spec in specs:
        key, _, kind = spec.partition(":")
        parsed.append(Column(key, kind or "text"))
    return parsed
