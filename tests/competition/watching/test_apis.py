"""/api/v1/watches/, notifications/ and settings: any logged-in user keeps their own; data writes stay the analyst's."""

from __future__ import annotations

import pytest

from competition.changes.models import ChangeEvent
from competition.watching import services
from competition.watching.models import Notification, Watch
from tests.factories import BranchFactory, OperatorFactory, PlanFactory, ProvinceFactory

pytestmark = pytest.mark.django_db


def test_a_viewer_may_watch_but_not_write_data(viewer_client, viewer):
    ProvinceFactory(code="31")
    response = viewer_client.post(
        "/api/v1/watches/",
        {"condition": "cheapest_below", "bucket": "1-7", "province": "31", "threshold_cny": "2.50"},
        format="json",
    )
    assert response.status_code == 201, response.json()
    assert (response.json()["province"], response.json()["threshold_cny"]) == ("31", "2.50")
    assert Watch.objects.get().user == viewer
    refused = viewer_client.post("/api/v1/operators/", {"code": "zz", "name_zh": "某", "name_en": "Z"}, format="json")
    assert refused.status_code == 403
    assert refused.json()["detail"] == "Writing requires the analyst role."


def test_a_threshold_watch_without_a_threshold_is_a_400_naming_it(viewer_client):
    response = viewer_client.post("/api/v1/watches/", {"condition": "cheapest_below", "bucket": "1-7"}, format="json")
    assert response.status_code == 400
    assert response.json()["errors"] == [
        {"field": "threshold_cny", "message": "Give the price per GB (CNY) to watch for.", "code": "invalid"}
    ]


def test_an_unknown_operator_code_is_a_404_naming_it(viewer_client):
    response = viewer_client.post("/api/v1/watches/", {"operator": "nope"}, format="json")
    assert response.status_code == 404
    assert (response.json()["errors"][0]["field"], response.json()["errors"][0]["code"]) == (
        "operator",
        "does_not_exist",
    )


def test_another_users_watch_is_a_404_and_stays(viewer_client, analyst):
    theirs = services.watch_create(user=analyst, operator=OperatorFactory())
    assert viewer_client.get(f"/api/v1/watches/{theirs.pk}/").status_code == 404
    assert viewer_client.delete(f"/api/v1/watches/{theirs.pk}/").status_code == 404
    assert Watch.objects.filter(pk=theirs.pk).exists()


def test_a_viewer_deletes_their_own_watch(viewer_client, viewer):
    mine = services.watch_create(user=viewer, plan=PlanFactory())
    assert viewer_client.delete(f"/api/v1/watches/{mine.pk}/").status_code == 204
    assert not Watch.objects.exists()


def test_anonymous_requests_are_refused_with_the_json_error_body(api_client, db):
    response = api_client.get("/api/v1/notifications/")
    assert response.status_code == 401
    assert response.json()["detail"]


def test_notifications_list_and_mark_read(viewer_client, viewer, analyst):
    plan = PlanFactory()
    watch = services.watch_create(user=viewer, plan=plan)
    mine = [
        Notification.objects.create(
            user=viewer, watch=watch, condition="rank_one_changes", run_id=run, payload={"bucket": "1-7", "run": run}
        )
        for run in (1, 2)
    ]
    Notification.objects.create(user=analyst, condition="rank_one_changes", run_id=3, payload={"bucket": "1-7"})
    listed = viewer_client.get("/api/v1/notifications/", {"unread": "true"}).json()
    assert [row["id"] for row in listed["results"]] == [mine[1].pk, mine[0].pk]
    assert listed["results"][0]["title"] == "Rank 1 changed (1-7 days)"
    response = viewer_client.post("/api/v1/notifications/read/", {"ids": [mine[0].pk]}, format="json")
    assert response.json() == {"marked": 1, "unread": 1}
    response = viewer_client.post("/api/v1/notifications/read/", {}, format="json")
    assert response.json() == {"marked": 1, "unread": 0}
    assert Notification.objects.filter(user=analyst, read_at__isnull=True).count() == 1


def test_settings_choose_the_digest_and_rotate_the_feed_secret(viewer_client, viewer):
    before = viewer_client.get("/api/v1/watching/settings/").json()
    assert before["email_delivery"] == "immediate"
    assert f"/compare/changes/feed/{viewer.pk}/" in before["feed_url"]
    changed = viewer_client.patch("/api/v1/watching/settings/", {"email_delivery": "daily"}, format="json").json()
    assert changed["email_delivery"] == "daily"
    rotated = viewer_client.post("/api/v1/watching/feed-secret/").json()
    assert rotated["feed_url"] != before["feed_url"]


def test_a_bad_email_delivery_is_a_400_naming_it(viewer_client):
    response = viewer_client.patch("/api/v1/watching/settings/", {"email_delivery": "hourly"}, format="json")
    assert response.status_code == 400
    assert response.json()["errors"][0]["field"] == "email_delivery"


def test_an_unknown_bucket_is_a_400_naming_it(viewer_client):
    response = viewer_client.post("/api/v1/watches/", {"bucket": "2-3"}, format="json")
    assert response.status_code == 400
    assert response.json()["errors"] == [
        {"field": "bucket", "message": "Choose a validity bucket: 1-7, 8-14, 15-29, 30+.", "code": "invalid"}
    ]


def test_the_inbox_reads_a_page_in_a_fixed_number_of_queries(viewer_client, viewer, django_assert_max_num_queries):
    for run in range(1, 21):
        Notification.objects.create(user=viewer, condition="rank_one_changes", run_id=run, payload={"bucket": "1-7"})
    with django_assert_max_num_queries(3):
        response = viewer_client.get("/api/v1/notifications/")
    assert response.json()["count"] == 20


