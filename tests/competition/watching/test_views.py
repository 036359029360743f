"""/compare/watching/ and the header's unread count."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from competition.watching import services
from competition.watching.models import Notification, Watch
from tests.factories import ProvinceFactory

pytestmark = pytest.mark.django_db


def test_the_header_shows_the_unread_count_in_one_query(client, viewer):
    Notification.objects.create(user=viewer, condition="rank_one_changes", run_id=1, payload={"bucket": "1-7"})
    Notification.objects.create(user=viewer, condition="rank_one_changes", run_id=2, payload={"bucket": "1-7"})
    client.force_login(viewer)
    with CaptureQueriesContext(connection) as queries:
        html = client.get("/compare/launches/").content.decode()
    assert 'title="Unread notifications">2</span>' in html
    assert sum('"competition_notification"' in query["sql"] for query in queries.captured_queries) == 1


def test_a_viewer_adds_a_threshold_watch_on_the_page(client, viewer):
    ProvinceFactory(code="31")
    client.force_login(viewer)
    response = client.post(
        "/compare/watching/",
        {"action": "add", "condition": "cheapest_below", "bucket": "1-7", "province": "31", "threshold_cny": "2.50"},
    )
    assert response.status_code == 302
    watch = Watch.objects.get(user=viewer)
    assert (watch.condition, watch.bucket, watch.province.code, str(watch.threshold_cny)) == (
        "cheapest_below",
        "1-7",
        "31",
        "2.50",
    )


def test_the_page_shows_what_a_watch_lacks(client, viewer):
    client.force_login(viewer)
    response = client.post("/compare/watching/", {"action": "add", "condition": "rank_one_changes"})
    assert response.status_code == 400
    assert "A threshold watch needs a validity bucket." in response.content.decode()


def test_mark_all_read_on_the_page(client, viewer):
    Notification.objects.create(user=viewer, condition="rank_one_changes", run_id=1, payload={"bucket": "1-7"})
    client.force_login(viewer)
    client.post("/compare/watching/", {"action": "read"})
    assert services.notifications_mark_read(user=viewer) == 0


def test_the_watching_page_needs_login(client):
    response = client.get("/compare/watching/")
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]
