"""The analyser page, saving and sharing a draft set, and the rank sensitivity page, on the real seed."""

from __future__ import annotations

import csv
import io

import pytest
from django.test import Client
from rest_framework.test import APIClient

from competition.models import DraftSet
from tests.factories import AnalystFactory, DraftSetFactory

pytestmark = pytest.mark.django_db

ROW = {
    "d0-validity_days": "7",
    "d0-price_cny": "60.00",
    "d0-data_gb": "30",
    "d0-domestic_voice_min": "100",
    "d0-intl_voice_min": "0",
}


@pytest.fixture
def signed_in(client: Client, viewer, seed) -> Client:
    client.force_login(viewer)
    return client


def csv_rows(response) -> list[dict[str, str]]:
    body = b"".join(response.streaming_content) if response.streaming else response.content  # a bucket's CSV streams
    return list(csv.DictReader(io.StringIO(body.decode().lstrip("\ufeff"))))


def test_the_page_places_the_draft_as_the_api_does(signed_in: Client) -> None:
    response = signed_in.get("/compare/analyser/", ROW)
    assert response.status_code == 200
    (per_gb,) = [row for row in response.context["tables"]["drafts"].rows if row["metric"] == "per_gb"]
    assert (per_gb["rank"], str(per_gb["index"]), str(per_gb["market_median_cny"])) == (2, "66.67", "3.00")
    assert (per_gb["cheaper_branch_zh"], per_gb["dearer_branch_zh"]) == ("浙江联通", "江西移动")
    assert "66.67" in response.content.decode()


def test_the_pages_basket_csv_compares_with_the_chosen_province(signed_in: Client) -> None:
    response = signed_in.get("/compare/analyser/", {**ROW, "province": "31", "format": "csv", "table": "baskets"})
    rows = {row["profile"]: row for row in csv_rows(response)}
    assert rows["week-data"]["draft_cost_cny"] == "60.00"
    assert rows["week-data"]["market_cost_cny"] == "90.00"
    assert (rows["week-data"]["market_branch_zh"], rows["week-data"]["difference_cny"]) == ("上海移动", "-30.00")
    assert rows["week-light"]["covers"] == "false"


def test_a_bad_draft_gets_the_same_words_on_the_page_as_from_the_api(signed_in: Client, viewer) -> None:
    page = signed_in.get("/compare/analyser/", {**ROW, "d0-price_cny": "-1", "d2-validity_days": "abc"})
    rows = page.context["page"].rows
    api = APIClient()
    api.force_authenticate(viewer)
    body = {"drafts": [{"validity_days": 7, "price_cny": "-1"}, {"validity_days": "abc", "price_cny": "1"}]}
    errors = {
        error["field"]: error["message"]
        for error in api.post("/api/v1/analyser/", body, format="json").json()["errors"]
    }
    assert rows[0].errors["price_cny"] == [errors["drafts.0.price_cny"]] == ["The price cannot be negative."]
    assert rows[2].errors["validity_days"] == [errors["drafts.1.validity_days"]] == ["Enter a whole number."]
    assert page.context["result"] is None


def test_a_bad_as_of_gets_the_words_of_every_page_and_endpoint(signed_in: Client) -> None:
    analyser = signed_in.get("/compare/analyser/", {**ROW, "as_of": "June"})
    sensitivity = signed_in.get("/compare/sensitivity/", {"as_of": "June"})

    assert analyser.context["page"].errors["as_of"] == ["Enter the date as YYYY-MM-DD, e.g. 2025-05-01."]
    assert sensitivity.context["form"].errors["as_of"] == analyser.context["page"].errors["as_of"]
    assert "Enter the date as YYYY-MM-DD, e.g. 2025-05-01." in analyser.content.decode()


def test_a_seventh_row_gets_the_apis_words(signed_in: Client) -> None:
    rows = {f"d{number}-{key[3:]}": value for number in range(7) for key, value in ROW.items()}
    response = signed_in.get("/compare/analyser/", rows)
    assert response.context["page"].errors["drafts"] == ["Enter at most 6 drafts."]
    assert "Enter at most 6 drafts." in response.content.decode()


def test_an_empty_page_shows_six_rows_and_no_results(signed_in: Client) -> None:
    response = signed_in.get("/compare/analyser/")
    assert len(response.context["page"].rows) == 6
    assert response.context["result"] is None


def test_a_viewer_cannot_save_a_draft_set(signed_in: Client) -> None:
    response = signed_in.post("/compare/analyser/save/", {**ROW, "name": "mine"})
    assert response.status_code == 403
    assert not DraftSet.objects.exists()


def test_a_viewer_is_not_offered_the_save_form(signed_in: Client) -> None:
    html = signed_in.get("/compare/analyser/", ROW).content.decode()
    assert 'id="save-form"' not in html
    assert "Saving a draft set needs the analyst role." in html


