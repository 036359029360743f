"""Every door that writes a spreadsheet (API, pages, audit, admin export, CLI) writes formula-like text as text."""

from __future__ import annotations

import csv
import io
from decimal import Decimal

import openpyxl
import pytest
from django.core.management import call_command
from django.test import Client

from core.admin import EXPORT_FORMATS, SafeCSV, SafeXLSX
from core.audit import audit_csv, audit_entries
from core.exports import BOM
from plans.admin import PlanAdmin
from plans.models import Plan
from plans.resources import PlanResource
from tests.factories import AnalystFactory, PlanFactory, TierFactory
from tests.responses import body

PAYLOAD = '=HYPERLINK("http://evil.example","click")'


def csv_rows(content: bytes | str) -> list[list[str]]:
    text = content.decode("utf-8") if isinstance(content, bytes) else content
    assert text.startswith(BOM)
    return list(csv.reader(io.StringIO(text.removeprefix(BOM), newline="")))


def column(rows: list[list[str]], name: str) -> list[str]:
    index = rows[0].index(name)
    return [row[index] for row in rows[1:]]


@pytest.fixture
def poisoned(db):
    """A plan and a 7-day tier whose names and notes a hostile copy-paste filled with a formula."""
    plan = PlanFactory(name_zh=PAYLOAD)
    return TierFactory(plan=plan, validity_days=7, price_cny=Decimal("50.00"), notes=PAYLOAD)


def test_the_api_csv_writes_a_formula_as_text(poisoned, viewer_client):
    response = viewer_client.get("/api/v1/tiers/?format=csv")

    assert column(csv_rows(body(response)), "notes") == ["'" + PAYLOAD]


def test_the_api_xlsx_writes_a_formula_as_a_string_cell(poisoned, viewer_client):
    response = viewer_client.get("/api/v1/tiers/?format=xlsx")

    sheet = openpyxl.load_workbook(io.BytesIO(body(response))).active
    header = [cell.value for cell in next(sheet.iter_rows(max_row=1))]
    cell = next(sheet.iter_rows(min_row=2, max_row=2))[header.index("notes")]
    assert (cell.value, cell.data_type) == (PAYLOAD, "s")


def test_the_api_csv_keeps_prices_as_numbers(poisoned, viewer_client):
    response = viewer_client.get("/api/v1/tiers/?format=csv")

    assert column(csv_rows(body(response)), "price_cny") == ["50.00"]


def test_a_page_table_csv_writes_a_formula_as_text(poisoned):
    client = Client()
    client.force_login(AnalystFactory())

    response = client.get("/compare/plans/?format=csv&table=plans")

    assert column(csv_rows(body(response)), "plan_name_zh") == ["'" + PAYLOAD]


def test_the_audit_csv_writes_a_formula_as_text(poisoned):
    text = audit_csv(audit_entries(model_labels=["plans.tier"]))

    assert "'" + PAYLOAD in column(csv_rows(text), "new")


def test_the_admin_exports_only_through_the_one_writer():
    assert [SafeCSV, SafeXLSX] == EXPORT_FORMATS
    assert PlanAdmin.export_formats == EXPORT_FORMATS


def test_the_admin_csv_export_writes_a_formula_as_text(poisoned):
    dataset = PlanResource().export(queryset=Plan.objects.all())

    rows = csv_rows(SafeCSV().export_data(dataset))

    assert column(rows, "name_zh") == ["'" + PAYLOAD]


def test_the_admin_xlsx_export_writes_a_formula_as_a_string_cell(poisoned):
    dataset = PlanResource().export(queryset=Plan.objects.all())

    sheet = openpyxl.load_workbook(io.BytesIO(SafeXLSX().export_data(dataset))).active
    header = [cell.value for cell in next(sheet.iter_rows(max_row=1))]
    cell = next(sheet.iter_rows(min_row=2, max_row=2))[header.index("name_zh")]
    assert (cell.value, cell.data_type) == (PAYLOAD, "s")


def test_the_benchmark_table_command_writes_a_formula_as_text(poisoned):
    call_command("recompute_benchmarks", verbosity=0)
    out = io.StringIO()

    call_command("benchmark_table", bucket="1-7", format="csv", stdout=out)

    assert column(csv_rows(out.getvalue()), "plan_name_zh") == ["'" + PAYLOAD]
