"""The API keeps its contract at the edges: every refusal is the JSON error body naming what is wrong."""

from __future__ import annotations

import io
import json
from typing import Any

import pytest
from rest_framework.test import APIClient

from core.api.parsers import MAX_JSON_DEPTH
from tests.factories import OperatorFactory

pytestmark = pytest.mark.django_db


def assert_error(response: Any, status: int, field: str | None, fragment: str = "") -> dict[str, Any]:
    assert response.status_code == status, response.content[:500]
    assert response["Content-Type"].startswith("application/json"), response["Content-Type"]
    body = response.json()
    assert set(body) == {"detail", "errors"}, body
    assert body["errors"], body
    assert all(set(item) == {"field", "message", "code"} for item in body["errors"]), body
    assert body["errors"][0]["field"] == field, body
    assert fragment in body["detail"], body
    return body


@pytest.mark.parametrize("value", ["id,", ",id", "id,,code", ",", "-", "id,-"])
def test_an_empty_ordering_term_is_a_400_naming_ordering(viewer_client, value):
    response = viewer_client.get("/api/v1/operators/", {"ordering": value})
    assert_error(response, 400, "ordering", "ordering: ")


def test_a_full_ordering_still_sorts(viewer_client):
    response = viewer_client.get("/api/v1/operators/", {"ordering": "-code,id"})
    assert response.status_code == 200, response.content[:500]


@pytest.mark.parametrize("value", ["null", "abc", "", "0", "-1", "1.5", "1e3", " 5"])
def test_a_page_size_that_is_no_positive_integer_is_a_400_naming_page_size(viewer_client, value):
    response = viewer_client.get("/api/v1/operators/", {"page_size": value})
    assert_error(response, 400, "page_size", "page_size: ")


@pytest.mark.parametrize("value", ["abc", "", "0", "null"])
def test_a_page_that_is_no_positive_integer_is_a_400_naming_page(viewer_client, value):
    response = viewer_client.get("/api/v1/operators/", {"page": value})
    assert_error(response, 400, "page", "page: ")


def test_a_page_past_the_end_is_still_a_404(viewer_client):
    assert_error(viewer_client.get("/api/v1/operators/", {"page": 999}), 404, None)


def test_a_large_page_size_is_capped_not_refused(viewer_client):
    response = viewer_client.get("/api/v1/operators/", {"page_size": 10**6, "page": 1})
    assert response.status_code == 200, response.content[:500]


@pytest.mark.parametrize("value", ["", "null", "html", "api", "CSV"])
def test_a_format_the_list_cannot_answer_is_a_400_naming_format(viewer_client, value):
    response = viewer_client.get("/api/v1/operators/", {"format": value})
    body = assert_error(response, 400, "format", "format: ")
    assert "json, csv, xlsx" in body["detail"], body


def test_a_detail_answers_only_json(viewer_client):
    response = viewer_client.get("/api/v1/operators/1/", {"format": "csv"})
    assert_error(response, 400, "format", "json")


@pytest.mark.parametrize("value", ["json", "csv", "xlsx"])
def test_the_listed_formats_still_answer(viewer_client, value):
    assert viewer_client.get("/api/v1/operators/", {"format": value}).status_code == 200


@pytest.mark.parametrize(
    "path",
    [
        "/api/v1/tiers/99999999999999999999/",
        "/api/v1/tiers/9223372036854775808/",
        "/api/v1/plans/2147483648/",
        "/api/v1/operators/99999999999999999999999999999999999999/",
    ],
)
def test_an_id_that_overflows_the_database_integer_is_a_404(viewer_client, path):
    assert_error(viewer_client.get(path), 404, None)


BIG = "99999999999999999999"


@pytest.mark.parametrize("method", ["get", "put", "patch", "delete", "post"])
@pytest.mark.parametrize(
    "path",
    [f"/api/v1/{name}/{BIG}/" for name in ("tiers", "plans", "operators", "branches", "launches", "perks")]
    + [f"/api/v1/tiers/{BIG}/review/"],
)
def test_every_method_on_an_overflowing_id_is_a_json_404_or_405(analyst_client, method, path):
    response = getattr(analyst_client, method)(path, {}, format="json", HTTP_IF_MATCH='"1"')
    if response.status_code == 405:
        assert response.json()["errors"][0]["code"] == "method_not_allowed"
    else:
        assert_error(response, 404, None)


