"""Concurrent edits on PostgreSQL: of many writers based on one version, exactly one wins.

These commit for real (transaction=True): each thread is its own request on its own database
connection, as concurrent clients are, and the row lock the service takes is what is tested.
SQLite serialises writers itself and has no row locks, so the test runs on PostgreSQL only.
"""

from __future__ import annotations

import threading
from concurrent.futures import ThreadPoolExecutor
from decimal import Decimal

import pytest
from django.db import connection
from rest_framework.test import APIClient

from plans.models import Tier
from tests.factories import AnalystFactory, SourceFactory

WRITERS = 20

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def postgresql() -> None:
    if connection.vendor != "postgresql":
        pytest.skip("row locks (SELECT ... FOR UPDATE) need PostgreSQL")


def test_twenty_concurrent_price_patches_leave_one_successor_and_the_closed_row_untouched(postgresql, seed):
    tier = Tier.objects.get(plan__name_zh="熊猫卡", validity_days=7)
    figures = ("price_cny", "data_gb", "domestic_voice_min", "intl_voice_min", "intl_discount_cap_cny", "source_id")
    before = Tier.objects.filter(pk=tier.pk).values(*figures).get()
    analyst = AnalystFactory(username="racer")
    source = SourceFactory(title="新资费")
    start = threading.Barrier(WRITERS)

    def patch(number: int) -> int:
        client = APIClient()
        client.force_authenticate(analyst)
        try:
            start.wait()
            response = client.patch(
                f"/api/v1/tiers/{tier.pk}/",
                {"price_cny": f"{200 + number}.00", "source": source.pk},
                format="json",
                HTTP_IF_MATCH='"1"',
            )
            return response.status_code
        finally:
            connection.close()  # this thread's own connection

    with ThreadPoolExecutor(max_workers=WRITERS) as pool:
        statuses = list(pool.map(patch, range(WRITERS)))

    assert sorted(statuses) == [200] + [412] * (WRITERS - 1)
    rows = Tier.objects.filter(plan=tier.plan, validity_days=7)
    assert rows.count() == 2  # the closed tier and exactly one successor
    closed = rows.get(pk=tier.pk)
    assert Tier.objects.filter(pk=tier.pk).values(*figures).get() == before
    assert closed.version == 2
    assert closed.history.count() == 2  # its creation and its closing: no lost or double write
    successor = rows.exclude(pk=tier.pk).get()
    assert successor.effective_from == closed.effective_to
    assert Decimal("200") <= successor.price_cny < Decimal(200 + WRITERS)
    assert successor.history.count() == 1
