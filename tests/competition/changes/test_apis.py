"""/api/v1/changes/, the Atom feed (parsed with feedparser) and the /compare/changes/ page."""

from __future__ import annotations

import feedparser
import pytest
from django.urls import reverse

from competition.watching.services import feed_secret_rotate, watching_settings_get

pytestmark = pytest.mark.django_db


def test_the_api_lists_changes_since_a_day_filtered(every_kind, viewer_client):
    response = viewer_client.get("/api/v1/changes/", {"since": "2025-02-01", "bucket": "1-7"})
    assert response.status_code == 200
    rows = response.json()["results"]
    assert [(row["kind"], row["changed_on"]) for row in rows] == [
        ("withdrawal", "2025-04-01"),
        ("allowance_change", "2025-03-01"),
        ("price_change", "2025-02-01"),
    ]
    assert (rows[2]["price_before_cny"], rows[2]["price_after_cny"], rows[2]["per_gb_after_cny"]) == (
        "90.00",
        "60.00",
        "2.00",
    )


def test_the_api_refuses_an_unknown_kind_with_the_json_error_body(every_kind, viewer_client):
    response = viewer_client.get("/api/v1/changes/", {"kind": "rumour"})
    assert response.status_code == 400
    assert response.json()["errors"][0]["field"] == "kind"


def test_the_api_refuses_writes(every_kind, analyst_client):
    response = analyst_client.post("/api/v1/changes/", {}, format="json")
    assert response.status_code == 405
    assert "detail" in response.json()


def test_the_api_exports_csv(every_kind, viewer_client):
    response = viewer_client.get("/api/v1/changes/", {"kind": "launch", "format": "csv"})
    assert response.status_code == 200
    lines = response.content.decode("utf-8-sig").splitlines()
    assert len(lines) == 2 and "魔都WiFi" in lines[1]


def feed_url(user, **query) -> str:
    secret = watching_settings_get(user=user).feed_secret
    return reverse("compare:change-feed", args=[user.pk, secret])


def test_the_atom_feed_validates_with_a_feed_parser(every_kind, viewer, client):
    response = client.get(feed_url(viewer), {"kind": "price_change"})
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/atom+xml")
    parsed = feedparser.parse(response.content)
    assert parsed.bozo == 0, parsed.get("bozo_exception")
    assert parsed.version == "atom10"
    assert [entry.title for entry in parsed.entries] == ["China Mobile Shanghai Panda Card (7 days): Price change"]
    assert "¥90.00 → ¥60.00" in parsed.entries[0].summary


def test_the_atom_feed_refuses_a_wrong_secret(every_kind, viewer, client):
    response = client.get(reverse("compare:change-feed", args=[viewer.pk, "not-the-secret"]))
    assert response.status_code == 404


def test_a_rotated_secret_retires_the_old_feed_url(every_kind, viewer, client):
    old = feed_url(viewer)
    feed_secret_rotate(user=viewer)
    assert client.get(old).status_code == 404
    assert client.get(feed_url(viewer)).status_code == 200


def test_the_page_lists_changes_and_advertises_the_feed(every_kind, viewer, client):
    client.force_login(viewer)
    response = client.get("/compare/changes/", {"kind": "launch"})
    html = response.content.decode()
    assert response.status_code == 200
    assert '<link rel="alternate" type="application/atom+xml"' in html
    assert feed_url(viewer) in html
    assert "Modu WiFi" in html and "Panda Card" not in html


def test_the_page_downloads_its_rows_as_csv(every_kind, viewer, client):
    client.force_login(viewer)
    response = client.get("/compare/changes/", {"kind": "price_change", "format": "csv"})
    lines = response.content.decode("utf-8-sig").splitlines()
    assert len(lines) == 2 and lines[1].startswith(
        "2025-02-01,price_change,cmcc,31,1-7,7,上海移动,熊猫卡,90.00,60.00,3.00,2.00"
    )


def test_the_api_pages_without_counting(every_kind, viewer_client):
    first = viewer_client.get("/api/v1/changes/", {"page_size": 4}).json()
    assert (len(first["results"]), first["previous"], "count" in first) == (4, None, False)
    second = viewer_client.get(first["next"]).json()
    assert [row["kind"] for row in second["results"]] == ["price_change", "new_tier"]
    assert second["next"] is None
    assert viewer_client.get("/api/v1/changes/", {"page_size": 4, "page": 3}).status_code == 404


def test_the_api_page_costs_the_same_queries_whatever_its_rows(
    every_kind, viewer_client, django_assert_max_num_queries
):
    # Session/auth, the filters' code lookups and one page read: no query per row.
    with django_assert_max_num_queries(4):
        response = viewer_client.get("/api/v1/changes/", {"operator": "cmcc", "province": "31"})
    assert len(response.json()["results"]) == 5


def test_the_page_costs_a_fixed_number_of_queries(every_kind, viewer, client, django_assert_max_num_queries):
    client.force_login(viewer)
    # Session, user, one page, settings (created on this first visit: 4), unread count, operators, provinces.
    with django_assert_max_num_queries(10):
        response = client.get("/compare/changes/")
    assert response.content.decode().count('<tr id="change-') == 6


@pytest.mark.parametrize("page_size", [1, 6])
def test_the_api_page_reads_rows_in_the_same_queries_at_one_row_and_at_six(
    every_kind, viewer_client, django_assert_num_queries, page_size
):
    # The page's rows (page_size + 1, for `next`) as `.values()` rows; the user is forced.
    with django_assert_num_queries(1):
        response = viewer_client.get("/api/v1/changes/", {"page_size": page_size})
    assert len(response.json()["results"]) == page_size


def test_the_api_row_of_a_price_change_says_it_in_words(every_kind, viewer_client):
    (row,) = viewer_client.get("/api/v1/changes/", {"kind": "price_change"}).json()["results"]

    assert (row["kind"], row["kind_label"], row["operator"], row["province"]) == (
        "price_change",
        "Price change",
        "cmcc",
        "31",
    )
    assert row["title"].endswith(": Price change")
    assert row["detail"].startswith("Price ¥")
