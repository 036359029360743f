"""A plan of 上海移动 and one dated change of each kind, written through the services after commit."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest

from competition.models import Launch, StrategyMilestone
from core.services import audited_save
from operators.models import Branch
from plans.services.tiers import tier_create, tier_update
from tests.factories import (
    BranchFactory,
    OperatorFactory,
    PlanFactory,
    ProvinceFactory,
    SourceFactory,
    StrategyFactory,
)


@pytest.fixture
def shanghai_mobile(db, django_capture_on_commit_callbacks) -> Branch:
    with django_capture_on_commit_callbacks(execute=True):
        return BranchFactory(
            operator=OperatorFactory(code="cmcc", name_zh="中国移动", name_en="China Mobile"),
            province=ProvinceFactory(code="31", name_zh="上海", name_en="Shanghai"),
            name_zh="上海移动",
            name_en="China Mobile Shanghai",
        )


@pytest.fixture
def every_kind(shanghai_mobile, analyst, django_capture_on_commit_callbacks):
    """new tier 2025-01-01, price change 2025-02-01, allowance change 2025-03-01, withdrawal 2025-04-01,
    launch 2025-05-01, milestone 2025-06-01: each in its own committed transaction."""
    steps = {}
    with django_capture_on_commit_callbacks(execute=True):
        # Factories write history too: inside the block, so their records are committed with the tier's.
        plan = PlanFactory(branch=shanghai_mobile, name_zh="熊猫卡", name_en="Panda Card")
        source = SourceFactory()
        steps["tier"] = tier_create(
            actor=analyst,
            plan=plan,
            validity_days=7,
            price_cny=Decimal("90.00"),
            data_gb=Decimal("30"),
            effective_from=datetime.date(2025, 1, 1),
            source=source,
        )
    with django_capture_on_commit_callbacks(execute=True):
        steps["cheaper"] = tier_update(
            tier=steps["tier"],
            changes={"price_cny": Decimal("60.00")},
            actor=analyst,
            effective_on=datetime.date(2025, 2, 1),
            source=source,
        )
    with django_capture_on_commit_callbacks(execute=True):
        steps["more_data"] = tier_update(
            tier=steps["cheaper"],
            changes={"data_gb": Decimal("40")},
            actor=analyst,
            effective_on=datetime.date(2025, 3, 1),
            source=source,
        )
    with django_capture_on_commit_callbacks(execute=True):
        tier_update(tier=steps["more_data"], changes={"effective_to": datetime.date(2025, 4, 1)}, actor=analyst)
    with django_capture_on_commit_callbacks(execute=True):
        steps["launch"] = audited_save(
            instance=Launch(
                operator=shanghai_mobile.operator,
                branch=shanghai_mobile,
                name_zh="魔都WiFi",
                name_en="Modu WiFi",
                kind=Launch.Kind.WIFI,
                launched_on=datetime.date(2025, 5, 1),
                source=source,
            ),
            actor=analyst,
        )
    with django_capture_on_commit_callbacks(execute=True):
        strategy = StrategyFactory(operator=shanghai_mobile.operator, title_zh="入境服务", title_en="Inbound services")
        steps["milestone"] = audited_save(
            instance=StrategyMilestone(
                strategy=strategy,
                happened_on=datetime.date(2025, 6, 1),
                description_zh="开通服务台",
                description_en="Service desk opened",
            ),
            actor=analyst,
        )
    return steps
