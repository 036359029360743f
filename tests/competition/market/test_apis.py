"""/api/v1/launches/, /partners/ and /strategies/ (with milestones and key figures) on the seed."""

from __future__ import annotations

import io
from decimal import Decimal
from typing import Any

import pandas as pd
from rest_framework.test import APIClient

from competition.models import KeyFigure, Launch, Strategy
from tests.factories import BranchFactory, KeyFigureFactory, LaunchFactory, OperatorFactory, StrategyFactory


def names(client: APIClient, url: str, query: dict[str, Any], key: str = "name_zh") -> list[str]:
    response = client.get(url, {**query, "page_size": 100})
    assert response.status_code == 200, response.json()
    return [row[key] for row in response.json()["results"]]


def test_it_filters_the_seeds_launches(seed, viewer_client: APIClient):
    unionpay = viewer_client.get("/api/v1/partners/", {"q": "银联"}).json()["results"][0]

    assert names(viewer_client, "/api/v1/launches/", {"operator": "cucc", "launched_from": "2025-03-01"}) == [
        "幂方卡",
        "畅游通",
    ]
    assert names(viewer_client, "/api/v1/launches/", {"province": "31", "kind": "wifi"}) == ["魔都WiFi"]
    assert names(viewer_client, "/api/v1/launches/", {"partner": unionpay["id"]}) == ["畅游通"]
    assert set(names(viewer_client, "/api/v1/launches/", {"province": "11"})) == {
        "幂方卡",
        "畅游通",
        "无忧短期旅行通信卡套餐",
        "首都机场、大兴机场联通营业厅",
    }
    assert names(viewer_client, "/api/v1/launches/", {"q": "device rental"}) == ["联网终端设备租赁方案"]


def test_it_shows_a_launchs_partners_branch_and_province(seed, viewer_client: APIClient):
    (launch,) = viewer_client.get("/api/v1/launches/", {"q": "幂方卡"}).json()["results"]

    assert (launch["operator"], launch["branch_name"], launch["province_code"]) == ("cucc", "北京联通", "11")
    assert (launch["launched_on"], launch["date_precision"], launch["kind"]) == ("2025-03-01", "day", "bundle")
    assert launch["partner_names"] == ["中国银行", "北京一卡通公司"]


def test_it_filters_strategies_by_operator_and_theme_with_their_milestones(seed, viewer_client: APIClient):
    quantum = viewer_client.get("/api/v1/strategies/", {"operator": "ctcc", "theme": "quantum"}).json()["results"]

    assert [s["title_zh"] for s in quantum] == ["中国电信：中电信量子集团与量子城域网"]
    assert len(quantum[0]["milestones"]) == 2
    assert len(quantum[0]["key_figures"]) == 6
    assert names(viewer_client, "/api/v1/strategies/", {"theme": "short_drama"}, "operator") == [
        None,
        "cmcc",
        "ctcc",
        "cucc",
    ]


def test_it_lists_a_strategys_milestones_and_key_figures_as_sub_resources(seed, viewer_client: APIClient):
    strategy = Strategy.objects.get(title_zh="中国电信：中电信量子集团与量子城域网")

    milestones = viewer_client.get(f"/api/v1/strategies/{strategy.pk}/milestones/").json()
    figures = viewer_client.get(f"/api/v1/strategies/{strategy.pk}/key-figures/", {"format": "csv"})

    assert milestones["count"] == 2
    assert {row["strategy"] for row in milestones["results"]} == {strategy.pk}
    frame = pd.read_csv(io.BytesIO(figures.content), encoding="utf-8-sig", dtype=str)
    assert len(frame) == 6
    assert list(frame.columns) == [
        "id",
        "strategy",
        "label_zh",
        "label_en",
        "amount",
        "unit",
        "unit_label",
        "as_of",
        "as_of_precision",
        "status",
    ]
    stored = KeyFigure.objects.filter(strategy=strategy).values_list("amount", flat=True)
    assert sorted(frame["amount"]) == sorted(f"{amount:.4f}" for amount in stored)


def test_it_exports_strategies_with_nested_rows_as_json_cells(seed, viewer_client: APIClient):
    response = viewer_client.get("/api/v1/strategies/", {"theme": "quantum", "operator": "cucc", "format": "csv"})

    frame = pd.read_csv(io.BytesIO(response.content), encoding="utf-8-sig", dtype=str, keep_default_na=False)
    assert len(frame) == 1
    assert frame.loc[0, "milestones"].startswith('[{"id": ')
    assert "北京-雄安量子干线" in frame.loc[0, "title_zh"]


def test_it_refuses_a_launch_whose_branch_belongs_to_another_operator(analyst_client: APIClient, db):
    launch = LaunchFactory()
    other_branch = BranchFactory(operator=OperatorFactory(code="other"))

    response = analyst_client.post(
        "/api/v1/launches/",
        {
            "operator": launch.operator.code,
            "branch": other_branch.pk,
            "name_zh": "错配",
            "kind": "sim",
            "source": launch.source_id,
        },
        format="json",
    )

    assert response.status_code == 400
    assert response.json()["errors"] == [
        {"field": "branch", "message": "The branch belongs to another operator.", "code": "invalid"}
    ]
    assert Launch.objects.count() == 1


def test_it_adds_a_key_figure_to_the_strategy_in_the_url(analyst, analyst_client: APIClient, db):
    strategy = StrategyFactory()

    response = analyst_client.post(
        f"/api/v1/strategies/{strategy.pk}/key-figures/",
        {"label_zh": "注册资本", "amount": "30.5", "unit": "亿元"},
        format="json",
    )

    assert response.status_code == 201
    assert (response.json()["strategy"], response.json()["amount"]) == (strategy.pk, "30.5000")
    assert KeyFigure.objects.get(pk=response.json()["id"]).history.earliest().history_user == analyst


def test_it_answers_404_for_a_figure_of_another_strategy(viewer_client: APIClient, db):
    figure = KeyFigureFactory()
    other = StrategyFactory()

    response = viewer_client.get(f"/api/v1/strategies/{other.pk}/key-figures/{figure.pk}/")

    assert response.status_code == 404


def test_it_orders_a_strategys_key_figures_by_amount(seed, viewer_client: APIClient):
    strategy = Strategy.objects.get(title_zh="中国电信：中电信量子集团与量子城域网")

    response = viewer_client.get(f"/api/v1/strategies/{strategy.pk}/key-figures/", {"ordering": "-amount"})

    amounts = [Decimal(row["amount"]) for row in response.json()["results"]]
    assert amounts == sorted(amounts, reverse=True)
    assert len(amounts) == 6
