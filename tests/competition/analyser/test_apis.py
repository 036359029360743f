"""POST /api/v1/analyser/, saved draft sets and /api/v1/benchmarks/sensitivity/ on the real seed."""

from __future__ import annotations

import pytest
from rest_framework.test import APIClient

from competition.benchmarks import scheduling
from competition.models import BenchmarkBucketSummary, BenchmarkRow, DraftSet
from plans.models import Tier
from tests.factories import AnalystFactory, DraftSetFactory

pytestmark = pytest.mark.django_db

# The example: 7 days, 60 CNY, 30 GB, 100 domestic and no international minutes.
DRAFT = {"validity_days": 7, "price_cny": "60.00", "data_gb": "30", "domestic_voice_min": 100, "intl_voice_min": 0}


def analyse(client: APIClient, body: dict) -> dict:
    response = client.post("/api/v1/analyser/", body, format="json")
    assert response.status_code == 200, response.content
    return response.json()


def test_it_places_a_7_day_draft_in_the_seeds_1_to_7_day_bucket(seed, viewer_client):
    # The seed's ranked 1-7 day tiers per GB: 浙江联通 1.67, 江西移动 2.33, 上海移动 3.00, 北京移动 3.33, 深圳联通 4.39
    # (上海移动's free first-day card is promotional, 上海电信's data is unknown). The draft's 60 / 30 = 2.00.
    (answer,) = analyse(viewer_client, {"drafts": [DRAFT]})["drafts"]
    assert answer["bucket"] == "1-7"
    assert answer["price_per_gb_cny"] == "2.00"
    assert answer["rank"] == 2  # only 浙江联通's 1.67 is strictly cheaper
    assert answer["market_median_per_gb_cny"] == "3.00"  # the middle of five, without the draft
    assert answer["index"] == "66.67"  # 100 x 2.00 / 3.00
    assert answer["market_sample_count"] == 5


def test_its_neighbours_are_the_seeds_nearest_cheaper_and_dearer_tiers(seed, viewer_client):
    (answer,) = analyse(viewer_client, {"drafts": [DRAFT]})["drafts"]
    cheaper, dearer = answer["cheaper_neighbour"], answer["dearer_neighbour"]
    assert (cheaper["branch_name_zh"], cheaper["price_cny"], cheaper["value_cny"]) == ("浙江联通", "50.00", "1.67")
    assert (dearer["branch_name_zh"], dearer["plan_name_zh"], dearer["value_cny"]) == ("江西移动", "畅行卡", "2.33")
    assert Tier.objects.get(pk=dearer["tier_id"]).price_cny == 70


def test_it_ranks_the_draft_per_day_among_every_exact_price_of_the_bucket(seed, viewer_client):
    (answer,) = analyse(viewer_client, {"drafts": [DRAFT]})["drafts"]
    per_day = answer["metrics"]["per_day"]
    # 50/7 = 7.14 is cheaper than 60/7 = 8.57; the six priced 7-day tiers' median is (79/7 + 85/7) / 2 = 11.71.
    assert (per_day["value_cny"], per_day["rank"], per_day["market_median_cny"]) == ("8.57", 2, "11.71")
    assert per_day["market_sample_count"] == 6


def test_it_costs_the_week_data_basket_against_shanghais_cheapest_option(seed, viewer_client):
    (answer,) = analyse(viewer_client, {"drafts": [DRAFT], "province": "31"})["drafts"]
    baskets = {basket["profile"]: basket for basket in answer["baskets"]}
    week_data = baskets["week-data"]  # 7 days, 20 GB, 30 domestic min, no international calls
    assert (week_data["covers"], week_data["draft_cost_cny"]) == (True, "60.00")
    # In 上海 the cheapest cover is 上海移动's 7-day 熊猫卡 at 90 CNY (上海电信 gives no data volume).
    assert week_data["market_cost_cny"] == "90.00"
    assert (week_data["market_option"]["branch_name_zh"], week_data["market_option"]["plan_name_zh"]) == (
        "上海移动",
        "熊猫卡",
    )
    assert (week_data["difference_cny"], week_data["index"]) == ("-30.00", "66.67")
    # No international minutes: the draft cannot cover week-light (10 of them), whose market cover is still shown.
    assert (baskets["week-light"]["covers"], baskets["week-light"]["draft_cost_cny"]) == (False, None)
    assert baskets["week-light"]["market_cost_cny"] == "90.00"