def test_an_analyst_saves_and_lands_on_the_share_link(client: Client, analyst, seed) -> None:
    client.force_login(analyst)
    response = client.post("/compare/analyser/save/", {**ROW, "province": "31", "name": "Q3 card"})
    draft_set = DraftSet.objects.get(name="Q3 card")
    assert response.status_code == 302
    assert response["Location"] == f"/compare/analyser/sets/{draft_set.share_token}/"
    assert (draft_set.owner, draft_set.province.code, draft_set.drafts[0]["data_gb"]) == (analyst, "31", "30")
    assert draft_set.history.get().history_user == analyst


def test_saving_a_second_set_of_the_same_name_is_refused(client: Client, analyst, seed) -> None:
    DraftSetFactory(owner=analyst, name="Q3 card")
    client.force_login(analyst)
    response = client.post("/compare/analyser/save/", {**ROW, "name": "Q3 card"})
    assert response.status_code == 400
    assert response.context["save_errors"] == ["You already have a draft set with this name."]


def test_another_logged_in_user_opens_a_shared_set_read_only(signed_in: Client) -> None:
    draft_set = DraftSetFactory(owner=AnalystFactory(username="author"), name="shared card")
    response = signed_in.get(f"/compare/analyser/sets/{draft_set.share_token}/")
    assert response.status_code == 200
    assert response.context["is_owner"] is False
    html = response.content.decode()
    assert "Read-only: only its owner can change it." in html
    (per_gb,) = [row for row in response.context["tables"]["drafts"].rows if row["metric"] == "per_gb"]
    assert per_gb["rank"] == 2


def test_an_anonymous_visitor_of_a_share_link_is_sent_to_log_in(client: Client, seed) -> None:
    draft_set = DraftSetFactory()
    response = client.get(f"/compare/analyser/sets/{draft_set.share_token}/")
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")


def test_an_unknown_share_link_is_not_found(signed_in: Client) -> None:
    assert signed_in.get("/compare/analyser/sets/00000000-0000-4000-8000-000000000000/").status_code == 404


def test_the_analyser_page_queries_are_bounded(signed_in: Client, django_assert_max_num_queries) -> None:
    rows = {f"d{number}-{key[3:]}": value for number in range(6) for key, value in ROW.items()}
    with django_assert_max_num_queries(12):
        assert signed_in.get("/compare/analyser/", {**rows, "province": "31"}).status_code == 200


def test_the_sensitivity_page_lists_the_30_day_tiers_by_spread(signed_in: Client) -> None:
    response = signed_in.get("/compare/sensitivity/", {"bucket": "30+"})
    rows = response.context["tables"]["sensitivity"].rows
    assert [(row["plan_zh"], row["rank_spread"]) for row in rows][:2] == [("浙江旅游卡", 3), ("熊猫卡", 2)]
    assert rows[0]["ranks"] == [5, 6, 6, 3, 5, 3, 3]


def test_the_sensitivity_csv_has_one_rank_column_per_metric(signed_in: Client) -> None:
    response = signed_in.get("/compare/sensitivity/", {"bucket": "30+", "format": "csv", "table": "sensitivity"})
    first = csv_rows(response)[0]
    assert (first["plan_zh"], first["rank_per_gb"], first["rank_week-light"], first["rank_spread"]) == (
        "浙江旅游卡",
        "5",
        "3",
        "3",
    )


def test_the_sensitivity_page_queries_are_bounded(signed_in: Client, django_assert_max_num_queries) -> None:
    with django_assert_max_num_queries(6):
        assert signed_in.get("/compare/sensitivity/", {"bucket": "1-7"}).status_code == 200


def test_the_nav_links_both_tools(signed_in: Client) -> None:
    html = signed_in.get("/compare/sensitivity/").content.decode()
    assert 'href="/compare/analyser/"' in html
    assert 'href="/compare/sensitivity/"' in html


def test_the_sensitivity_page_shows_the_largest_spreads_and_the_csv_all(signed_in: Client, monkeypatch) -> None:
    monkeypatch.setattr("competition.analyser.views.SENSITIVITY_SHOWN_ROWS", 2)
    response = signed_in.get("/compare/sensitivity/", {"bucket": "30+"})
    html = response.content.decode()
    assert html.count('<td class="num"><strong>') == 2  # one rank-spread cell per row shown
    assert "Showing the 2 tiers with the largest spread of 6; the CSV has them all." in html
    csv_response = signed_in.get("/compare/sensitivity/", {"bucket": "30+", "format": "csv", "table": "sensitivity"})
    assert len(csv_rows(csv_response)) == 6


def test_both_tools_speak_chinese(signed_in: Client) -> None:
    analyser = signed_in.get("/compare/analyser/", ROW, HTTP_ACCEPT_LANGUAGE="zh-hans").content.decode()
    sensitivity = signed_in.get("/compare/sensitivity/", HTTP_ACCEPT_LANGUAGE="zh-hans").content.decode()
    assert "<h1>资费草案分析器</h1>" in analyser
    assert "最接近的更便宜资费" in analyser
    assert "<h1>排名敏感性</h1>" in sensitivity