def test_an_empty_settings_patch_changes_nothing(viewer_client):
    before = viewer_client.get("/api/v1/watching/settings/").json()

    response = viewer_client.patch("/api/v1/watching/settings/", {}, format="json")

    assert (response.status_code, response.json()) == (200, before)


def test_a_branch_of_another_operator_is_a_404_naming_the_branch(viewer_client):
    branch = BranchFactory(operator=OperatorFactory(code="cucc"))
    OperatorFactory(code="cmcc")

    response = viewer_client.post("/api/v1/watches/", {"operator": "cmcc", "branch": branch.pk}, format="json")

    assert response.status_code == 404
    assert response.json()["errors"] == [
        {"field": "branch", "message": "The branch belongs to another operator.", "code": "does_not_exist"}
    ]


def test_a_watch_naming_nothing_to_follow_is_a_400(viewer_client):
    response = viewer_client.post("/api/v1/watches/", {"condition": "any_change", "bucket": ""}, format="json")

    assert response.status_code == 400
    assert response.json()["errors"] == [
        {
            "field": None,
            "message": "Name what to follow: an operator, branch, plan, province or bucket.",
            "code": "invalid",
        }
    ]


def test_its_schema_documents_one_shape_per_condition(viewer_client):
    schema = viewer_client.get("/api/schema/", HTTP_ACCEPT="application/vnd.oai.openapi+json").json()
    shapes = schema["components"]["schemas"]
    body = schema["paths"]["/api/v1/watches/"]["post"]["requestBody"]["content"]["application/json"]["schema"]

    assert [ref["$ref"].rsplit("/", 1)[1] for ref in shapes[body["$ref"].rsplit("/", 1)[1]]["oneOf"]] == [
        "AnyChangeWatchInputRequest",
        "CheapestBelowWatchInputRequest",
        "RankOneChangesWatchInputRequest",
    ]
    any_change = shapes["AnyChangeWatchInputRequest"]
    assert [branch["required"] for branch in any_change["anyOf"]] == [
        ["operator"],
        ["province"],
        ["branch"],
        ["plan"],
        ["bucket"],
    ]
    assert any_change["properties"]["threshold_cny"]["not"] == {}
    assert shapes["CheapestBelowWatchInputRequest"]["required"] == ["bucket", "condition", "threshold_cny"]


@pytest.mark.parametrize("watches", [1, 20])
def test_the_watch_list_reads_rows_in_the_same_queries_at_one_and_at_twenty(
    viewer_client, viewer, django_assert_num_queries, watches
):
    plan = PlanFactory(branch=BranchFactory(operator=OperatorFactory(code="cmcc")))
    for _ in range(watches):
        services.watch_create(user=viewer, plan=plan)
    # COUNT and the page (codes joined); the user is forced.
    with django_assert_num_queries(2):
        response = viewer_client.get("/api/v1/watches/", {"page_size": 1000})
    rows = response.json()["results"]
    assert (len(rows), rows[0]["plan"], rows[0]["condition"], rows[0]["operator"]) == (
        watches,
        plan.pk,
        "any_change",
        None,
    )


@pytest.mark.parametrize("notifications", [1, 20])
def test_the_inbox_reads_rows_with_their_change_in_the_same_queries_at_one_and_at_twenty(
    viewer_client, viewer, django_assert_num_queries, notifications
):
    def change_made(number: int) -> ChangeEvent:
        return ChangeEvent.objects.create(
            history_id=number,
            **CHANGE,
        )

    changes = [change_made(number) for number in range(notifications)]
    for run, change in enumerate(changes):
        Notification.objects.create(user=viewer, condition="any_change", change=change, run_id=run, payload={})
    # COUNT and the page, the change joined into each row; the user is forced.
    with django_assert_num_queries(2):
        response = viewer_client.get("/api/v1/notifications/", {"page_size": 1000})
    rows = response.json()["results"]
    assert len(rows) == notifications
    assert (rows[0]["title"], rows[0]["detail"], rows[0]["unread"]) == (
        "China Mobile Shanghai Panda card (7 days): New tier",
        "Price ¥90.00; data 30 GB; per GB 3.00",
        True,
    )
    assert (rows[0]["change"]["id"], rows[0]["change"]["kind_label"], rows[0]["change"]["price_after_cny"]) == (
        changes[-1].pk,
        "New tier",
        "90.00",
    )


CHANGE = {
    "kind": "new_tier",
    "changed_on": "2025-01-01",
    "recorded_at": "2025-01-01T08:00:00Z",
    "history_model": "plans.historicaltier",
    "object_id": 1,
    "operator_code": "cmcc",
    "province_code": "31",
    "who_zh": "上海移动",
    "who_en": "China Mobile Shanghai",
    "subject_zh": "熊猫卡",
    "subject_en": "Panda card",
    "validity_days": 7,
    "price_after_cny": "90.00",
    "data_after_gb": "30.000",
    "per_gb_after_cny": "3.00",
}


def test_a_notification_without_a_change_has_a_null_change(viewer_client, viewer):
    Notification.objects.create(user=viewer, condition="rank_one_changes", run_id=1, payload={"bucket": "1-7"})

    (row,) = viewer_client.get("/api/v1/notifications/").json()["results"]

    assert (row["change"], row["title"], row["payload"]) == (None, "Rank 1 changed (1-7 days)", {"bucket": "1-7"})