def test_it_measures_against_the_tiers_in_effect_on_the_as_of_date(seed, viewer_client):
    # 浙江联通's 7-day tier (1.67 per GB) takes effect on 2025-07-01: a month before, the market is the other four.
    Tier.objects.filter(plan__branch__name_zh="浙江联通", validity_days=7).update(effective_from="2025-07-01")
    body = analyse(viewer_client, {"drafts": [DRAFT], "as_of": "2025-06-01"})
    assert body["as_of"] == "2025-06-01"
    (answer,) = body["drafts"]
    # Now nothing is cheaper than 2.00; the median of 2.33, 3.00, 3.33, 4.39 is (3.00 + 3.33) / 2 = 3.17 (exactly 19/6),
    # and 100 x 2 / (19/6) = 63.16.
    assert (answer["rank"], answer["market_median_per_gb_cny"], answer["index"]) == (1, "3.17", "63.16")
    assert answer["cheaper_neighbour"] is None
    (later,) = analyse(viewer_client, {"drafts": [DRAFT], "as_of": "2025-07-01"})["drafts"]
    assert later["rank"] == 2


def test_drafts_never_change_the_stored_benchmarks_or_the_tiers(seed, viewer_client):
    run = scheduling.benchmarks_recompute(trigger="test")
    rows_before = list(BenchmarkRow.objects.filter(run=run).values_list("tier_id", "rank", "per_gb_index"))
    summaries_before = list(BenchmarkBucketSummary.objects.filter(run=run).values_list("bucket", "median_per_gb_cny"))
    tiers_before = Tier.objects.count()
    analyse(viewer_client, {"drafts": [DRAFT, {**DRAFT, "price_cny": "1.00"}]})
    assert Tier.objects.count() == tiers_before
    assert list(BenchmarkRow.objects.filter(run=run).values_list("tier_id", "rank", "per_gb_index")) == rows_before
    assert (
        list(BenchmarkBucketSummary.objects.filter(run=run).values_list("bucket", "median_per_gb_cny"))
        == summaries_before
    )
    # A recompute after the analysis sees the same input as before it: the drafts never joined the market.
    assert scheduling.benchmarks_recompute(trigger="test").input_fingerprint == run.input_fingerprint


def test_it_refuses_a_seventh_draft(seed, viewer_client):
    response = viewer_client.post("/api/v1/analyser/", {"drafts": [DRAFT] * 7}, format="json")
    assert response.status_code == 400
    assert response.json()["errors"] == [{"field": "drafts", "message": "Enter at most 6 drafts.", "code": "invalid"}]


def test_it_names_each_bad_field_of_each_draft(seed, viewer_client):
    body = {"drafts": [DRAFT, {**DRAFT, "price_cny": "-1", "validity_days": 0}], "province": "99"}
    response = viewer_client.post("/api/v1/analyser/", body, format="json")
    assert response.status_code == 400
    errors = {error["field"]: error["message"] for error in response.json()["errors"]}
    assert errors == {
        "province": "No province with code '99'.",
        "drafts.1.price_cny": "The price cannot be negative.",
        "drafts.1.validity_days": "Validity must be at least 1 day.",
    }


def test_it_refuses_money_given_as_a_list(seed, viewer_client):
    response = viewer_client.post("/api/v1/analyser/", {"drafts": [{**DRAFT, "price_cny": [1]}]}, format="json")
    assert response.status_code == 400
    assert response.json()["errors"][0] == {
        "field": "drafts.0.price_cny",
        "message": 'Give the amount as a decimal string, e.g. "60.00".',
        "code": "invalid",
    }


AS_OF_MALFORMED = "Enter the date as YYYY-MM-DD, e.g. 2025-05-01."


@pytest.mark.parametrize("as_of", ["June", "2025-6-1", "2025-02-30", 20250601])
def test_it_refuses_a_malformed_as_of_in_the_words_of_every_endpoint(seed, viewer_client, as_of):
    response = viewer_client.post("/api/v1/analyser/", {"drafts": [DRAFT], "as_of": as_of}, format="json")
    sensitivity = viewer_client.get("/api/v1/benchmarks/sensitivity/", {"as_of": str(as_of)})

    assert response.status_code == 400
    assert response.json()["errors"] == [{"field": "as_of", "message": AS_OF_MALFORMED, "code": "invalid"}]
    assert sensitivity.json()["errors"] == response.json()["errors"]


