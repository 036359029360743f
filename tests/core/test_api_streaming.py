"""The tier list's CSV/XLSX exports stream: rows are read a chunk at a time, written by core.exports."""

from __future__ import annotations

import io
from decimal import Decimal

import openpyxl
import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from core import exports
from core.api.base import exports as base_exports
from tests.factories import PlanFactory, TierFactory
from tests.responses import body

pytestmark = pytest.mark.django_db


@pytest.fixture
def five_tiers(db):
    plan = PlanFactory()
    return [TierFactory(plan=plan, validity_days=days, price_cny=Decimal(f"{days}0.00")) for days in (1, 2, 3, 4, 5)]


def test_the_tier_csv_export_streams_in_chunks_with_every_row(five_tiers, viewer_client, monkeypatch):
    monkeypatch.setattr(base_exports, "EXPORT_CHUNK_ROWS", 2)
    response = viewer_client.get("/api/v1/tiers/", {"format": "csv", "plan": five_tiers[0].plan_id})
    assert response.streaming
    assert response["Content-Type"] == exports.CSV_MEDIA_TYPE
    assert response["Content-Disposition"].startswith('attachment; filename="tiers-')
    with CaptureQueriesContext(connection) as captured:
        text = body(response).decode("utf-8-sig")
    lines = text.splitlines()
    assert lines[0].startswith("id,plan,plan_name")
    prices = [line.split(",")[lines[0].split(",").index("price_cny")] for line in lines[1:]]
    assert prices == ["10.00", "20.00", "30.00", "40.00", "50.00"]
    assert len(captured) == 1  # the rows, read as the body is sent (the count ran before)


def test_the_tier_xlsx_export_streams_a_typed_workbook(five_tiers, viewer_client):
    response = viewer_client.get("/api/v1/tiers/", {"format": "xlsx", "plan": five_tiers[0].plan_id})
    assert response.streaming
    sheet = openpyxl.load_workbook(io.BytesIO(body(response))).active
    header = [cell.value for cell in sheet[1]]
    prices = [row[header.index("price_cny")] for row in sheet.iter_rows(min_row=2, values_only=True)]
    assert prices == [10, 20, 30, 40, 50]
    assert sheet.title == "tiers"


def test_csv_chunks_write_what_csv_text_writes():
    rows = [[f"=cmd{n}", Decimal("1.50"), None, True] for n in range(1201)]
    chunks = list(exports.csv_chunks(header=["a", "b", "c", "d"], rows=rows))
    assert len(chunks) == 3  # 500 rows a chunk, and the rest
    assert "".join(chunks) == exports.csv_text(header=["a", "b", "c", "d"], rows=rows)
    assert chunks[0].splitlines()[1] == "'=cmd0,1.50,,true"
