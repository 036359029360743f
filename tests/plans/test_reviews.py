"""Reviews: a second analyst approves one version of a tier; later changes void it; authors may not review."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from rest_framework.test import APIClient

from core.services import StaleVersion
from plans.models import Tier, TierReview
from plans.services import (
    tier_correct,
    tier_create,
    tier_delete,
    tier_mark_reviewed,
    tier_review_in_force,
    tier_update,
)
from tests.admin_contract import admin_url
from tests.factories import AnalystFactory, PlanFactory, SourceFactory, ViewerFactory

SELF_REVIEW = "A tier must be reviewed by a second analyst, not by one who entered its figures."


@pytest.fixture
def author(db):
    return AnalystFactory(username="author")


@pytest.fixture
def reviewer(db):
    return AnalystFactory(username="reviewer")


@pytest.fixture
def entered(author) -> Tier:
    plan = PlanFactory()
    return tier_create(
        actor=author,
        plan=plan,
        validity_days=7,
        price_cny=Decimal("85.00"),
        data_gb=Decimal("30"),
        source=plan.source,
        effective_from=datetime.date(2025, 5, 1),
    )


def api_client_for(user) -> APIClient:
    client = APIClient()
    client.force_authenticate(user)
    return client


# --------------------------------------------------------------------------- giving a review


def test_a_second_analyst_reviews_the_current_version(entered, reviewer):
    tier_mark_reviewed(tier=entered, reviewer=reviewer)

    review = tier_review_in_force(tier=entered)
    assert review is not None
    assert (review.reviewer, review.tier_version, review.voided_at) == (reviewer, 1, None)
    assert review.history.get().history_user == reviewer
    # A review is a record of its own: the tier row (and its version) is untouched.
    entered.refresh_from_db()
    assert (entered.version, entered.history.count()) == (1, 1)


def test_it_refuses_a_review_by_the_tiers_creator(entered, author):
    with pytest.raises(ValidationError) as error:
        tier_mark_reviewed(tier=entered, reviewer=author)

    assert error.value.message_dict == {"reviewed_by": [SELF_REVIEW]}
    assert not TierReview.objects.exists()


def test_it_refuses_a_review_by_a_viewer(entered):
    with pytest.raises(ValidationError) as error:
        tier_mark_reviewed(tier=entered, reviewer=ViewerFactory())

    assert error.value.message_dict == {"reviewed_by": ["Only an analyst can review a tier."]}


def test_an_editor_of_only_the_notes_may_review(entered, reviewer):
    tier_update(tier=entered, changes={"notes": "checked against the operator's page"}, actor=reviewer)

    tier_mark_reviewed(tier=entered, reviewer=reviewer)

    assert tier_review_in_force(tier=entered).reviewer == reviewer


def test_anyone_who_changed_a_figure_in_any_version_may_not_review(entered, author, reviewer):
    corrector = AnalystFactory(username="corrector")
    tier_correct(tier=entered, changes={"data_gb": Decimal("20")}, actor=corrector, reason="表1 says 20 GB")
    # The bypass: the author makes a trivial edit after someone else's, so the last figure change
    # is no longer the corrector's ... who still authored a version of the figures.
    tier_update(tier=entered, changes={"notes": "trivial"}, actor=author)

    for refused in (corrector, author):
        with pytest.raises(ValidationError) as error:
            tier_mark_reviewed(tier=entered, reviewer=refused)
        assert error.value.message_dict == {"reviewed_by": [SELF_REVIEW]}
    tier_mark_reviewed(tier=entered, reviewer=reviewer)
    assert tier_review_in_force(tier=entered).reviewer == reviewer


def test_a_new_price_starts_unreviewed_and_its_author_may_not_review_it(entered, author, reviewer):
    tier_mark_reviewed(tier=entered, reviewer=reviewer)

    successor = tier_update(
        tier=entered, changes={"price_cny": Decimal("75.00")}, actor=reviewer, source=SourceFactory()
    )

    assert successor.pk != entered.pk
    assert tier_review_in_force(tier=successor) is None
    with pytest.raises(ValidationError):
        tier_mark_reviewed(tier=successor, reviewer=reviewer)
    # The first author did not enter the new observation: they are a second pair of eyes for it.
    tier_mark_reviewed(tier=successor, reviewer=author)


def test_a_review_of_a_version_changed_since_is_refused(entered, reviewer):
    tier_update(tier=entered, changes={"effective_from": datetime.date(2025, 4, 1)}, actor=AnalystFactory())

    with pytest.raises(StaleVersion):
        tier_mark_reviewed(tier=entered, reviewer=reviewer, version=1)
    assert not TierReview.objects.exists()


def test_a_second_review_by_someone_else_is_refused_while_one_is_in_force(entered, reviewer):
    tier_mark_reviewed(tier=entered, reviewer=reviewer)
    tier_mark_reviewed(tier=entered, reviewer=reviewer)  # the same reviewer again: nothing new

    with pytest.raises(ValidationError) as error:
        tier_mark_reviewed(tier=entered, reviewer=AnalystFactory(username="third"))

    assert error.value.messages[0].startswith("Already reviewed by reviewer on ")
    assert TierReview.objects.count() == 1


# --------------------------------------------------------------------------- voiding


@pytest.mark.parametrize(
    ("change", "correction"),
    [
        ({"price_cny": Decimal("80")}, True),
        ({"data_gb": Decimal("25")}, True),
        ({"plan": "another"}, False),
        ({"validity_days": 10}, False),
        ({"effective_from": datetime.date(2025, 4, 1)}, False),
        ({"source": "another"}, False),
    ],
    ids=["price", "data", "plan", "validity", "dates", "source"],
)
def test_a_later_change_of_a_reviewed_field_voids_the_review_and_keeps_its_record(
    entered, reviewer, change, correction
):
    tier_mark_reviewed(tier=entered, reviewer=reviewer)
    editor = AnalystFactory(username="editor")
    if change.get("plan") == "another":
        change = {"plan": PlanFactory()}
    if change.get("source") == "another":
        change = {"source": SourceFactory()}

    if correction:
        tier_correct(tier=entered, changes=change, actor=editor, reason="misread")
    else:
        tier_update(tier=entered, changes=change, actor=editor)

    assert tier_review_in_force(tier=entered) is None
    voided = TierReview.objects.get()
    assert (voided.reviewer, voided.tier_version, voided.voided_by_version) == (reviewer, 1, 2)
    assert voided.voided_at is not None
    assert voided.history.latest().history_user == editor
    # The voiding author changed the figures: they cannot give the new review either.
    with pytest.raises(ValidationError):
        tier_mark_reviewed(tier=entered, reviewer=editor)


def test_a_notes_edit_keeps_the_review(entered, reviewer, author):
    tier_mark_reviewed(tier=entered, reviewer=reviewer)

    tier_update(tier=entered, changes={"notes": "see also the WeChat post"}, actor=author)

    assert tier_review_in_force(tier=entered).reviewer == reviewer


def test_after_a_void_another_analyst_reviews_the_new_version(entered, reviewer):
    tier_mark_reviewed(tier=entered, reviewer=reviewer)
    tier_correct(tier=entered, changes={"price_cny": Decimal("80")}, actor=AnalystFactory(), reason="misread")

    tier_mark_reviewed(tier=entered, reviewer=reviewer)

    in_force_by_version = [
        (review.tier_version, review.voided_at is None) for review in TierReview.objects.order_by("pk")
    ]
    assert in_force_by_version == [(1, False), (2, True)]
    assert tier_review_in_force(tier=entered).reviewer == reviewer


# --------------------------------------------------------------------------- the API and the admin


def test_the_api_reviews_through_the_endpoint_and_shows_the_review_of_the_current_figures(entered, author, reviewer):
    by_author = api_client_for(author).post(f"/api/v1/tiers/{entered.pk}/review/")
    by_reviewer = api_client_for(reviewer).post(f"/api/v1/tiers/{entered.pk}/review/", HTTP_IF_MATCH='"1"')

    assert by_author.status_code == 400
    assert by_author.json()["errors"][0]["field"] == "reviewed_by"
    assert by_reviewer.status_code == 200
    assert (by_reviewer.json()["reviewed_by"], by_reviewer.json()["version"]) == ("reviewer", 1)
    assert by_reviewer.json()["reviewed_at"] is not None
    client = api_client_for(reviewer)
    assert [row["id"] for row in client.get("/api/v1/tiers/", {"reviewed": "true"}).json()["results"]] == [entered.pk]

    tier_correct(tier=entered, changes={"data_gb": Decimal("25")}, actor=author, reason="misread")

    row = client.get(f"/api/v1/tiers/{entered.pk}/").json()
    assert (row["reviewed_by"], row["reviewed_at"], row["version"]) == (None, None, 2)
    assert [row["id"] for row in client.get("/api/v1/tiers/", {"reviewed": "false"}).json()["results"]] == [entered.pk]


def test_the_api_refuses_a_review_of_a_stale_version_with_412(entered, reviewer):
    tier_update(tier=entered, changes={"notes": "x"}, actor=AnalystFactory())

    response = api_client_for(reviewer).post(f"/api/v1/tiers/{entered.pk}/review/", HTTP_IF_MATCH='"1"')

    assert response.status_code == 412
    assert response.json()["errors"][0]["code"] == "stale_version"
    assert not TierReview.objects.exists()


def test_it_refuses_a_viewers_review(entered, viewer_client: APIClient):
    response = viewer_client.post(f"/api/v1/tiers/{entered.pk}/review/")

    assert response.status_code == 403
    assert not TierReview.objects.exists()


def test_the_review_action_records_a_second_analyst_and_refuses_the_author(client, entered, author, reviewer):
    client.force_login(author)
    client.post(admin_url(Tier, "changelist"), {"action": "mark_reviewed", "_selected_action": [entered.pk]})
    assert tier_review_in_force(tier=entered) is None

    client.force_login(reviewer)
    client.post(admin_url(Tier, "changelist"), {"action": "mark_reviewed", "_selected_action": [entered.pk]})
    assert tier_review_in_force(tier=entered).reviewer == reviewer

    page = client.get(admin_url(Tier, "change", entered.pk)).content.decode()
    assert "Reviewed by reviewer on" in page
    reviewed = client.get(admin_url(Tier, "changelist"), {"reviewed": "yes"}).context["cl"].result_list
    assert list(reviewed) == [entered]

    tier_correct(tier=entered, changes={"price_cny": Decimal("80")}, actor=author, reason="misread")
    page = client.get(admin_url(Tier, "change", entered.pk)).content.decode()
    assert "Not reviewed (or voided since). Voided by version 2: Reviewed by reviewer on" in page
    awaiting = client.get(admin_url(Tier, "changelist"), {"reviewed": "no"}).context["cl"].result_list
    assert list(awaiting) == [entered]


def test_a_tier_with_a_review_can_still_be_deleted(entered, reviewer, author):
    tier_mark_reviewed(tier=entered, reviewer=reviewer)

    tier_delete(tier=entered, actor=author)

    assert not Tier.objects.exists()
    assert not TierReview.objects.exists()
