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


def test_an_export_filename_carries_its_filters_in_order_and_skips_empty_ones():
    name = exports.export_filename(
        "benchmarks-per-gb",
        "xlsx",
        day=datetime.date(2026, 12, 1),
        filters={"bucket": "30+", "operator": "cmcc", "province": None, "include-from": True, "all": False},
    )

    assert name == "benchmarks-per-gb-bucket-30plus-operator-cmcc-include-from-2026-12-01.xlsx"


def test_a_cjk_character_takes_two_cells_of_width():
    assert (exports.text_width("北京移动"), exports.text_width("Beijing"), exports.text_width(Decimal("3.33"))) == (
        8,
        7,
        4,
    )


def _workbook(sheets: list[exports.Sheet]) -> openpyxl.Workbook:
    return openpyxl.load_workbook(io.BytesIO(exports.xlsx_bytes(sheets)))


def test_an_xlsx_sheet_has_an_autofilter_over_its_header_and_rows():
    rows = [["北京移动", Decimal("3.33")], ["上海电信", None], ["江西移动", Decimal("2.33")]]

    (sheet,) = _workbook(
        [exports.Sheet(title="t", header=["branch_name_zh", "price_per_gb_cny"], rows=rows)]
    ).worksheets

    assert (sheet.auto_filter.ref, sheet.freeze_panes) == ("A1:B4", "A2")


def test_an_xlsx_sheet_can_go_without_an_autofilter():
    (sheet,) = _workbook([exports.Sheet(title="about", header=["name", "value"], rows=[], autofilter=False)]).worksheets

    assert sheet.auto_filter.ref is None


def test_xlsx_columns_are_as_wide_as_their_longest_sampled_cell_within_bounds():
    rows = [["深圳外籍来宾短期卡", "x", "y" * 200]]

    (sheet,) = _workbook([exports.Sheet(title="t", header=["plan_name_zh", "a", "notes"], rows=rows)]).worksheets

    widths = [sheet.column_dimensions[letter].width for letter in "ABC"]
    assert widths == [len("深圳外籍来宾短期卡") * 2 + 2, exports.MIN_WIDTH, exports.MAX_WIDTH]


def test_xlsx_widths_look_at_a_sample_only_and_every_row_is_still_written():
    rows = [["a"]] * exports.WIDTH_SAMPLE_ROWS + [["a much longer value than the sample had"]]

    (sheet,) = _workbook([exports.Sheet(title="t", header=["v"], rows=iter(rows))]).worksheets

    assert (sheet.column_dimensions["A"].width, sheet.max_row) == (exports.MIN_WIDTH, exports.WIDTH_SAMPLE_ROWS + 2)


def test_xlsx_text_that_looks_like_a_number_or_a_link_stays_text():
    cells = _xlsx_cells(
        exports.xlsx_bytes([exports.Sheet(title="t", header=["a", "b"], rows=[["0012", "https://example.org/x"]])])
    )

    assert [(cell.value, cell.data_type, cell.hyperlink) for cell in cells[1]] == [
        ("0012", "s", None),
        ("https://example.org/x", "s", None),
    ]


def test_xlsx_dates_without_a_number_format_show_as_dates():
    rows = [[datetime.date(2026, 12, 1), datetime.datetime(2026, 12, 1, 9, 30)]]

    cells = _xlsx_cells(exports.xlsx_bytes([exports.Sheet(title="t", header=["day", "at"], rows=rows)]))

    assert [(cell.value, cell.number_format) for cell in cells[1]] == [
        (datetime.datetime(2026, 12, 1), "yyyy-mm-dd"),
        (datetime.datetime(2026, 12, 1, 9, 30), "yyyy-mm-dd h:mm:ss"),
    ]


def test_xlsx_sheets_of_one_title_are_numbered():
    sheets = [exports.Sheet(title="data", header=["a"], rows=[]), exports.Sheet(title="Data", header=["a"], rows=[])]

    assert _workbook(sheets).sheetnames == ["data", "Data1"]
