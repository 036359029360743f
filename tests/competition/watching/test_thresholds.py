"""Threshold watches fire when a published benchmark run crosses them, not while it stays across."""

from __future__ import annotations

from decimal import Decimal

import pytest

from competition.benchmarks import scheduling
from competition.watching import services
from competition.watching.models import Notification, Watch
from competition.watching.tasks import watching_check_thresholds_task
from plans import services as plan_services
from plans.models import Tier
from tests.factories import BranchFactory, OperatorFactory, PlanFactory, ProvinceFactory, TierFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def shanghai(db):
    """上海: 中国移动 7 days 90 CNY / 30 GB (3.00 per GB), 中国电信 7 days 120 CNY / 30 GB (4.00)."""
    province = ProvinceFactory(code="31", name_zh="上海")
    tiers = {}
    for code, price in (("cmcc", "90.00"), ("ctcc", "120.00")):
        branch = BranchFactory(operator=OperatorFactory(code=code), province=province)
        tiers[code] = TierFactory(
            plan=PlanFactory(branch=branch), validity_days=7, price_cny=Decimal(price), data_gb=Decimal("30")
        )
    return province, tiers


def run_with(tier: Tier | None = None, price: str | None = None) -> int:
    """Set a price (in place), recompute, and check the thresholds as the published run's task does."""
    if tier is not None:
        Tier.objects.filter(pk=tier.pk).update(price_cny=Decimal(price))
    run = scheduling.benchmarks_recompute(trigger="cli")
    watching_check_thresholds_task.apply(kwargs={"run_id": run.pk})
    return run.pk


def test_cheapest_below_fires_once_on_crossing_and_not_while_it_stays_below(shanghai, viewer):
    province, tiers = shanghai
    watch = services.watch_create(
        user=viewer,
        condition=Watch.Condition.CHEAPEST_BELOW,
        bucket="1-7",
        province=province,
        threshold_cny=Decimal("2.50"),
    )
    run_with()  # 3.00: above
    crossed = run_with(tiers["cmcc"], "60.00")  # 2.00: crosses
    run_with(tiers["cmcc"], "45.00")  # 1.50: still below
    notifications = list(Notification.objects.filter(watch=watch))
    assert [(n.run_id, n.payload["before"], n.payload["after"]) for n in notifications] == [(crossed, "3.00", "2.00")]


def test_cheapest_below_fires_again_after_rising_above(shanghai, viewer):
    province, tiers = shanghai
    watch = services.watch_create(
        user=viewer,
        condition=Watch.Condition.CHEAPEST_BELOW,
        bucket="1-7",
        province=province,
        threshold_cny=Decimal("2.50"),
    )
    run_with()
    run_with(tiers["cmcc"], "60.00")
    run_with(tiers["cmcc"], "90.00")
    run_with(tiers["cmcc"], "60.00")
    assert Notification.objects.filter(watch=watch).count() == 2


def test_a_province_with_one_operator_has_no_cheapest_to_cross(shanghai, viewer):
    province, tiers = shanghai
    tiers["ctcc"].delete()
    watch = services.watch_create(
        user=viewer,
        condition=Watch.Condition.CHEAPEST_BELOW,
        bucket="1-7",
        province=province,
        threshold_cny=Decimal("2.50"),
    )
    run_with()
    run_with(tiers["cmcc"], "60.00")
    assert not Notification.objects.filter(watch=watch).exists()


def test_rank_one_change_fires_when_another_tier_becomes_cheapest(shanghai, viewer):
    _province, tiers = shanghai
    watch = services.watch_create(user=viewer, condition=Watch.Condition.RANK_ONE_CHANGES, bucket="1-7")
    run_with()
    run_with(tiers["cmcc"], "80.00")  # still rank 1
    changed = run_with(tiers["ctcc"], "60.00")  # ctcc takes rank 1
    notifications = list(Notification.objects.filter(watch=watch))
    assert [(n.run_id, n.payload["before_tiers"], n.payload["after_tiers"]) for n in notifications] == [
        (changed, [tiers["cmcc"].pk], [tiers["ctcc"].pk])
    ]


def test_running_the_threshold_task_twice_notifies_once(shanghai, viewer):
    province, tiers = shanghai
    services.watch_create(
        user=viewer,
        condition=Watch.Condition.CHEAPEST_BELOW,
        bucket="1-7",
        province=province,
        threshold_cny=Decimal("2.50"),
    )
    run_with()
    crossed = run_with(tiers["cmcc"], "60.00")
    watching_check_thresholds_task.apply(kwargs={"run_id": crossed})
    assert Notification.objects.filter(user=viewer).count() == 1


def test_a_crossing_between_two_revisions_of_a_patched_run_fires(shanghai, viewer, django_capture_on_commit_callbacks):
    province, tiers = shanghai
    watch = services.watch_create(
        user=viewer,
        condition=Watch.Condition.CHEAPEST_BELOW,
        bucket="1-7",
        province=province,
        threshold_cny=Decimal("2.50"),
    )
    run_with(tiers["cmcc"], "60.00")  # 2.00, the first run: nothing to compare with
    run_id = run_with()  # 2.00 again: below, as the run before it
    for price in ("90.00", "60.00"):  # patched: 3.00 at revision 1, 2.00 at revision 2
        with django_capture_on_commit_callbacks(execute=True):
            plan_services.tier_correct(
                tier=Tier.objects.get(pk=tiers["cmcc"].pk),
                changes={"price_cny": Decimal(price)},
                actor=None,
                reason="x",
            )

    notifications = list(Notification.objects.filter(watch=watch))
    assert [(n.run_id, n.run_revision, n.payload["before"], n.payload["after"]) for n in notifications] == [
        (run_id, 2, "3.00", "2.00")
    ]
    assert notifications[0].payload["previous_revision"] == 1
