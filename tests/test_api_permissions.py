"""Every API resource: anonymous refused, viewer reads, viewer write refused, analyst write audited."""

from __future__ import annotations

import datetime
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

import pytest
from django.db.models import Model
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from competition.models import ExchangeRate, IndicatorValue, KeyFigure, Launch, Partner, Strategy, StrategyMilestone
from operators.models import Branch, Operator, Province, Source
from plans.models import Perk, Plan, Tier
from tests.factories import (
    BranchFactory,
    ExchangeRateFactory,
    IndicatorFactory,
    IndicatorValueFactory,
    KeyFigureFactory,
    LaunchFactory,
    OperatorFactory,
    PartnerFactory,
    PerkFactory,
    PlanFactory,
    ProvinceFactory,
    SourceFactory,
    StrategyFactory,
    StrategyMilestoneFactory,
    TierFactory,
)

World = dict[str, Any]


@dataclass
class Resource:
    name: str
    model: type[Model]
    list_url: Callable[[World], str]
    detail_url: Callable[[World, Model], str]
    make: Callable[[World], Model]
    payload: Callable[[World], dict[str, Any]]
    change: dict[str, Any] = field(default_factory=dict)


def by_id(prefix: str) -> Callable[[World, Model], str]:
    return lambda world, obj: f"/api/v1/{prefix}/{obj.pk}/"