@pytest.mark.parametrize(
    ("path", "parameter"),
    [
        ("/api/v1/tiers/", "plan"),
        ("/api/v1/tiers/", "branch"),
        ("/api/v1/plans/", "perk"),
        ("/api/v1/launches/", "partner"),
    ],
)
def test_an_overflowing_id_in_a_filter_is_a_400_naming_it(viewer_client, path, parameter):
    assert_error(viewer_client.get(path, {parameter: BIG}), 400, parameter)


def test_an_overflowing_id_in_a_body_is_a_400_naming_the_field(analyst_client):
    response = analyst_client.post("/api/v1/tiers/", {"plan": int(BIG), "source": int(BIG)}, format="json")
    body = assert_error(response, 400, "plan")
    assert "source" in {item["field"] for item in body["errors"]}, body


# --- bodies the server will not read: too large, too deep, too many fields


def test_a_body_over_the_upload_limit_is_a_json_413(analyst_client, settings):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 1000
    body = json.dumps({"name_zh": "运" * 2000, "code": "big"})
    response = analyst_client.generic("POST", "/api/v1/operators/", body, content_type="application/json")
    assert_error(response, 413, None, "1000 bytes")


def test_a_form_body_over_the_upload_limit_is_a_json_413(analyst_client, settings):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 1000
    body = "code=big&name_zh=" + "x" * 2000
    response = analyst_client.generic(
        "POST", "/api/v1/operators/", body, content_type="application/x-www-form-urlencoded"
    )
    assert_error(response, 413, None, "1000 bytes")


def test_a_session_authenticated_body_over_the_limit_is_a_json_413(analyst, settings):
    """Session auth checks CSRF, which reads the form body before the view does."""
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 1000
    client = APIClient(enforce_csrf_checks=True)
    client.force_login(analyst)
    body = "code=big&name_zh=" + "x" * 2000
    response = client.generic("POST", "/api/v1/operators/", body, content_type="application/x-www-form-urlencoded")
    assert response.status_code in (403, 413), response.content[:300]
    assert response["Content-Type"].startswith("application/json"), response.content[:300]


@pytest.mark.parametrize("depth", [40, 100_000])
def test_a_json_body_nested_too_deep_is_a_400(analyst_client, depth):
    body = '{"name_zh": ' + "[" * depth + "]" * depth + "}"
    response = analyst_client.generic("POST", "/api/v1/operators/", body, content_type="application/json")
    assert_error(response, 400, None, f"{MAX_JSON_DEPTH}")


def test_a_json_body_nested_within_the_limit_is_read(analyst_client):
    body = '{"name_zh": ' + "[" * 10 + "]" * 10 + "}"
    response = analyst_client.generic("POST", "/api/v1/operators/", body, content_type="application/json")
    body = assert_error(response, 400, "code")
    assert "name_zh" in {item["field"] for item in body["errors"]}


def test_a_form_body_with_too_many_fields_is_a_json_400(analyst_client, settings):
    settings.DATA_UPLOAD_MAX_NUMBER_FIELDS = 20
    body = "&".join(f"f{index}=1" for index in range(50))
    response = analyst_client.generic(
        "POST", "/api/v1/operators/", body, content_type="application/x-www-form-urlencoded"
    )
    assert_error(response, 400, None, "20")


def test_a_json_body_with_too_many_fields_is_a_json_400(analyst_client, settings):
    settings.DATA_UPLOAD_MAX_NUMBER_FIELDS = 20
    body = json.dumps({f"f{index}": [index, {"a": 1}] for index in range(50)})
    response = analyst_client.generic("POST", "/api/v1/operators/", body, content_type="application/json")
    assert_error(response, 400, None, "20")


def test_a_query_with_too_many_parameters_is_a_json_400(viewer_client, settings):
    settings.DATA_UPLOAD_MAX_NUMBER_FIELDS = 20
    response = viewer_client.get("/api/v1/operators/?" + "&".join(f"f{index}=1" for index in range(50)))
    assert_error(response, 400, None, "20")


def test_a_multipart_body_with_too_many_files_is_a_json_400(analyst_client, settings):
    settings.DATA_UPLOAD_MAX_NUMBER_FILES = 2
    files = {f"file{index}": io.BytesIO(b"x") for index in range(5)}
    for index, handle in enumerate(files.values()):
        handle.name = f"f{index}.txt"
    response = analyst_client.post("/api/v1/operators/", files, format="multipart")
    assert_error(response, 400, None, "2")


