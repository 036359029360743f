"""/api/v1/tiers/: the seed's Table 1 rows, filtered, ordered, computed, exported and written."""

from __future__ import annotations

import datetime
import io
from decimal import Decimal
from typing import Any

import pandas as pd
import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from rest_framework.test import APIClient

from plans.models import Tier
from tests.factories import AnalystFactory, BranchFactory, PlanFactory, SourceFactory, TierFactory
from tests.responses import body

Row = tuple[str, str, int, str]


def rows(response: Any) -> list[dict[str, Any]]:
    assert response.status_code == 200, response.json()
    return response.json()["results"]


def keys(response: Any) -> set[Row]:
    """(branch, plan, validity, price) of every row: the way an analyst reads Table 1."""
    return {(r["branch_name"], r["plan_name"], r["validity_days"], r["price_cny"]) for r in rows(response)}


SHANGHAI: set[Row] = {
    ("上海移动", "熊猫卡", 7, "90.00"),
    ("上海移动", "熊猫卡", 15, "130.00"),
    ("上海移动", "熊猫卡", 30, "200.00"),
    ("上海移动", "首日3GB免费流量体验卡", 1, "0.00"),
    ("上海移动", "龙腾随心行轻享包", 30, "8.90"),
    ("上海移动", "吃货卡", 30, "5.00"),
    ("上海电信", "中国电信短期卡", 7, "85.00"),
    ("上海电信", "中国电信短期卡", 15, "125.00"),
    ("上海电信", "中国电信短期卡", 30, "195.00"),
}


# --------------------------------------------------------------------------- filters on the seed
#
# Loading the seed takes seconds, so the read-only filter checks share one load: each case is
# (query, the exact rows it must give), and a failure names its query.

SEED_FILTERS: list[tuple[dict[str, Any], set[Row]]] = [
    ({"province": "31"}, SHANGHAI),
    (
        {"operator": "cucc", "bucket": "1-7"},
        {("深圳联通", "深圳外籍来宾短期卡", 7, "79.00"), ("浙江联通", "表1 浙江联通 第15-17行套餐", 7, "50.00")},
    ),
    ({"operator": "ctcc", "province": "31"}, {row for row in SHANGHAI if row[0] == "上海电信"}),
    ({"validity_days": "11"}, {("深圳联通", "深圳外籍来宾短期卡", 11, "109.00")}),
    (
        {"validity_days_min": "8", "validity_days_max": "14"},
        {("北京移动", "灵动卡", 10, "120.00"), ("深圳联通", "深圳外籍来宾短期卡", 11, "109.00")},
    ),
    ({"bucket": "8-14"}, {("北京移动", "灵动卡", 10, "120.00"), ("深圳联通", "深圳外籍来宾短期卡", 11, "109.00")}),
    (
        {"price_min": "100", "price_max": "150", "data_min": "40", "data_max": "50"},
        {
            ("北京移动", "灵动卡", 15, "150.00"),
            ("上海移动", "熊猫卡", 15, "130.00"),
            ("深圳联通", "深圳外籍来宾短期卡", 15, "100.00"),
            ("浙江联通", "表1 浙江联通 第15-17行套餐", 30, "150.00"),
        },
    ),
    ({"is_promotional": "true"}, {("上海移动", "首日3GB免费流量体验卡", 1, "0.00")}),
    (
        {"confidence": "confirmed"},
        {
            ("北京移动", "灵动卡", 7, "100.00"),
            ("上海移动", "熊猫卡", 7, "90.00"),
            ("上海电信", "中国电信短期卡", 7, "85.00"),
            ("上海电信", "中国电信短期卡", 15, "125.00"),
            ("上海电信", "中国电信短期卡", 30, "195.00"),
            ("浙江联通", "浙江旅游卡", 15, "159.00"),
            ("深圳联通", "深圳外籍来宾短期卡", 15, "100.00"),
        },
    ),
    ({"q": "熊猫"}, {row for row in SHANGHAI if row[1] == "熊猫卡"}),
    ({"q": "panda card"}, {row for row in SHANGHAI if row[1] == "熊猫卡"}),
    ({"q": "China Mobile Jiangxi"}, {("江西移动", "畅行卡", 7, "70.00")}),
    ({"current": "false"}, set()),  # every seed tier is in effect today: none scheduled, none ended
    ({"in_effect_on": "2025-05-01", "province": "36"}, {("江西移动", "畅行卡", 7, "70.00")}),
]


