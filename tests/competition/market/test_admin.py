"""Admin pages for partners, launches, strategies, milestones and key figures."""

from __future__ import annotations

import datetime
from collections.abc import Callable
from decimal import Decimal
from typing import Any

import pytest
from django.db import connection, models
from django.test.utils import CaptureQueriesContext

from competition.models import KeyFigure, Launch, Partner, Strategy, StrategyMilestone
from tests.admin_contract import AdminContract, admin_url
from tests.factories import (
    BranchFactory,
    KeyFigureFactory,
    LaunchFactory,
    OperatorFactory,
    PartnerFactory,
    PlanFactory,
    ProvinceFactory,
    SourceFactory,
    StrategyFactory,
    StrategyMilestoneFactory,
)


def management(prefix: str, *, total: int = 0, initial: int = 0) -> dict[str, Any]:
    return {
        f"{prefix}-TOTAL_FORMS": total,
        f"{prefix}-INITIAL_FORMS": initial,
        f"{prefix}-MIN_NUM_FORMS": 0,
        f"{prefix}-MAX_NUM_FORMS": 1000,
    }


def partner_payload() -> dict[str, Any]:
    return {"name_zh": "中国银联", "name_en": "UnionPay", "kind": "payment"}


def launch_payload() -> dict[str, Any]:
    operator = OperatorFactory(code="cucc", name_zh="中国联通", name_en="China Unicom")
    branch = BranchFactory(operator=operator, name_zh="北京联通", name_en="China Unicom Beijing")
    return {
        "operator": operator.pk,
        "branch": branch.pk,
        "name_zh": "幂方卡",
        "name_en": "CUBe Card",
        "kind": "bundle",
        "launched_on": "2025-03-01",
        "date_precision": "day",
        "status": "happened",
        "partners": [PartnerFactory(name_zh="中国银联").pk, PartnerFactory(name_zh="北京银行").pk],
        "plans": [PlanFactory(branch=branch).pk],
        "summary_zh": "",
        "summary_en": "",
        "source": SourceFactory().pk,
    }


def strategy_payload() -> dict[str, Any]:
    return {
        "operator": OperatorFactory(code="ctcc").pk,
        "theme": "quantum",
        "title_zh": "量子通信",
        "title_en": "Quantum communication",
        "summary_zh": "",
        "summary_en": "",
        "source": SourceFactory().pk,
        **management("milestones", total=1),
        "milestones-0-happened_on": "2025-05-01",
        "milestones-0-date_precision": "month",
        "milestones-0-status": "happened",
        "milestones-0-description_zh": "天衍量子计算云平台发布",
        "milestones-0-description_en": "",
        **management("key_figures", total=1),
        "key_figures-0-label_zh": "注册资本",
        "key_figures-0-amount": "30",
        "key_figures-0-unit": "亿元",
        "key_figures-0-status": "happened",
    }


def milestone_payload() -> dict[str, Any]:
    return {
        "strategy": StrategyFactory().pk,
        "happened_on": "2024-02-01",
        "date_precision": "month",
        "status": "happened",
        "description_zh": "成立量子公司",
        "description_en": "",
    }


def key_figure_payload() -> dict[str, Any]:
    return {
        "strategy": StrategyFactory().pk,
        "label_zh": "注册资本",
        "label_en": "",
        "amount": "30",
        "unit": "亿元",
        "status": "happened",
    }


CASES: list[tuple[type[models.Model], Callable[[], models.Model], Callable[[], dict[str, Any]], dict[str, Any]]] = [
    (Partner, PartnerFactory, partner_payload, {"name_zh": "中国银联"}),
    (Launch, LaunchFactory, launch_payload, {"name_zh": "幂方卡"}),
    (Strategy, StrategyFactory, strategy_payload, {"title_zh": "量子通信"}),
    (StrategyMilestone, StrategyMilestoneFactory, milestone_payload, {"description_zh": "成立量子公司"}),
    (KeyFigure, KeyFigureFactory, key_figure_payload, {"label_zh": "注册资本"}),
]
IDS = [case[0].__name__ for case in CASES]


class TestCompetitionAdminContract(AdminContract):
    cases = CASES
    history_records = {Launch: 3}  # the add, then its partners, then its plans


@pytest.mark.django_db
def test_a_launch_saves_its_partners_and_plans_audited(client, analyst):
    data = launch_payload()
    client.force_login(analyst)

    client.post(admin_url(Launch, "add"), data)

    launch = Launch.objects.get(name_zh="幂方卡")
    assert sorted(partner.name_zh for partner in launch.partners.all()) == ["中国银联", "北京银行"]
    assert list(launch.plans.values_list("pk", flat=True)) == data["plans"]
    latest = launch.history.latest()
    assert sorted(row.partner.name_zh for row in latest.partners.all()) == ["中国银联", "北京银行"]


@pytest.mark.django_db
def test_a_branch_of_another_operator_is_an_error_on_the_branch_field(client, analyst):
    data = {**launch_payload(), "operator": OperatorFactory(code="cmcc").pk}
    client.force_login(analyst)

    response = client.post(admin_url(Launch, "add"), data)

    assert response.status_code == 200
    assert response.context["adminform"].form.errors == {"branch": ["The branch belongs to another operator."]}


