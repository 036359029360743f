"""The API keeps its contract at the edges: every refusal is the JSON error body naming what is wrong."""

from __future__ import annotations

from typing import Any

import pytest

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