def test_it_returns_exactly_the_expected_seed_rows_for_each_filter(seed, viewer_client: APIClient):
    for query, expected in SEED_FILTERS:
        response = viewer_client.get("/api/v1/tiers/", {**query, "page_size": 100})
        assert keys(response) == expected, query


def test_it_orders_by_computed_and_stored_columns_and_pages(seed, viewer_client: APIClient):
    by_per_gb = rows(viewer_client.get("/api/v1/tiers/", {"ordering": "price_per_gb_cny", "page_size": 100}))
    by_price = rows(viewer_client.get("/api/v1/tiers/", {"ordering": "-price_cny", "page_size": 3}))
    first = viewer_client.get("/api/v1/tiers/", {"page_size": 5}).json()
    second = viewer_client.get("/api/v1/tiers/", {"page_size": 5, "page": 2}).json()
    huge = viewer_client.get("/api/v1/tiers/", {"page_size": 10**6}).json()

    per_gb = [row["price_per_gb_cny"] for row in by_per_gb]
    defined = [Decimal(value) for value in per_gb if value is not None]
    assert per_gb[:3] == ["0.00", "1.67", "2.00"]
    assert defined == sorted(defined)
    assert per_gb[len(defined) :] == [None] * 5  # 2 perk packs and 上海电信's 3 tiers: data not stated
    assert [row["price_cny"] for row in by_price] == ["259.00", "250.00", "200.00"]
    assert first["count"] == 23
    assert len(first["results"]) == 5
    assert {r["id"] for r in first["results"]}.isdisjoint({r["id"] for r in second["results"]})
    assert len(huge["results"]) == 23  # capped at StandardPagination.max_page_size, not refused


# --------------------------------------------------------------------------- computed columns


def test_it_computes_per_gb_per_day_and_per_30_days_rounded_half_up(seed, viewer_client: APIClient):
    (row,) = rows(viewer_client.get("/api/v1/tiers/", {"q": "灵动卡", "validity_days": 7}))
    (no_data,) = rows(viewer_client.get("/api/v1/tiers/", {"operator": "ctcc", "validity_days": 7}))
    (free,) = rows(viewer_client.get("/api/v1/tiers/", {"is_promotional": "true"}))

    assert row["price_cny"] == "100.00"
    assert row["data_gb"] == "30.000"
    assert row["price_per_gb_cny"] == "3.33"
    assert row["price_per_gb_undefined_reason"] is None
    assert row["price_per_day_cny"] == "14.29"
    assert row["price_per_30_days_cny"] == "428.57"
    assert row["validity_bucket"] == "1-7"
    assert (row["operator_code"], row["province_code"]) == ("cmcc", "11")
    assert (row["plan_name"], row["plan_name_en"]) == ("灵动卡", "Smart Card")
    assert (row["branch_name"], row["branch_name_en"]) == ("北京移动", "China Mobile Beijing")
    assert row["is_current"] is True
    assert "免签政策红利下" in row["source_citation"]
    # 上海电信 states no data: per-GB is undefined, not guessed.
    assert (no_data["data_gb"], no_data["price_per_gb_cny"]) == (None, None)
    assert no_data["price_per_gb_undefined_reason"] == "data_unknown"
    assert no_data["price_per_day_cny"] == "12.14"
    assert free["price_per_gb_cny"] == "0.00"


