"""plans.importing.reading: the one reader both import doors use (no database needed)."""

from __future__ import annotations

import io

import pytest
from openpyxl import Workbook

from plans.importing import FileRejected, read_table, tier_import


def xlsx(rows: list[list[object]], *, formatted_to_row: int = 0) -> bytes:
    workbook = Workbook()
    sheet = workbook.active
    for row in rows:
        sheet.append(row)
    if formatted_to_row:
        sheet.cell(row=formatted_to_row, column=8).number_format = "0.00"  # Excel's "used range" grows
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def rejected(content: bytes, filename: str = "t.csv") -> FileRejected:
    with pytest.raises(FileRejected) as error:
        read_table(content, filename=filename)
    return error.value


def test_it_numbers_records_by_the_physical_line_they_start_on():
    content = b'plan,price_cny,notes\n1,10,"two\nlines"\n\n2,20,\r\n3,30,"a\r\nb\r\nc"\n4,40,\n'

    table = read_table(content, filename="t.csv")

    assert [line for line, _ in table.rows] == [2, 5, 6, 9]
    assert table.rows[0][1]["notes"] == "two\nlines"


@pytest.mark.parametrize(("separator", "name"), [(";", "“;”"), ("\t", "tab")])
def test_it_detects_a_semicolon_or_tab_separator_from_the_header(separator, name):
    content = (
        separator.join(["plan", "price_cny", "notes"]).encode() + b"\n" + separator.join(["1", "85,5", "x"]).encode()
    )

    table = read_table(content, filename="t.csv")

    assert table.delimiter == separator
    assert table.rows == [(2, {"plan": "1", "price_cny": "85,5", "notes": "x"})]
    assert table.notices == [f"Columns are separated by {name} (detected from the header line)."]


def test_it_refuses_a_header_that_mixes_separators():
    error = rejected(b"plan;price_cny,notes\n")

    assert (error.line, "mixes separators (1 × “;”, 1 × “,”)" in error.message) == (1, True)


def test_it_names_a_repeated_header_column():
    assert rejected(b"plan,Price_CNY,price_cny\n1,2,3\n").message == "The header names a column twice: price_cny."


def test_it_names_utf16_text_as_excels_unicode_text():
    error = rejected("plan\tprice_cny\n1\t85\n".encode("utf-16"))

    assert "UTF-16" in error.message and "Unicode Text" in error.message


def test_it_counts_blank_rows_against_the_limit_before_any_row_is_kept(settings):
    settings.TIER_IMPORT_MAX_ROWS = 3
    assert len(read_table(b"plan\n1\n\n2\n", filename="t.csv").rows) == 2

    error = rejected(b"plan\n1\n\n\n2\n")

    assert error.message.startswith("The file has more than 3 rows after the header (blank rows count too)")


def test_it_refuses_an_xlsx_whose_declared_rows_pass_the_limit_without_reading_them(settings):
    settings.TIER_IMPORT_MAX_ROWS = 10

    error = rejected(xlsx([["plan"], [1]], formatted_to_row=50), filename="t.xlsx")

    assert error.message.startswith("The file has more than 10 rows")


def test_it_ignores_empty_trailing_cells_and_pads_short_rows():
    content = xlsx([["plan", "price_cny", "notes"], [1, 85], [2, 90, "x"]], formatted_to_row=3)

    table = read_table(content, filename="t.xlsx")

    assert table.rows == [
        (2, {"plan": "1", "price_cny": "85", "notes": ""}),
        (3, {"plan": "2", "price_cny": "90", "notes": "x"}),
    ]


def test_it_names_the_line_with_too_many_values():
    error = rejected(b"plan,price_cny\n1,2\n3,4,5\n")

    assert (error.line, error.message) == (3, "Line 3 has 3 values but the header has 2 columns.")


def test_it_refuses_a_broken_workbook_with_a_message():
    error = rejected(b"PK\x03\x04 not really a zip", filename="t.xlsx")

    assert error.message.startswith("The file is not a valid XLSX workbook")


@pytest.mark.django_db
def test_a_file_over_the_row_limit_is_refused_before_the_database_is_asked_anything(
    settings, django_assert_num_queries
):
    settings.TIER_IMPORT_MAX_ROWS = 2
    content = b"plan,validity_days,price_cny\n1,7,85\n\n1,15,120\n"

    with django_assert_num_queries(0):
        result = tier_import(content=content, filename="t.csv", actor=None)

    assert [str(error) for error in result.errors] == [
        "The file has more than 2 rows after the header (blank rows count too); "
        "split it into smaller files or delete the empty rows."
    ]