def test_an_unexpected_error_under_the_api_is_a_json_500(analyst, monkeypatch):
    from operators import apis

    def fail(*args: Any, **kwargs: Any) -> Any:
        raise RuntimeError("boom")

    monkeypatch.setattr(apis.OperatorListApi, "get", fail)
    client = APIClient(raise_request_exception=False)
    client.force_authenticate(analyst)
    body = assert_error(client.get("/api/v1/operators/"), 500, None, "logged")
    assert "boom" not in json.dumps(body)


def test_a_suspicious_request_under_the_api_is_a_json_400(viewer_client):
    response = viewer_client.get("/api/v1/operators/", HTTP_HOST="evil.example.com")
    assert_error(response, 400, None)


@pytest.mark.parametrize("query", [{"page": "abc"}, {"page_size": "null"}, {"page": ["1", "2"]}])
def test_an_export_refuses_bad_page_parameters_it_does_not_use(viewer_client, query):
    response = viewer_client.get("/api/v1/perks/", {"format": "xlsx", **query})
    assert_error(response, 400, next(iter(query)))


@pytest.mark.parametrize(
    "path",
    [
        f"/api/v1/strategies/{BIG}/milestones/",
        f"/api/v1/strategies/{BIG}/milestones/1/",
        f"/api/v1/strategies/1/key-figures/{BIG}/",
        f"/api/v1/strategies/{BIG}/key-figures/2767122264/",
    ],
)
@pytest.mark.parametrize("method", ["get", "post", "patch", "delete"])
def test_an_overflowing_id_in_a_nested_path_is_a_404(analyst_client, path, method):
    response = getattr(analyst_client, method)(path, {}, format="json", HTTP_IF_MATCH='"1"')
    if response.status_code == 405:
        assert response.json()["errors"][0]["code"] == "method_not_allowed"
    else:
        assert_error(response, 404, None)


@pytest.mark.parametrize("path", ["/api/v1/benchmarks/per-gb/", "/api/v1/benchmarks/baskets/"])
@pytest.mark.parametrize("parameter", ["operator", "province"])
def test_a_malformed_code_on_a_benchmark_endpoint_is_a_400_naming_it(viewer_client, path, parameter):
    response = viewer_client.get(path, {parameter: "\x00x"})
    assert_error(response, 400, parameter, f"{parameter}: No {parameter} with code")


@pytest.mark.parametrize("path", ["/api/v1/benchmarks/per-gb/", "/api/v1/benchmarks/baskets/"])
@pytest.mark.parametrize("parameter", ["operator", "province"])
def test_a_well_formed_code_of_no_row_on_a_benchmark_endpoint_is_a_404_naming_it(viewer_client, path, parameter):
    response = viewer_client.get(path, {parameter: "zz"})
    body = assert_error(response, 404, parameter, f"{parameter}: No {parameter} with code 'zz'.")
    assert body["errors"][0]["code"] == "does_not_exist"


# --- what the schema allows, the server accepts; what it forbids, the server refuses


def test_a_number_where_the_schema_says_text_is_a_400_naming_the_field(analyst_client):
    response = analyst_client.post("/api/v1/perks/", {"name_zh": 12, "name_en": "x"}, format="json")

    body = assert_error(response, 400, "name_zh", "name_zh: Not a valid string.")
    assert body["errors"][0]["code"] == "invalid"


def test_a_taken_unique_value_is_a_409_naming_the_field(analyst_client):
    OperatorFactory(code="cmcc", name_zh="中国移动")

    response = analyst_client.post(
        "/api/v1/operators/", {"code": "cmcc", "name_zh": "另一个", "name_en": "Other"}, format="json"
    )

    body = assert_error(response, 409, "code", "code: operator with this code already exists.")
    assert body["errors"][0]["code"] == "unique"


def test_the_schema_states_the_decimal_strings_the_server_reads(client, viewer):
    client.force_login(viewer)
    schema = client.get("/api/schema/", HTTP_ACCEPT="application/vnd.oai.openapi+json").json()

    price = schema["components"]["schemas"]["TierInputRequest"]["properties"]["price_cny"]

    assert price["pattern"] == r"^-?([0-9]{1,8}(\.[0-9]{0,2})?|\.[0-9]{1,2})$"