@pytest.mark.django_db
def test_a_strategy_saves_its_inline_milestones_and_key_figures_audited(client, analyst):
    client.force_login(analyst)

    response = client.post(admin_url(Strategy, "add"), strategy_payload())

    assert response.status_code == 302
    strategy = Strategy.objects.get(title_zh="量子通信")
    milestone = strategy.milestones.get()
    figure = strategy.key_figures.get()
    assert (milestone.happened_on, milestone.description_zh) == (datetime.date(2025, 5, 1), "天衍量子计算云平台发布")
    assert (figure.amount, figure.unit) == (Decimal("30.0000"), "亿元")
    assert milestone.history.get().history_user == analyst
    assert figure.history.get().history_user == analyst


@pytest.mark.django_db
def test_an_inline_key_figure_edit_and_delete_are_audited(client, analyst):
    strategy = StrategyFactory()
    kept = KeyFigureFactory(strategy=strategy, label_zh="用户数", amount=Decimal("5"), unit="万户")
    dropped = KeyFigureFactory(strategy=strategy, label_zh="旧数字")
    client.force_login(analyst)
    data = {
        "operator": strategy.operator_id,
        "theme": strategy.theme,
        "title_zh": strategy.title_zh,
        "title_en": "",
        "summary_zh": "",
        "summary_en": "",
        "source": strategy.source_id,
        **management("milestones"),
        **management("key_figures", total=2, initial=2),
        "key_figures-0-id": kept.pk,
        "key_figures-0-strategy": strategy.pk,
        "key_figures-0-label_zh": "用户数",
        "key_figures-0-amount": "6",
        "key_figures-0-unit": "万户",
        "key_figures-0-status": "happened",
        "key_figures-1-id": dropped.pk,
        "key_figures-1-strategy": strategy.pk,
        "key_figures-1-label_zh": "旧数字",
        "key_figures-1-amount": "30",
        "key_figures-1-unit": "亿元",
        "key_figures-1-status": "happened",
        "key_figures-1-DELETE": "on",
    }

    response = client.post(admin_url(Strategy, "change", strategy.pk), data)

    assert response.status_code == 302
    kept.refresh_from_db()
    assert kept.amount == Decimal("6.0000")
    assert kept.history.latest().history_user == analyst
    assert not KeyFigure.objects.filter(pk=dropped.pk).exists()
    assert KeyFigure.history.filter(id=dropped.pk, history_type="-").get().history_user == analyst


@pytest.mark.django_db
def test_it_filters_launches_by_operator_and_province_code(client, analyst):
    unicom = OperatorFactory(code="cucc")
    beijing_unicom = BranchFactory(operator=unicom, province=ProvinceFactory(code="11"))
    in_beijing = LaunchFactory(operator=unicom, branch=beijing_unicom)
    LaunchFactory(operator=unicom, branch=BranchFactory(operator=unicom, province=ProvinceFactory(code="31")))
    LaunchFactory(operator=OperatorFactory(code="cmcc"))
    client.force_login(analyst)

    response = client.get(admin_url(Launch, "changelist"), {"operator": "cucc", "province": "11"})

    assert list(response.context["cl"].result_list) == [in_beijing]


@pytest.mark.django_db
def test_the_launch_changelist_shows_partners_and_a_month_precise_date(client, analyst):
    launch = LaunchFactory(launched_on=datetime.date(2025, 3, 1), date_precision="month", name_zh="龙腾随心行轻享包")
    launch.partners.add(PartnerFactory(name_zh="浦发银行"))
    client.force_login(analyst)

    page = client.get(admin_url(Launch, "changelist")).content.decode()

    assert "浦发银行" in page
    assert "2025-03" in page
    assert "2025-03-01" not in page


def changelist_queries(client: Any, model: type[models.Model]) -> int:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(admin_url(model, "changelist"))
    assert response.status_code == 200
    return len(queries)


def launch_with_partners() -> Launch:
    launch = LaunchFactory(branch=None)
    launch.branch = BranchFactory(operator=launch.operator)
    launch.save()
    launch.partners.add(PartnerFactory(), PartnerFactory())
    return launch


def strategy_with_details() -> Strategy:
    strategy = StrategyFactory()
    StrategyMilestoneFactory(strategy=strategy)
    KeyFigureFactory(strategy=strategy)
    return strategy


GROWERS: list[tuple[type[models.Model], Callable[[], object]]] = [
    (Partner, lambda: launch_with_partners().partners.first()),
    (Launch, launch_with_partners),
    (Strategy, strategy_with_details),
    (StrategyMilestone, StrategyMilestoneFactory),
    (KeyFigure, KeyFigureFactory),
]


@pytest.mark.django_db
@pytest.mark.parametrize(("model", "grow"), GROWERS, ids=[model.__name__ for model, _ in GROWERS])
def test_the_changelist_query_count_does_not_grow_with_rows(client, analyst, model, grow):
    client.force_login(analyst)
    grow()
    few = changelist_queries(client, model)
    for _ in range(5):
        grow()
    grown = changelist_queries(client, model)

    assert model.objects.count() >= 6
    assert grown == few


@pytest.mark.django_db
def test_every_changelist_and_change_page_renders_over_the_seed_data(client, analyst, seed):
    from django.contrib import admin

    client.force_login(analyst)
    domain = [model for model in admin.site._registry if model._meta.app_label in {"operators", "plans", "competition"}]

    for model in domain:
        assert client.get(admin_url(model, "changelist")).status_code == 200, model
        first = model.objects.order_by("pk").first()
        if first is not None:
            assert client.get(admin_url(model, "change", first.pk)).status_code == 200, model
