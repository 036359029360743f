"""The one CSV/XLSX writer: encoding, cell spelling, and formula-like text written as text everywhere."""

from __future__ import annotations

import csv
import datetime
import io
from decimal import Decimal

import openpyxl
import pytest

from core import exports

FORMULAS = ['=HYPERLINK("http://x")', "+1+2", "-2+3+cmd|' /C calc'!A0", "@SUM(A1:A2)", "\t=1", "\r=1"]


@pytest.mark.parametrize("payload", FORMULAS)
def test_a_formula_like_text_cell_gets_an_apostrophe_in_csv(payload):
    text = exports.csv_text(header=["notes"], rows=[[payload]])

    rows = list(csv.reader(io.StringIO(text.removeprefix(exports.BOM), newline="")))
    assert rows[1] == ["'" + payload]


def test_numbers_stay_numbers_in_csv():
    text = exports.csv_text(header=["a", "b", "c", "d"], rows=[[Decimal("-5.00"), -3, "-1.50", "+2"]])

    assert text == "\ufeffa,b,c,d\r\n-5.00,-3,-1.50,+2\r\n"


def test_csv_spells_null_booleans_dates_and_decimals_as_the_api_does():
    text = exports.csv_text(
        header=["none", "yes", "no", "day", "price"],
        rows=[[None, True, False, datetime.date(2025, 5, 1), Decimal("1E+1")]],
    )

    assert text.splitlines()[1] == ",true,false,2025-05-01,10"


def test_csv_starts_with_a_byte_order_mark_and_ends_lines_with_crlf():
    text = exports.csv_text(header=["名称"], rows=[["熊猫卡"]])

    assert text == "\ufeff名称\r\n熊猫卡\r\n"


def _xlsx_cells(payload: bytes) -> list[list[openpyxl.cell.Cell]]:
    sheet = openpyxl.load_workbook(io.BytesIO(payload)).active
    return [list(row) for row in sheet.iter_rows()]


@pytest.mark.parametrize("payload", ["=1+2", '=HYPERLINK("http://x")', "@SUM(A1)", "-2+3"])
def test_a_formula_like_text_cell_opens_as_text_in_xlsx(payload):
    cells = _xlsx_cells(exports.xlsx_bytes([exports.Sheet(title="t", header=["notes"], rows=[[payload]])]))

    cell = cells[1][0]
    assert (cell.value, cell.data_type, cell.quotePrefix) == (payload, "s", True)


def test_numbers_stay_numbers_in_xlsx():
    sheet = exports.Sheet(title="t", header=["price"], rows=[[Decimal("-5.00")]], number_formats={0: "0.00"})

    cell = _xlsx_cells(exports.xlsx_bytes([sheet]))[1][0]

    assert (cell.value, cell.data_type, cell.number_format) == (-5, "n", "0.00")


def test_a_sheet_title_loses_the_characters_excel_refuses():
    assert exports.sheet_title("a/b:c*d?e[f]g\\h" * 3) == "a-b-c-d-e-f-g-ha-b-c-d-e-f-g-ha"


def test_an_export_filename_is_ascii_and_dated():
    assert exports.export_filename("套餐 tiers", "csv", day=datetime.date(2026, 12, 1)) == "tiers-2026-12-01.csv"