@pytest.mark.parametrize(
    ("as_of", "message"),
    [("2999-01-01", "The date must not be after today"), ("1999-12-31", "The date must not be before 2000-01-01.")],
)
def test_a_day_with_no_market_is_a_404_naming_as_of_as_on_the_benchmarks(seed, viewer_client, as_of, message):
    response = viewer_client.post("/api/v1/analyser/", {"drafts": [DRAFT], "as_of": as_of}, format="json")
    per_gb = viewer_client.get("/api/v1/benchmarks/per-gb/", {"as_of": as_of})

    assert response.status_code == 404
    [error] = response.json()["errors"]
    assert (error["field"], error["code"]) == ("as_of", "does_not_exist")
    assert error["message"].startswith(message)
    assert per_gb.json()["errors"] == response.json()["errors"]


def test_an_unknown_province_or_operator_alone_is_a_404_naming_it(seed, viewer_client):
    body = {"drafts": [{**DRAFT, "operator": "zzz"}], "province": "99"}

    response = viewer_client.post("/api/v1/analyser/", body, format="json")

    assert response.status_code == 404
    assert response.json()["errors"] == [
        {"field": "province", "message": "No province with code '99'.", "code": "does_not_exist"},
        {"field": "drafts.0.operator", "message": "No operator with code 'zzz'.", "code": "does_not_exist"},
    ]


def test_its_schema_states_the_drafts_rules(seed, viewer_client):
    schema = viewer_client.get("/api/schema/", HTTP_ACCEPT="application/vnd.oai.openapi+json").json()
    shapes = schema["components"]["schemas"]
    draft = shapes["DraftInputRequest"]

    for body in ("AnalyserInputRequest", "DraftSetInputRequest"):
        drafts = shapes[body]["properties"]["drafts"]
        assert (drafts["items"], drafts["minItems"], drafts["maxItems"]) == (
            {"$ref": "#/components/schemas/DraftInputRequest"},
            1,
            6,
        )
    assert draft["additionalProperties"] is False
    validity = draft["properties"]["validity_days"]
    assert (validity["minimum"], validity["maximum"]) == (1, 731)
    assert draft["properties"]["data_gb"]["pattern"] == r"^(?=[^1-9]*[1-9])([0-9]{1,7}(\.[0-9]{0,3})?|\.[0-9]{1,3})$"
    assert draft["not"]["properties"]["data_unlimited"] == {"enum": [True]}


def test_it_refuses_an_anonymous_client(seed, api_client):
    assert api_client.post("/api/v1/analyser/", {"drafts": [DRAFT]}, format="json").status_code == 401


def test_its_query_count_does_not_grow_with_the_drafts(seed, viewer_client, django_assert_max_num_queries):
    with django_assert_max_num_queries(8):
        analyse(viewer_client, {"drafts": [DRAFT] * 6, "province": "31"})


# --------------------------------------------------------------------------- saved draft sets


def test_an_analyst_saves_a_draft_set_with_an_audited_history(seed, analyst, analyst_client):
    response = analyst_client.post(
        "/api/v1/analyser/sets/", {"name": "Q3 7-day card", "drafts": [DRAFT], "province": "31"}, format="json"
    )
    assert response.status_code == 201, response.content
    draft_set = DraftSet.objects.get(pk=response.json()["id"])
    assert (draft_set.owner, draft_set.province_id is not None, draft_set.version) == (analyst, True, 1)
    assert draft_set.drafts[0]["price_cny"] == "60.00"
    assert draft_set.history.get().history_user == analyst


def test_a_viewer_cannot_save_a_draft_set(seed, viewer_client):
    response = viewer_client.post("/api/v1/analyser/sets/", {"name": "mine", "drafts": [DRAFT]}, format="json")
    assert response.status_code == 403
    assert not DraftSet.objects.exists()


def test_a_saved_set_refuses_a_bad_draft_in_the_analysers_words(seed, analyst_client):
    body = {"name": "bad", "drafts": [DRAFT] * 7}
    response = analyst_client.post("/api/v1/analyser/sets/", body, format="json")
    assert response.status_code == 400
    assert response.json()["errors"][0]["message"] == "Enter at most 6 drafts."
    body = {"name": "bad", "drafts": [{**DRAFT, "data_gb": "0"}]}
    response = analyst_client.post("/api/v1/analyser/sets/", body, format="json")
    assert response.json()["errors"][0] == {
        "field": "drafts.0.data_gb",
        "message": "Data must be greater than 0 GB; leave it empty when unknown.",
        "code": "invalid",
    }