def test_it_reports_unlimited_data_as_undefined_per_gb(viewer_client: APIClient, db):
    tier = TierFactory(data_gb=None, data_unlimited=True, price_cny=Decimal("99"))

    row = viewer_client.get(f"/api/v1/tiers/{tier.pk}/").json()

    assert (row["data_unlimited"], row["price_per_gb_cny"]) == (True, None)
    assert row["price_per_gb_undefined_reason"] == "data_unlimited"


# --------------------------------------------------------------------------- unknown filter values


@pytest.mark.parametrize(
    ("query", "field"),
    [
        ({"province": "9;"}, "province"),
        ({"operator": "x yz"}, "operator"),
        ({"bucket": "5-9"}, "bucket"),
        ({"validity_days": "abc"}, "validity_days"),
        ({"price_min": "cheap"}, "price_min"),
        ({"in_effect_on": "2025-13-01"}, "in_effect_on"),
        ({"current": "maybe"}, "current"),
        ({"is_promotional": "perhaps"}, "is_promotional"),
        ({"confidence": "likely"}, "confidence"),
        ({"ordering": "colour"}, "ordering"),
        ({"plan": "0"}, "plan"),
        ({"operator": "cm\x00cc"}, "operator"),
    ],
)
def test_it_refuses_an_unknown_filter_value_with_400_naming_it(
    current_tier: Tier, viewer_client: APIClient, query: dict[str, str], field: str
):
    response = viewer_client.get("/api/v1/tiers/", query)

    assert response.status_code == 400
    body = response.json()
    assert [error["field"] for error in body["errors"]] == [field]
    assert body["detail"].startswith(f"{field}: ")


@pytest.mark.parametrize(
    ("query", "field", "message"),
    [
        ({"province": "99"}, "province", "No province with code 99."),
        ({"operator": "xyz"}, "operator", "No operator with code xyz."),
        ({"plan": "999999"}, "plan", "No plan with id 999999."),
    ],
)
def test_it_answers_a_filter_naming_no_row_with_404_naming_it(
    current_tier: Tier, viewer_client: APIClient, query: dict[str, str], field: str, message: str
):
    response = viewer_client.get("/api/v1/tiers/", query)

    assert response.status_code == 404
    assert response.json()["errors"] == [{"field": field, "message": message, "code": "does_not_exist"}]


# --------------------------------------------------------------------------- price history and dates


def test_it_supersedes_a_current_tier_when_its_price_changes(seed, analyst, analyst_client: APIClient):
    old = Tier.objects.get(plan__name_zh="熊猫卡", validity_days=7)
    printed = SourceFactory(title="7月资费")

    response = analyst_client.patch(
        f"/api/v1/tiers/{old.pk}/",
        {"price_cny": "95.00", "effective_on": "2025-07-01", "source": printed.pk, "reason": "July price list"},
        format="json",
        HTTP_IF_MATCH='"1"',
    )

    assert response.status_code == 200
    new = response.json()
    assert new["id"] != old.pk
    assert (new["price_cny"], new["effective_from"], new["is_current"]) == ("95.00", "2025-07-01", True)
    assert (new["source"], new["confidence"], new["notes"], new["version"]) == (printed.pk, "confirmed", "", 1)
    # The body is the new tier: Content-Location names it and the ETag is its version.
    assert response["Content-Location"] == f"http://testserver/api/v1/tiers/{new['id']}/"
    assert response["ETag"] == '"1"'
    old.refresh_from_db()
    assert (old.price_cny, old.effective_to, old.version) == (Decimal("90.00"), datetime.date(2025, 7, 1), 2)
    assert old.history.latest().history_user == analyst
    created = Tier.objects.get(pk=new["id"]).history.earliest()
    assert (created.history_user, created.history_change_reason) == (analyst, "July price list")


def test_it_refuses_a_new_price_without_its_source(seed, analyst_client: APIClient):
    old = Tier.objects.get(plan__name_zh="熊猫卡", validity_days=7)
    before = snapshot()

    response = analyst_client.patch(
        f"/api/v1/tiers/{old.pk}/", {"price_cny": "95.00"}, format="json", HTTP_IF_MATCH='"1"'
    )

    assert response.status_code == 400
    assert response.json()["errors"] == [
        {
            "field": "source",
            "message": "A new price is a new observation: name the source that printed it.",
            "code": "source_required",
        }
    ]
    assert snapshot() == before


