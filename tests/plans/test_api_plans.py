"""/api/v1/plans/ and /api/v1/perks/: the seed's plans with their perks, filters and plan writes."""

from __future__ import annotations

from typing import Any

import pytest
from rest_framework.test import APIClient

from plans.models import Plan, Tier
from tests.factories import BranchFactory, PerkFactory, PlanFactory, SourceFactory, TierFactory


def names(client: APIClient, url: str, query: dict[str, Any]) -> list[str]:
    response = client.get(url, {**query, "page_size": 100})
    assert response.status_code == 200, response.json()
    return [row["name_zh"] for row in response.json()["results"]]


def test_it_lists_and_filters_the_seeds_plans(seed, viewer_client: APIClient):
    panda = viewer_client.get("/api/v1/plans/", {"q": "Panda"}).json()["results"]

    assert names(viewer_client, "/api/v1/plans/", {"province": "31", "operator": "ctcc"}) == [
        "中国电信短期卡",
        "欢迎流量卡",
    ]
    assert names(viewer_client, "/api/v1/plans/", {"segment": "perk_pack"}) == ["吃货卡", "龙腾随心行轻享包"]
    assert names(viewer_client, "/api/v1/plans/", {"operator": "cucc", "province": "33"}) == [
        "浙江旅游卡",
        "表1 浙江联通 第15-17行套餐",
    ]
    assert [p["name_en"] for p in panda] == ["Panda Card"]
    assert sorted(panda[0]["perk_names"]) == sorted(["来电显示", "同声译", "咪咕视频钻石会员包月"])
    assert (panda[0]["branch_name"], panda[0]["operator_code"], panda[0]["province_code"]) == ("上海移动", "cmcc", "31")


def test_it_keeps_the_validity_options_a_source_names_without_prices(seed, viewer_client: APIClient):
    (plan,) = viewer_client.get("/api/v1/plans/", {"q": "无忧短期旅行"}).json()["results"]

    assert plan["validity_options_days"] == [7, 10, 15, 30]
    assert viewer_client.get("/api/v1/tiers/", {"plan": plan["id"]}).json()["count"] == 0


def test_it_lists_perks_by_category(seed, viewer_client: APIClient):
    assert names(viewer_client, "/api/v1/perks/", {"category": "mobility"}) == ["随心GO", "龙腾随心行"]
    assert names(viewer_client, "/api/v1/perks/", {"q": "Caller"}) == ["来电显示"]


def test_it_filters_plans_by_perk(seed, viewer_client: APIClient):
    perk = viewer_client.get("/api/v1/perks/", {"q": "同声译"}).json()["results"][0]

    assert names(viewer_client, "/api/v1/plans/", {"perk": perk["id"]}) == ["熊猫卡"]


def test_it_sets_and_replaces_a_plans_perks(analyst, analyst_client: APIClient, db):
    branch, source = BranchFactory(), SourceFactory()
    video, caller = PerkFactory(), PerkFactory()

    created = analyst_client.post(
        "/api/v1/plans/",
        {"branch": branch.pk, "name_zh": "新卡", "source": source.pk, "perks": [video.pk]},
        format="json",
    )
    changed = analyst_client.patch(
        f"/api/v1/plans/{created.json()['id']}/", {"perks": [caller.pk]}, format="json", HTTP_IF_MATCH='"1"'
    )

    assert created.status_code == 201
    assert created.json()["perks"] == [video.pk]
    assert changed.json()["perks"] == [caller.pk]
    assert (changed.json()["version"], changed["ETag"]) == (2, '"2"')
    assert list(Plan.objects.get(pk=created.json()["id"]).perks.all()) == [caller]


@pytest.mark.parametrize(
    ("change", "field", "status"),
    [
        ({"name_zh": "已有卡"}, None, 409),  # the same name twice in one branch: taken
        ({"launched_on": "2025-05-01", "withdrawn_on": "2025-04-01"}, "withdrawn_on", 400),
        ({"validity_options_days": [7, 0]}, "validity_options_days.1", 400),
        ({"branch": 999999}, "branch", 404),  # names a row that does not exist
        ({"perks": [999999]}, "perks", 404),
        ({"segment": "tourists"}, "segment", 400),
    ],
)
def test_it_refuses_a_bad_plan_naming_the_field_and_writes_nothing(
    analyst_client: APIClient, db, change: dict[str, Any], field: str | None, status: int
):
    existing = PlanFactory(name_zh="已有卡")
    payload = {"branch": existing.branch_id, "name_zh": "新卡", "source": existing.source_id, **change}
    count = Plan.objects.count()

    response = analyst_client.post("/api/v1/plans/", payload, format="json")

    assert response.status_code == status
    assert response.json()["errors"][0]["field"] == field
    assert Plan.objects.count() == count


def test_it_deletes_a_plan_with_its_tiers_and_keeps_their_history(analyst, analyst_client: APIClient, db):
    tier = TierFactory()

    response = analyst_client.delete(f"/api/v1/plans/{tier.plan_id}/", HTTP_IF_MATCH='"1"')

    assert response.status_code == 204
    assert not Tier.objects.filter(pk=tier.pk).exists()
    assert Tier.history.filter(id=tier.pk).latest().history_type == "-"
    assert Plan.history.filter(id=tier.plan_id).latest().history_user == analyst


def test_it_refuses_a_plan_change_naming_no_version_or_a_stale_one(analyst_client: APIClient, db):
    plan = PlanFactory(name_en="Panda Card")
    url = f"/api/v1/plans/{plan.pk}/"
    assert analyst_client.get(url)["ETag"] == '"1"'

    missing = analyst_client.patch(url, {"name_en": "Smart Card"}, format="json")
    first = analyst_client.patch(url, {"name_en": "Smart Card", "version": 1}, format="json")
    stale = analyst_client.patch(url, {"name_en": "Lost Card"}, format="json", HTTP_IF_MATCH='"1"')
    stale_delete = analyst_client.delete(url, HTTP_IF_MATCH='"1"')

    assert missing.status_code == 428
    assert first.status_code == 200
    assert stale.status_code == 412
    assert stale.json()["detail"] == (
        "Someone changed this plan since you opened it (now version 2); reload to see their change."
    )
    assert stale_delete.status_code == 412
    plan.refresh_from_db()
    assert (plan.name_en, plan.version) == ("Smart Card", 2)
