"""Launches, strategies and their details: validation and readable bilingual names."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from competition.models import KeyFigure, Launch, Strategy, StrategyMilestone
from tests.factories import (
    BranchFactory,
    KeyFigureFactory,
    LaunchFactory,
    OperatorFactory,
    PartnerFactory,
    SourceFactory,
    StrategyFactory,
    StrategyMilestoneFactory,
)


@pytest.mark.django_db
def test_a_launch_rejects_a_branch_of_another_operator():
    unicom = OperatorFactory(code="cucc", name_zh="中国联通")
    mobile_branch = BranchFactory(operator=OperatorFactory(code="cmcc", name_zh="中国移动"))
    launch = Launch(
        operator=unicom, branch=mobile_branch, name_zh="畅游通", kind=Launch.Kind.SIM, source=SourceFactory()
    )

    with pytest.raises(ValidationError) as caught:
        launch.full_clean()

    assert caught.value.message_dict == {"branch": ["The branch belongs to another operator."]}


@pytest.mark.django_db
def test_a_launch_by_its_operators_own_branch_is_valid():
    branch = BranchFactory()
    launch = Launch(
        operator=branch.operator,
        branch=branch,
        name_zh="幂方卡",
        kind=Launch.Kind.BUNDLE,
        launched_on=datetime.date(2025, 3, 1),
        source=SourceFactory(),
    )

    launch.full_clean()


@pytest.mark.django_db
def test_a_launch_reads_as_its_branch_and_bilingual_name():
    branch = BranchFactory(name_zh="北京联通")
    launch = LaunchFactory(operator=branch.operator, branch=branch, name_zh="幂方卡", name_en="CUBe Card")

    assert str(launch) == "北京联通 幂方卡 CUBe Card"


@pytest.mark.django_db
def test_an_operator_wide_launch_reads_as_the_operator():
    launch = LaunchFactory(operator=OperatorFactory(name_zh="中国电信"), name_zh="魔都WiFi", name_en="")

    assert str(launch) == "中国电信 魔都WiFi"


@pytest.mark.django_db
def test_a_branch_does_not_launch_the_same_name_twice():
    branch = BranchFactory()
    LaunchFactory(operator=branch.operator, branch=branch, name_zh="畅游通")

    with pytest.raises(IntegrityError), transaction.atomic():
        LaunchFactory(operator=branch.operator, branch=branch, name_zh="畅游通")


@pytest.mark.django_db
def test_a_partner_reads_as_its_names_without_a_trailing_space():
    assert str(PartnerFactory(name_zh="中国银联", name_en="UnionPay")) == "中国银联 UnionPay"
    assert str(PartnerFactory(name_zh="北京银行", name_en="")) == "北京银行"


@pytest.mark.django_db
def test_a_strategy_reads_as_its_operator_and_title():
    strategy = StrategyFactory(operator=OperatorFactory(name_zh="中国移动"), title_zh="微短剧")

    assert str(strategy) == "中国移动 · 微短剧"


@pytest.mark.django_db
def test_an_industry_wide_strategy_reads_as_industry():
    assert str(StrategyFactory(operator=None, title_zh="服务即软件")) == "Industry · 服务即软件"


@pytest.mark.django_db
def test_a_strategy_needs_a_known_theme():
    strategy = Strategy(operator=OperatorFactory(), theme="gaming", title_zh="游戏", source=SourceFactory())

    with pytest.raises(ValidationError) as caught:
        strategy.full_clean()

    assert caught.value.message_dict == {"theme": ["Value 'gaming' is not a valid choice."]}


@pytest.mark.django_db
def test_an_operator_does_not_file_the_same_strategy_title_twice_under_a_theme():
    strategy = StrategyFactory(title_zh="量子通信", theme=Strategy.Theme.QUANTUM)
    twin = Strategy(operator=strategy.operator, theme=strategy.theme, title_zh="量子通信", source=strategy.source)

    with pytest.raises(ValidationError) as caught:
        twin.full_clean()

    assert caught.value.message_dict == {
        "__all__": ["Strategy with this Operator, Theme and Title (zh) already exists."]
    }


@pytest.mark.django_db
def test_a_key_figure_reads_as_label_amount_and_unit_without_trailing_zeros():
    figure = KeyFigureFactory(label_zh="注册资本", amount=Decimal("30.0000"), unit="亿元")
    figure.refresh_from_db()

    assert str(figure) == "注册资本: 30 亿元"


@pytest.mark.django_db
def test_a_key_figure_needs_an_amount_and_a_unit():
    figure = KeyFigureFactory.build(strategy=StrategyFactory(), amount=None, unit="")

    with pytest.raises(ValidationError) as caught:
        figure.full_clean()

    assert caught.value.message_dict == {
        "amount": ["This field cannot be null."],
        "unit": ["This field cannot be blank."],
    }


@pytest.mark.django_db
def test_a_milestone_reads_as_its_date_and_description():
    milestone = StrategyMilestoneFactory(happened_on=datetime.date(2024, 2, 1), description_zh="成立中电信量子集团")

    assert str(milestone) == "2024-02-01 成立中电信量子集团"


@pytest.mark.django_db
def test_a_milestone_without_a_date_reads_with_a_question_mark():
    assert str(StrategyMilestoneFactory(happened_on=None, description_zh="发布")) == "? 发布"


@pytest.mark.django_db
def test_deleting_a_strategy_removes_its_milestones_and_figures():
    strategy = StrategyFactory()
    StrategyMilestoneFactory(strategy=strategy)
    KeyFigureFactory(strategy=strategy)

    strategy.delete()

    assert not Strategy.objects.exists()
    assert StrategyMilestone.objects.count() == 0
    assert KeyFigure.objects.count() == 0