def test_it_refuses_an_ordinary_edit_of_a_tier_that_is_history_and_takes_a_correction(analyst_client: APIClient, db):
    ended = TierFactory(
        validity_days=7, effective_from=datetime.date(2025, 1, 1), effective_to=datetime.date(2025, 5, 1)
    )
    url = f"/api/v1/tiers/{ended.pk}/"

    edit = analyst_client.patch(
        url, {"price_cny": "99.00", "source": ended.source_id}, format="json", HTTP_IF_MATCH='"1"'
    )
    no_reason = analyst_client.patch(
        url, {"price_cny": "99.00", "correction": True}, format="json", HTTP_IF_MATCH='"1"'
    )
    corrected = analyst_client.patch(
        url, {"price_cny": "99.00", "correction": True, "reason": "表1 prints 99"}, format="json", HTTP_IF_MATCH='"1"'
    )

    assert edit.status_code == 400
    assert edit.json()["errors"] == [
        {
            "field": None,
            "message": "This tier is history (ended 2025-05-01); use a correction to fix a recorded figure.",
            "code": "history",
        }
    ]
    assert no_reason.status_code == 400
    assert no_reason.json()["errors"][0]["field"] == "reason"
    assert corrected.status_code == 200
    assert (corrected.json()["id"], corrected.json()["price_cny"], corrected.json()["version"]) == (
        ended.pk,
        "99.00",
        2,
    )
    assert Tier.objects.get(pk=ended.pk).history.latest().history_change_reason == "Correction: 表1 prints 99"


def test_it_finds_old_and_new_prices_by_date_and_by_currency(seed, analyst_client: APIClient):
    old = Tier.objects.get(plan__name_zh="熊猫卡", validity_days=7)
    analyst_client.patch(
        f"/api/v1/tiers/{old.pk}/",
        {"price_cny": "95.00", "effective_on": "2025-07-01", "source": old.source_id, "version": 1},
    )
    panda_7 = {"q": "熊猫卡", "validity_days": 7}

    before = analyst_client.get("/api/v1/tiers/", {**panda_7, "in_effect_on": "2025-06-30"})
    on_the_day = analyst_client.get("/api/v1/tiers/", {**panda_7, "in_effect_on": "2025-07-01"})
    superseded = analyst_client.get("/api/v1/tiers/", {**panda_7, "current": "false"})
    current = analyst_client.get("/api/v1/tiers/", {**panda_7, "current": "true"})

    assert [r["price_cny"] for r in rows(before)] == ["90.00"]
    assert [r["price_cny"] for r in rows(on_the_day)] == ["95.00"]
    assert [r["price_cny"] for r in rows(superseded)] == ["90.00"]
    assert [r["price_cny"] for r in rows(current)] == ["95.00"]


def test_it_corrects_a_note_in_place(current_tier: Tier, analyst_client: APIClient):
    response = analyst_client.patch(
        f"/api/v1/tiers/{current_tier.pk}/", {"notes": "checked"}, format="json", HTTP_IF_MATCH='"1"'
    )

    assert response.json()["id"] == current_tier.pk
    assert response["ETag"] == '"2"'
    assert "Content-Location" not in response
    assert Tier.objects.get(pk=current_tier.pk).notes == "checked"


# --------------------------------------------------------------------------- versions


def test_it_sends_the_version_as_etag_and_in_the_row(current_tier: Tier, viewer_client: APIClient):
    response = viewer_client.get(f"/api/v1/tiers/{current_tier.pk}/")

    assert response["ETag"] == '"1"'
    assert response.json()["version"] == 1