def test_a_set_of_a_day_with_no_market_is_a_404_in_the_analysers_words(seed, analyst_client):
    body = {"name": "future", "drafts": [DRAFT], "as_of": "1999-12-31"}

    response = analyst_client.post("/api/v1/analyser/sets/", body, format="json")

    assert response.status_code == 404
    assert response.json()["errors"] == [
        {"field": "as_of", "message": "The date must not be before 2000-01-01.", "code": "does_not_exist"}
    ]


def test_a_second_set_of_the_same_name_is_a_409(seed, analyst_client):
    body = {"name": "Q3 7-day card", "drafts": [DRAFT]}
    assert analyst_client.post("/api/v1/analyser/sets/", body, format="json").status_code == 201

    response = analyst_client.post("/api/v1/analyser/sets/", body, format="json")

    assert response.status_code == 409
    assert response.json()["errors"] == [
        {"field": None, "message": "You already have a draft set with this name.", "code": "unique"}
    ]


def test_another_logged_in_user_reads_a_shared_set_by_its_link(seed, viewer_client):
    draft_set = DraftSetFactory(name="shared")
    response = viewer_client.get(f"/api/v1/analyser/shared/{draft_set.share_token}/")
    assert response.status_code == 200
    assert (response.json()["name"], response.json()["owner"]) == ("shared", draft_set.owner.username)


def test_an_anonymous_client_cannot_read_a_shared_set(seed, api_client):
    draft_set = DraftSetFactory()
    assert api_client.get(f"/api/v1/analyser/shared/{draft_set.share_token}/").status_code == 401


def test_another_user_cannot_change_or_even_see_a_set_by_its_id(seed, analyst_client):
    draft_set = DraftSetFactory(owner=AnalystFactory(username="someone-else"))
    url = f"/api/v1/analyser/sets/{draft_set.pk}/"
    assert analyst_client.get(url).status_code == 404
    assert analyst_client.patch(url, {"name": "mine now"}, format="json", HTTP_IF_MATCH='"1"').status_code == 404
    assert analyst_client.get("/api/v1/analyser/sets/").json()["count"] == 0


def test_the_owner_changes_a_set_based_on_its_version(seed, analyst, analyst_client):
    draft_set = DraftSetFactory(owner=analyst)
    url = f"/api/v1/analyser/sets/{draft_set.pk}/"
    response = analyst_client.patch(url, {"name": "renamed"}, format="json", HTTP_IF_MATCH='"1"')
    assert response.status_code == 200, response.content
    assert (response.json()["name"], response["ETag"]) == ("renamed", '"2"')
    stale = analyst_client.patch(url, {"name": "again"}, format="json", HTTP_IF_MATCH='"1"')
    assert stale.status_code == 412
    assert DraftSet.objects.get(pk=draft_set.pk).name == "renamed"


# --------------------------------------------------------------------------- sensitivity


def sensitivity_by_plan(client: APIClient, bucket: str) -> list[tuple]:
    response = client.get("/api/v1/benchmarks/sensitivity/", {"bucket": bucket})
    assert response.status_code == 200, response.content
    return [
        (row["branch_name_zh"], row["plan_name_zh"], row["ranks"], row["rank_spread"])
        for row in response.json()["results"]
    ]


