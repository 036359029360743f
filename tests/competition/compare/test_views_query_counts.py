"""Each page of provinces, plans, trends, changes, watching, launches and strategies runs as many queries
with 3N rows as with N (tiers, plans, launches, strategies, change events, notifications)."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from competition.changes.models import ChangeEvent
from competition.watching import services as watching_services
from competition.watching.models import Notification
from operators.models import Branch, Operator
from plans.models import Plan
from tests.factories import LaunchFactory, PlanFactory, StrategyFactory, TierFactory

pytestmark = pytest.mark.django_db

N = 8


def _grow(count: int, *, user) -> None:
    """`count` more of every kind of row the pages read, spread over 北京 and 上海."""
    branches = list(Branch.objects.filter(province__code__in=["11", "31"]))
    operator = Operator.objects.get(code="cmcc")
    now = timezone.now()
    for index in range(count):
        branch = branches[index % len(branches)]
        plan = PlanFactory(branch=branch)
        for days in (7, 15):
            TierFactory(plan=plan, validity_days=days, price_cny=Decimal(20 + index), data_gb=Decimal("5"))
        LaunchFactory(operator=operator, branch=branch)
        StrategyFactory(operator=operator)
        event = ChangeEvent.objects.create(
            kind=ChangeEvent.Kind.NEW_TIER,
            changed_on=datetime.date(2025, 1, 1) + datetime.timedelta(days=index),
            recorded_at=now,
            history_model="plans.historicaltier",
            history_id=10_000_000 + ChangeEvent.objects.count(),
            operator_code="cmcc",
            province_code=branch.province.code,
            plan_id=plan.pk,
            object_id=plan.pk,
            subject_zh=plan.name_zh,
        )
        Notification.objects.create(user=user, change=event, condition="new_tier")


def _queries(client: Client, url: str) -> int:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
        if response.streaming:
            b"".join(response.streaming_content)
    assert response.status_code == 200, url
    return len(queries)


def _page_urls(user) -> list[str]:
    plan = Plan.objects.get(name_zh="灵动卡", branch__name_zh="北京移动")
    secret = watching_services.watching_settings_get(user=user).feed_secret
    return [
        "/compare/provinces/?province=11&province=31",
        "/compare/provinces/?province=11&province=31&operator=cmcc&validity=7&sort=per_gb&page=2",
        "/compare/provinces/?province=11&province=31&format=csv&table=tiers",
        "/compare/plans/",
        "/compare/plans/?province=31&page=2",
        "/compare/plans/?format=csv&table=plans",
        f"/compare/plans/{plan.pk}/",
        "/compare/trends/",
        "/compare/trends/?by=province&province=11&province=31",
        "/compare/changes/",
        "/compare/changes/?province=31&page=2",
        f"/compare/changes/feed/{user.pk}/{secret}/",
        "/compare/watching/",
        "/compare/launches/",
        "/compare/strategies/",
    ]


def test_every_page_runs_as_many_queries_with_three_times_the_rows(client: Client, seed, viewer) -> None:
    client.force_login(viewer)
    urls = _page_urls(viewer)
    _grow(N, user=viewer)
    small = {url: _queries(client, url) for url in urls}

    _grow(2 * N, user=viewer)
    large = {url: _queries(client, url) for url in urls}

    assert large == small