@pytest.mark.parametrize("method", ["put", "patch", "delete"])
def test_it_refuses_a_write_naming_no_version_with_428(current_tier: Tier, analyst_client: APIClient, method: str):
    before = snapshot()
    body = {"plan": current_tier.plan_id, "validity_days": 7, "price_cny": "50.00", "notes": "x"}

    response = getattr(analyst_client, method)(f"/api/v1/tiers/{current_tier.pk}/", body, format="json")

    assert response.status_code == 428
    assert response.json() == {
        "detail": "Name the version your change is based on: send If-Match with the ETag of your GET (e.g. If-Match: "
        '"3"), or `version` in the body.',
        "errors": [
            {
                "field": None,
                "message": "Name the version your change is based on: send If-Match with the ETag of your GET (e.g. "
                'If-Match: "3"), or `version` in the body.',
                "code": "precondition_required",
            }
        ],
    }
    assert snapshot() == before


@pytest.mark.parametrize(
    ("headers", "body"),
    [({"HTTP_IF_MATCH": '"1"'}, {}), ({"HTTP_IF_MATCH": 'W/"1"'}, {}), ({}, {"version": 1})],
    ids=["if-match", "weak if-match", "body version"],
)
def test_it_refuses_a_stale_version_with_412_and_writes_nothing(
    current_tier: Tier, analyst_client: APIClient, headers: dict[str, str], body: dict[str, Any]
):
    url = f"/api/v1/tiers/{current_tier.pk}/"
    assert analyst_client.patch(url, {"notes": "first"}, format="json", HTTP_IF_MATCH='"1"').status_code == 200
    before = snapshot()

    changed = analyst_client.patch(url, {"notes": "second", **body}, format="json", **headers)
    deleted = analyst_client.delete(url, body, format="json", **headers)

    for response in (changed, deleted):
        assert response.status_code == 412
        assert response.json()["errors"] == [
            {
                "field": None,
                "message": "Someone changed this tier since you opened it (now version 2); reload to see their change.",
                "code": "stale_version",
            }
        ]
    assert snapshot() == before


def test_it_deletes_with_the_current_version(current_tier: Tier, analyst_client: APIClient):
    response = analyst_client.delete(f"/api/v1/tiers/{current_tier.pk}/", HTTP_IF_MATCH='"1"')

    assert response.status_code == 204
    assert not Tier.objects.filter(pk=current_tier.pk).exists()


def test_it_refuses_an_if_match_of_any_version(current_tier: Tier, analyst_client: APIClient):
    response = analyst_client.patch(
        f"/api/v1/tiers/{current_tier.pk}/", {"notes": "x"}, format="json", HTTP_IF_MATCH="*"
    )

    assert response.status_code == 428


def test_it_defaults_a_new_tiers_source_to_its_plans(analyst_client: APIClient, db):
    plan = PlanFactory()

    response = analyst_client.post(
        "/api/v1/tiers/", {"plan": plan.pk, "validity_days": 3, "price_cny": "20"}, format="json"
    )

    assert response.status_code == 201
    assert response.json()["source"] == plan.source_id
    assert response.json()["price_per_day_cny"] == "6.67"


# --------------------------------------------------------------------------- bad writes


@pytest.fixture
def current_tier(db) -> Tier:
    return TierFactory(validity_days=7, price_cny=Decimal("50.00"), data_gb=Decimal("10"))


def snapshot() -> list[tuple[Any, ...]]:
    return [*Tier.objects.order_by("pk").values_list(), ("history", Tier.history.count())]


def test_it_refuses_a_new_tier_of_an_unknown_plan_with_404_naming_it_and_writes_nothing(
    current_tier: Tier, analyst_client: APIClient
):
    before = snapshot()

    response = analyst_client.post("/api/v1/tiers/", {"plan": 999999, "validity_days": 15, "price_cny": "80.00"})

    assert response.status_code == 404
    assert response.json()["errors"] == [
        {"field": "plan", "message": 'Invalid pk "999999" - object does not exist.', "code": "does_not_exist"}
    ]
    assert snapshot() == before


