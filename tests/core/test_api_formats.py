"""The shared CSV/XLSX renderers and the one error body, tested without the domain views."""

from __future__ import annotations

import io
from decimal import Decimal

import openpyxl
from django.core.exceptions import ValidationError as DjangoValidationError
from rest_framework import exceptions

from core.api.errors import api_exception_handler, error_items
from core.api.renderers import CSVRenderer, XLSXRenderer, flatten, table_rows
from tests.responses import body


def test_it_flattens_nested_objects_and_lists_into_one_row():
    row = {
        "id": 1,
        "plan": {"name": "熊猫卡", "branch": {"code": "31"}},
        "perks": ["来电显示", "同声译"],
        "m": [{"a": 1}],
    }

    assert flatten(row) == {
        "id": 1,
        "plan.name": "熊猫卡",
        "plan.branch.code": "31",
        "perks": "来电显示; 同声译",
        "m": '[{"a": 1}]',
    }


def test_it_finds_the_rows_of_a_page_a_list_or_one_object():
    page = {"count": 2, "next": None, "previous": None, "results": [{"a": 1}, {"a": 2}]}

    assert table_rows(page) == [{"a": 1}, {"a": 2}]
    assert table_rows([{"a": 1}]) == [{"a": 1}]
    assert table_rows({"a": 1}) == [{"a": 1}]
    assert table_rows(None) == []


def test_it_writes_csv_with_a_bom_chinese_intact_and_json_like_cells():
    data = [{"name": "上海移动", "price": "90.00", "data": None, "current": True}]

    content = CSVRenderer().render(data)

    assert content.startswith(b"\xef\xbb\xbf")
    assert content.decode("utf-8-sig") == "name,price,data,current\r\n上海移动,90.00,,true\r\n"


def test_it_writes_xlsx_cells_without_control_characters():
    data = [{"name": "熊猫\x1b卡", "price": "90.00"}]

    workbook = openpyxl.load_workbook(io.BytesIO(XLSXRenderer().render(data)))

    sheet = workbook.active
    assert [cell.value for cell in sheet[1]] == ["name", "price"]
    assert [cell.value for cell in sheet[2]] == ["熊猫卡", "90.00"]  # no serializer: strings stay strings


def test_it_names_every_nested_field_in_the_error_items():
    detail = {
        "price_cny": [exceptions.ErrorDetail("A valid number is required.", code="invalid")],
        "milestones": [{}, {"happened_on": [exceptions.ErrorDetail("Date has wrong format.", code="invalid")]}],
        "non_field_errors": [exceptions.ErrorDetail("Two fields disagree.", code="invalid")],
    }

    assert list(error_items(detail)) == [
        {"field": "price_cny", "message": "A valid number is required.", "code": "invalid"},
        {"field": "milestones.1.happened_on", "message": "Date has wrong format.", "code": "invalid"},
        {"field": None, "message": "Two fields disagree.", "code": "invalid"},
    ]


def test_it_turns_a_services_django_validation_error_into_a_400_naming_the_field():
    error = DjangoValidationError({"price_cny": ["The price cannot be negative."], "__all__": ["Not both."]})

    response = api_exception_handler(error, {})

    assert response.status_code == 400
    assert response.data == {
        "detail": "price_cny: The price cannot be negative. (and 1 more)",
        "errors": [
            {"field": "price_cny", "message": "The price cannot be negative.", "code": "invalid"},
            {"field": None, "message": "Not both.", "code": "invalid"},
        ],
    }


def test_it_leaves_real_server_errors_to_django():
    assert api_exception_handler(ZeroDivisionError(), {}) is None


def test_it_keeps_decimal_columns_numeric_in_xlsx(seed, viewer_client):
    response = viewer_client.get("/api/v1/tiers/", {"province": "36", "format": "xlsx"})

    sheet = openpyxl.load_workbook(io.BytesIO(body(response))).active
    header = [cell.value for cell in sheet[1]]
    row = dict(zip(header, sheet[2], strict=True))
    assert row["price_cny"].value == Decimal("70")  # a number Excel can sum, not the text "70.00"
    assert row["price_cny"].number_format == "0.00"
    assert row["branch_name"].value == "江西移动"
    assert sheet.title == "tiers"


def test_it_answers_an_unknown_format_with_a_400_naming_format(db, viewer_client):
    response = viewer_client.get("/api/v1/operators/", {"format": "pdf"})

    assert response.status_code == 400
    assert response["Content-Type"] == "application/json"
    assert response.json()["errors"][0]["field"] == "format"
    assert response.json()["errors"][0]["code"] == "invalid"


def test_it_answers_a_wrong_method_with_the_error_body(db, analyst_client):
    response = analyst_client.put("/api/v1/operators/", {}, format="json")

    assert response.status_code == 405
    assert response.json() == {
        "detail": 'Method "PUT" not allowed.',
        "errors": [{"field": None, "message": 'Method "PUT" not allowed.', "code": "method_not_allowed"}],
    }


def test_it_answers_an_unsupported_body_type_with_415(db, analyst_client):
    response = analyst_client.post("/api/v1/perks/", "name_zh=x", content_type="text/plain")

    assert response.status_code == 415
    assert response.json()["errors"][0]["code"] == "unsupported_media_type"