RESOURCES = [
    Resource(
        "operators",
        Operator,
        lambda w: "/api/v1/operators/",
        lambda w, obj: f"/api/v1/operators/{obj.code}/",
        lambda w: OperatorFactory(code="spare"),
        lambda w: {"code": "newop", "name_zh": "新运营商", "name_en": "New Operator", "kind": "mvno"},
        {"name_en": "Renamed Operator"},
    ),
    Resource(
        "provinces",
        Province,
        lambda w: "/api/v1/provinces/",
        lambda w, obj: f"/api/v1/provinces/{obj.code}/",
        lambda w: ProvinceFactory(code="86", name_zh="备用省", name_en="Spare"),
        lambda w: {"code": "87", "name_zh": "新省", "name_en": "New Province", "region": "west"},
        {"name_en": "Renamed Province"},
    ),
    Resource(
        "branches",
        Branch,
        lambda w: "/api/v1/branches/",
        by_id("branches"),
        lambda w: BranchFactory(operator=w["operator"], province=w["province"], city_zh="备用市"),
        lambda w: {"operator": "tst", "province": "85", "city_zh": "新市", "name_zh": "新市测试", "name_en": "New"},
        {"name_en": "Renamed Branch"},
    ),
    Resource(
        "sources",
        Source,
        lambda w: "/api/v1/sources/",
        by_id("sources"),
        lambda w: SourceFactory(),
        lambda w: {"publication": "通信竞争", "issue": "VOL. 72", "title": "新文章", "published_on": "2025-06-01"},
        {"author": "钟翠霞"},
    ),
    Resource(
        "perks",
        Perk,
        lambda w: "/api/v1/perks/",
        by_id("perks"),
        lambda w: PerkFactory(),
        lambda w: {"name_zh": "新权益", "name_en": "New perk", "category": "video"},
        {"description": "更新"},
    ),
    Resource(
        "plans",
        Plan,
        lambda w: "/api/v1/plans/",
        by_id("plans"),
        lambda w: PlanFactory(branch=w["branch"], source=w["source"]),
        lambda w: {
            "branch": w["branch"].pk,
            "name_zh": "新卡",
            "source": w["source"].pk,
            "perks": [w["perk"].pk],
            "validity_options_days": [7, 15],
        },
        {"name_en": "Renamed Plan"},
    ),
    Resource(
        "tiers",
        Tier,
        lambda w: "/api/v1/tiers/",
        by_id("tiers"),
        lambda w: TierFactory(plan=w["plan"], validity_days=30),
        lambda w: {"plan": w["plan"].pk, "validity_days": 7, "price_cny": "50.00", "data_gb": "10"},
        {"notes": "checked against the WeChat post"},
    ),
    Resource(
        "partners",
        Partner,
        lambda w: "/api/v1/partners/",
        by_id("partners"),
        lambda w: PartnerFactory(),
        lambda w: {"name_zh": "新银行", "name_en": "New Bank", "kind": "bank"},
        {"name_en": "Renamed Bank"},
    ),
    Resource(
        "launches",
        Launch,
        lambda w: "/api/v1/launches/",
        by_id("launches"),
        lambda w: LaunchFactory(operator=w["operator"], source=w["source"]),
        lambda w: {
            "operator": "tst",
            "branch": w["branch"].pk,
            "name_zh": "新发布",
            "kind": "sim",
            "launched_on": "2025-03-01",
            "partners": [w["partner"].pk],
            "plans": [w["plan"].pk],
            "source": w["source"].pk,
        },
        {"summary_en": "Launched with a bank"},
    ),
    Resource(
        "strategies",
        Strategy,
        lambda w: "/api/v1/strategies/",
        by_id("strategies"),
        lambda w: StrategyFactory(operator=w["operator"], source=w["source"]),
        lambda w: {"operator": "tst", "theme": "quantum", "title_zh": "量子通信布局", "source": w["source"].pk},
        {"title_en": "Quantum communication"},
    ),
    Resource(
        "milestones",
        StrategyMilestone,
        lambda w: f"/api/v1/strategies/{w['strategy'].pk}/milestones/",
        lambda w, obj: f"/api/v1/strategies/{obj.strategy_id}/milestones/{obj.pk}/",
        lambda w: StrategyMilestoneFactory(strategy=w["strategy"]),
        lambda w: {"happened_on": "2024-02-01", "date_precision": "month", "description_zh": "成立量子公司"},
        {"description_en": "Quantum company founded"},
    ),
    Resource(
        "key figures",
        KeyFigure,
        lambda w: f"/api/v1/strategies/{w['strategy'].pk}/key-figures/",
        lambda w, obj: f"/api/v1/strategies/{obj.strategy_id}/key-figures/{obj.pk}/",
        lambda w: KeyFigureFactory(strategy=w["strategy"]),
        lambda w: {"label_zh": "注册资本", "amount": "30", "unit": "亿元", "as_of": "2024-02-01"},
        {"label_en": "Registered capital"},
    ),
    Resource(
        "indicator values",
        IndicatorValue,
        lambda w: "/api/v1/indicators/",
        by_id("indicators"),
        lambda w: IndicatorValueFactory(province=w["province"], source=w["source"]),
        lambda w: {
            "indicator": IndicatorFactory(code="tst_indicator").code,
            "province": "85",
            "period_start": "2021-01-01",
            "period_precision": "year",
            "value": "1.47",
            "unit": "万亿元",
            "source": w["source"].pk,
            "locator": "p. 1",
        },
        {"notes": "checked against the source"},
    ),
    Resource(
        "exchange rates",
        ExchangeRate,
        lambda w: "/api/v1/exchange-rates/",
        by_id("exchange-rates"),
        lambda w: ExchangeRateFactory(rate_on=datetime.date(2025, 5, 30), source=w["source"]),
        lambda w: {"currency": "EUR", "rate_on": "2025-06-02", "cny_per_unit": "8.1", "source": w["source"].pk},
        {"notes": "central parity"},
    ),
]
IDS = [resource.name for resource in RESOURCES]


@pytest.fixture
def world(db) -> World:
    operator = OperatorFactory(code="tst", name_zh="测试运营商", name_en="Test Operator")
    province = ProvinceFactory(code="85", name_zh="测试省", name_en="Test Province")
    source = SourceFactory()
    branch = BranchFactory(operator=operator, province=province, name_zh="测试分公司", name_en="Test Branch")
    plan = PlanFactory(branch=branch, source=source, name_zh="测试卡")
    TierFactory(plan=plan, validity_days=15, price_cny=Decimal("80.00"), effective_from=datetime.date(2025, 1, 1))
    return {
        "operator": operator,
        "province": province,
        "source": source,
        "branch": branch,
        "plan": plan,
        "perk": PerkFactory(),
        "partner": PartnerFactory(),
        "strategy": StrategyFactory(operator=operator, source=source),
    }


@pytest.mark.parametrize("resource", RESOURCES, ids=IDS)
def test_it_refuses_anonymous_requests_with_401(resource: Resource, world: World, api_client: APIClient):
    obj = resource.make(world)

    listing = api_client.get(resource.list_url(world))
    detail = api_client.get(resource.detail_url(world, obj))
    created = api_client.post(resource.list_url(world), resource.payload(world), format="json")

    for response in (listing, detail, created):
        assert response.status_code == 401
        assert response["WWW-Authenticate"] == "Token"
        assert response.json()["errors"][0]["code"] == "not_authenticated"