@pytest.mark.parametrize(
    ("change", "field", "message"),
    [
        ({"price_cny": "-1"}, "price_cny", "The price cannot be negative."),
        ({"validity_days": 0}, "validity_days", "Validity must be at least 1 day."),
        ({"price_cny": "abc"}, "price_cny", "A valid number is required."),
        ({"data_gb": "-3"}, "data_gb", "Data must be greater than 0 GB; leave it empty when unknown."),
        (
            {"validity_days": 7},
            "effective_from",
            "This period overlaps another tier of this plan with the same validity (¥50.00, undated, open-ended).",
        ),
        ({"intl_voice_min": -5}, "intl_voice_min", "Ensure this value is greater than or equal to 0."),
        (
            {"effective_from": "2025-05-01", "effective_to": "2025-04-01"},
            "effective_to",
            "The end date must be after the start date.",
        ),
    ],
    ids=[
        "negative price",
        "zero validity",
        "text price",
        "negative data",
        "duplicate",
        "minutes",
        "dates",
    ],
)
def test_it_refuses_a_bad_new_tier_with_400_naming_the_field_and_writes_nothing(
    current_tier: Tier, analyst_client: APIClient, change: dict[str, Any], field: str, message: str
):
    payload = {"plan": current_tier.plan_id, "validity_days": 15, "price_cny": "80.00", "data_gb": "20", **change}
    before = snapshot()

    response = analyst_client.post("/api/v1/tiers/", payload, format="json")

    assert response.status_code == 400
    assert {"field": field, "message": message} in [
        {"field": e["field"], "message": e["message"]} for e in response.json()["errors"]
    ]
    assert snapshot() == before


def test_it_refuses_a_bad_price_change_and_keeps_the_tier_as_it_was(current_tier: Tier, analyst_client: APIClient):
    before = snapshot()

    response = analyst_client.patch(
        f"/api/v1/tiers/{current_tier.pk}/",
        {"price_cny": "-5", "source": current_tier.source_id},
        format="json",
        HTTP_IF_MATCH='"1"',
    )

    assert response.status_code == 400
    assert response.json()["errors"][0]["field"] == "price_cny"
    assert snapshot() == before


def test_it_refuses_malformed_json_with_400(current_tier: Tier, analyst_client: APIClient):
    before = snapshot()

    response = analyst_client.post("/api/v1/tiers/", b'{"price_cny": 1', content_type="application/json")

    assert response.status_code == 400
    assert response.json()["errors"][0]["code"] == "parse_error"
    assert response.json()["errors"][0]["field"] is None
    assert snapshot() == before


def test_it_refuses_a_json_list_instead_of_an_object(current_tier: Tier, analyst_client: APIClient):
    response = analyst_client.post("/api/v1/tiers/", [1, 2], format="json")

    assert response.status_code == 400
    assert response.json()["errors"][0]["field"] is None


# --------------------------------------------------------------------------- exports


def json_rows(client: APIClient, query: dict[str, Any]) -> list[dict[str, Any]]:
    return client.get("/api/v1/tiers/", {**query, "page_size": 1000}).json()["results"]


def as_text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def test_it_exports_csv_with_the_json_rows_and_columns(seed, viewer_client: APIClient):
    expected = json_rows(viewer_client, {"province": "31"})

    response = viewer_client.get("/api/v1/tiers/", {"province": "31", "format": "csv"})

    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"].startswith('attachment; filename="tiers-')
    assert response["Content-Disposition"].endswith('.csv"')
    assert body(response).startswith(b"\xef\xbb\xbf")  # the BOM Excel needs to read UTF-8
    frame = pd.read_csv(io.BytesIO(body(response)), encoding="utf-8-sig", dtype=str, keep_default_na=False)
    assert list(frame.columns) == list(expected[0])
    assert frame.to_dict("records") == [{k: as_text(v) for k, v in row.items()} for row in expected]
    assert "熊猫卡" in set(frame["plan_name"])


