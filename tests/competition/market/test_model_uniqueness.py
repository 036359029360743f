import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from competition.models import Launch, Strategy
from tests.factories import LaunchFactory, OperatorFactory, SourceFactory, StrategyFactory

pytestmark = pytest.mark.django_db


def test_it_refuses_a_second_group_level_launch_with_the_same_name():
    first = LaunchFactory(branch=None, name_zh="欢迎卡")
    duplicate = Launch(
        operator=first.operator, branch=None, name_zh="欢迎卡", kind=Launch.Kind.SIM, source=first.source
    )

    with pytest.raises(ValidationError), transaction.atomic():
        duplicate.full_clean()
    with pytest.raises(IntegrityError), transaction.atomic():
        duplicate.save()


def test_it_refuses_a_second_industry_wide_strategy_with_the_same_title():
    first = StrategyFactory(operator=None, title_zh="服务即软件")
    duplicate = Strategy(operator=None, theme=first.theme, title_zh="服务即软件", source=SourceFactory())

    with pytest.raises(IntegrityError), transaction.atomic():
        duplicate.save()


def test_it_allows_the_same_strategy_title_for_two_operators():
    StrategyFactory(operator=OperatorFactory(code="cmcc"), title_zh="短剧布局")

    StrategyFactory(operator=OperatorFactory(code="cucc"), title_zh="短剧布局")

    assert Strategy.objects.filter(title_zh="短剧布局").count() == 2