def test_it_ranks_the_seeds_30_day_tiers_under_every_metric_by_spread(seed, viewer_client):
    # By hand, the seed's 30-day tiers (price, GB, domestic / international minutes):
    # 深圳联通 170, 80, 300/100; 上海移动 熊猫卡 200, 80, 300/300; 浙江联通 第15-17行 150, 50, 300/0;
    # 北京移动 250, 80, 300/0; 浙江旅游卡 259, 80, 400/100; 上海电信 195, data unknown.
    # Per GB: 2.13, 2.50, 3.00, 3.13, 3.24. Per day (and per 30 days) by price. week-light and fortnight
    # and month need international minutes (not 浙江联通's or 北京移动's 0), every basket needs data.
    rows = sensitivity_by_plan(viewer_client, "30+")
    assert rows == [
        (
            "浙江联通",
            "浙江旅游卡",
            {"per_gb": 5, "per_day": 6, "per_30_days": 6, "week-light": 3, "week-data": 5, "fortnight": 3, "month": 3},
            3,
        ),
        (
            "上海移动",
            "熊猫卡",
            {"per_gb": 2, "per_day": 4, "per_30_days": 4, "week-light": 2, "week-data": 3, "fortnight": 2, "month": 2},
            2,
        ),
        (
            "浙江联通",
            "表1 浙江联通 第15-17行套餐",
            {
                "per_gb": 3,
                "per_day": 1,
                "per_30_days": 1,
                "week-light": None,
                "week-data": 1,
                "fortnight": None,
                "month": None,
            },
            2,
        ),
        (
            "深圳联通",
            "深圳外籍来宾短期卡",
            {"per_gb": 1, "per_day": 2, "per_30_days": 2, "week-light": 1, "week-data": 2, "fortnight": 1, "month": 1},
            1,
        ),
        (
            "北京移动",
            "灵动卡",
            {
                "per_gb": 4,
                "per_day": 5,
                "per_30_days": 5,
                "week-light": None,
                "week-data": 4,
                "fortnight": None,
                "month": None,
            },
            1,
        ),
        (
            "上海电信",
            "中国电信短期卡",
            {
                "per_gb": None,
                "per_day": 3,
                "per_30_days": 3,
                "week-light": None,
                "week-data": None,
                "fortnight": None,
                "month": None,
            },
            0,
        ),
    ]


def test_its_sensitivity_rows_carry_the_tiers_own_fields(seed, viewer_client):
    response = viewer_client.get("/api/v1/benchmarks/sensitivity/", {"bucket": "30+"})
    body = response.json()
    assert body["metrics"] == ["per_gb", "per_day", "per_30_days", "week-light", "week-data", "fortnight", "month"]
    first = body["results"][0]
    assert Tier.objects.get(pk=first["tier_id"]).plan.name_zh == "浙江旅游卡"
    assert (first["validity_days"], first["price_cny"]) == (30, "259.00")


def test_its_sensitivity_csv_flattens_the_ranks(seed, viewer_client):
    response = viewer_client.get("/api/v1/benchmarks/sensitivity/", {"bucket": "30+", "format": "csv"})
    header, first = response.content.decode().lstrip("\ufeff").splitlines()[:2]
    assert header.split(",")[8:] == [
        "ranks.per_gb",
        "ranks.per_day",
        "ranks.per_30_days",
        "ranks.week-light",
        "ranks.week-data",
        "ranks.fortnight",
        "ranks.month",
        "rank_spread",
    ]
    assert first.endswith(",5,6,6,3,5,3,3,3")


def test_sensitivity_refuses_an_unknown_bucket_and_a_bad_date(seed, viewer_client):
    response = viewer_client.get("/api/v1/benchmarks/sensitivity/", {"bucket": "9"})
    assert response.json()["errors"][0]["field"] == "bucket"
    response = viewer_client.get("/api/v1/benchmarks/sensitivity/", {"as_of": "June"})
    assert response.json()["errors"][0] == {
        "field": "as_of",
        "message": "Enter the date as YYYY-MM-DD, e.g. 2025-05-01.",
        "code": "invalid",
    }


def test_sensitivity_queries_are_bounded(seed, viewer_client, django_assert_max_num_queries):
    with django_assert_max_num_queries(4):
        assert viewer_client.get("/api/v1/benchmarks/sensitivity/", {"bucket": "1-7"}).status_code == 200


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("price_cny", 60, 'Give the amount as a decimal string, e.g. "60.00".'),
        ("validity_days", "7", "Enter a whole number."),
        ("validity_days", True, "Enter a whole number."),
        ("data_unlimited", "yes", "Enter true or false."),
        ("label", 5, "Enter text."),
    ],
)
def test_it_takes_each_field_only_in_its_documented_json_type(seed, viewer_client, field, value, message):
    response = viewer_client.post("/api/v1/analyser/", {"drafts": [{**DRAFT, field: value}]}, format="json")
    assert response.status_code == 400
    assert response.json()["errors"] == [{"field": f"drafts.0.{field}", "message": message, "code": "invalid"}]