def test_it_exports_xlsx_with_the_json_rows_and_typed_cells(seed, viewer_client: APIClient):
    expected = json_rows(viewer_client, {"province": "31"})

    response = viewer_client.get("/api/v1/tiers/", {"province": "31", "format": "xlsx"})

    assert response.status_code == 200
    assert response["Content-Type"] == "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    assert response["Content-Disposition"].endswith('.xlsx"')
    frame = pd.read_excel(io.BytesIO(body(response)), dtype=object)
    assert list(frame.columns) == list(expected[0])
    for cells, row in zip(frame.to_dict("records"), expected, strict=True):
        for column, value in row.items():
            cell = cells[column]
            if value is None or value == "":
                assert pd.isna(cell), column
            elif column.endswith(("_cny", "_gb")):
                assert Decimal(str(cell)).quantize(Decimal("0.001")) == Decimal(value), column
            else:
                assert cell == value, column


def test_it_exports_every_filtered_row_not_just_a_page(viewer_client: APIClient, db):
    branch = BranchFactory()
    for number in range(60):
        TierFactory(plan=PlanFactory(branch=branch), validity_days=7 + number % 3)

    response = viewer_client.get("/api/v1/tiers/", {"format": "csv", "page_size": 10})

    frame = pd.read_csv(io.BytesIO(body(response)), encoding="utf-8-sig", dtype=str)
    assert len(frame) == 60


def test_it_exports_the_header_of_an_empty_table(current_tier: Tier, viewer_client: APIClient):
    response = viewer_client.get("/api/v1/tiers/", {"q": "no plan is called this", "format": "csv"})

    text = body(response).decode("utf-8-sig")
    assert text.splitlines() == [text.splitlines()[0]]
    assert text.startswith("id,plan,plan_name,plan_name_en,branch_name")


def test_it_answers_an_export_error_in_json(current_tier: Tier, viewer_client: APIClient):
    response = viewer_client.get("/api/v1/tiers/", {"province": "9;", "format": "csv"})

    assert response.status_code == 400
    assert response["Content-Type"] == "application/json"
    assert response.json()["errors"][0]["field"] == "province"


# --------------------------------------------------------------------------- query counts


def list_queries(client: APIClient, url: str, page_size: int) -> int:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url, {"page_size": page_size})
    assert len(response.json()["results"]) == page_size
    return len(queries)


def test_it_lists_5_or_50_tiers_in_the_same_number_of_queries(
    viewer_client: APIClient, db, django_assert_max_num_queries
):
    for number in range(50):
        TierFactory(plan=PlanFactory(branch=BranchFactory()), validity_days=1 + number % 40)

    five = list_queries(viewer_client, "/api/v1/tiers/", 5)
    with django_assert_max_num_queries(five):
        viewer_client.get("/api/v1/tiers/", {"page_size": 50})
    assert five <= 3  # the size estimate, count, the page (everything joined); the session user is forced


# --------------------------------------------------------------------------- review


def test_it_lets_a_second_analyst_review_a_tier(analyst, analyst_client: APIClient, db):
    author = AnalystFactory(username="author")
    author_client = APIClient()
    author_client.force_authenticate(author)
    created = author_client.post(
        "/api/v1/tiers/", {"plan": PlanFactory().pk, "validity_days": 7, "price_cny": "50"}, format="json"
    ).json()

    by_author = author_client.post(f"/api/v1/tiers/{created['id']}/review/")
    by_second = analyst_client.post(f"/api/v1/tiers/{created['id']}/review/")

    assert by_author.status_code == 400
    assert by_author.json()["errors"][0]["field"] == "reviewed_by"
    assert by_second.status_code == 200
    assert by_second.json()["reviewed_by"] == "analyst"
    assert by_second.json()["reviewed_at"] is not None
    reviewed = analyst_client.get("/api/v1/tiers/", {"reviewed": "true"}).json()["results"]
    awaiting = analyst_client.get("/api/v1/tiers/", {"reviewed": "false"}).json()["results"]
    assert [row["id"] for row in reviewed] == [created["id"]]
    assert created["id"] not in [row["id"] for row in awaiting]