@pytest.mark.parametrize("resource", RESOURCES, ids=IDS)
def test_it_lets_a_viewer_read_the_list_and_the_detail(resource: Resource, world: World, viewer_client: APIClient):
    obj = resource.make(world)

    listing = viewer_client.get(resource.list_url(world), {"page_size": 100})
    detail = viewer_client.get(resource.detail_url(world, obj))

    assert listing.status_code == 200
    assert obj.pk in [row["id"] for row in listing.json()["results"]]
    assert detail.status_code == 200
    assert detail.json()["id"] == obj.pk


@pytest.mark.parametrize("resource", RESOURCES, ids=IDS)
def test_it_refuses_a_viewers_writes_with_403_and_changes_nothing(
    resource: Resource, world: World, viewer_client: APIClient
):
    obj = resource.make(world)
    count = resource.model.objects.count()
    history = resource.model.history.count()

    created = viewer_client.post(resource.list_url(world), resource.payload(world), format="json")
    changed = viewer_client.patch(resource.detail_url(world, obj), resource.change, format="json")
    deleted = viewer_client.delete(resource.detail_url(world, obj))

    for response in (created, changed, deleted):
        assert response.status_code == 403
        assert response.json()["detail"] == "Writing requires the analyst role."
    assert resource.model.objects.count() == count
    assert resource.model.history.count() == history


@pytest.mark.parametrize("resource", RESOURCES, ids=IDS)
def test_it_lets_an_analyst_create_change_and_delete_with_history(
    resource: Resource, world: World, analyst, analyst_client: APIClient
):
    created = analyst_client.post(resource.list_url(world), resource.payload(world), format="json")
    assert created.status_code == 201, created.json()
    new_id = created.json()["id"]
    obj = resource.model.objects.get(pk=new_id)
    first = obj.history.earliest()
    assert (first.history_type, first.history_user) == ("+", analyst)

    # Plans and tiers carry a version: a change names the one it is based on (their ETag).
    etag = analyst_client.get(resource.detail_url(world, obj)).get("ETag")
    precondition = {"HTTP_IF_MATCH": etag} if etag else {}
    changed = analyst_client.patch(resource.detail_url(world, obj), resource.change, format="json", **precondition)
    assert changed.status_code == 200, changed.json()
    for name, value in resource.change.items():
        assert changed.json()[name] == value
    latest = obj.history.latest()
    assert (latest.history_type, latest.history_user) == ("~", analyst)

    etag = analyst_client.get(resource.detail_url(world, obj)).get("ETag")
    deleted = analyst_client.delete(resource.detail_url(world, obj), **({"HTTP_IF_MATCH": etag} if etag else {}))
    assert deleted.status_code == 204
    assert not resource.model.objects.filter(pk=new_id).exists()
    gone = resource.model.history.filter(id=new_id).latest()
    assert (gone.history_type, gone.history_user) == ("-", analyst)


def test_it_accepts_a_drf_token_in_the_authorization_header(world: World, viewer, api_client: APIClient):
    token = Token.objects.create(user=viewer)

    response = api_client.get("/api/v1/operators/", HTTP_AUTHORIZATION=f"Token {token.key}")

    assert response.status_code == 200
    assert [row["code"] for row in response.json()["results"]] == ["tst"]


def test_it_refuses_an_unknown_token(api_client: APIClient, db):
    response = api_client.get("/api/v1/operators/", HTTP_AUTHORIZATION="Token not-a-real-key")

    assert response.status_code == 401
    assert response.json()["errors"][0]["code"] == "authentication_failed"


def test_it_lets_a_logged_in_session_read(world: World, viewer, api_client: APIClient):
    api_client.force_login(viewer)

    response = api_client.get("/api/v1/branches/")

    assert response.status_code == 200
    assert response.json()["results"][0]["name_zh"] == "测试分公司"


def test_it_refuses_a_user_without_a_role_to_write(world: World, outsider, api_client: APIClient):
    api_client.force_authenticate(outsider)

    response = api_client.post("/api/v1/perks/", {"name_zh": "x", "name_en": "x"}, format="json")

    assert response.status_code == 403
