"""A change against the watches: one notification per watcher and change, one email, whatever the retries."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest

from competition.changes.models import ChangeEvent
from competition.watching import services
from competition.watching.models import Notification, Watch, WatchingSettings
from competition.watching.tasks import watching_match_changes_task, watching_send_digests_task
from plans.services.tiers import tier_update
from tests.factories import BranchFactory, OperatorFactory, PlanFactory, ProvinceFactory, TierFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def tier(db, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        branch = BranchFactory(
            operator=OperatorFactory(code="cmcc"),
            province=ProvinceFactory(code="31", name_zh="上海"),
            name_zh="上海移动",
        )
        return TierFactory(
            plan=PlanFactory(branch=branch, name_zh="熊猫卡", name_en="Panda Card"),
            validity_days=7,
            price_cny=Decimal("90.00"),
            data_gb=Decimal("30"),
            effective_from=datetime.date(2025, 1, 1),
        )


def price_change(tier, analyst, capture) -> ChangeEvent:
    with capture(execute=True):
        tier_update(
            tier=tier,
            changes={"price_cny": Decimal("60.00")},
            actor=analyst,
            effective_on=datetime.date(2025, 2, 1),
            source=tier.source,
        )
    return ChangeEvent.objects.get(kind="price_change")


def test_a_watch_and_a_price_change_make_one_notification_and_one_email_even_run_twice(
    tier, viewer, analyst, mailoutbox, django_capture_on_commit_callbacks
):
    viewer.email = "viewer@example.com"
    viewer.save()
    watch = services.watch_create(user=viewer, province=tier.plan.branch.province)
    change = price_change(tier, analyst, django_capture_on_commit_callbacks)
    watching_match_changes_task.apply(kwargs={"event_ids": [change.pk]})  # a retry, after the on-commit run
    notifications = list(Notification.objects.filter(user=viewer))
    assert [(n.change_id, n.watch_id) for n in notifications] == [(change.pk, watch.pk)]
    assert len(mailoutbox) == 1
    assert mailoutbox[0].to == ["viewer@example.com"]
    assert "Panda Card (7 days): Price change" in mailoutbox[0].body and "¥90.00 → ¥60.00" in mailoutbox[0].body


def test_two_matching_watches_of_one_user_make_one_notification(
    tier, viewer, analyst, django_capture_on_commit_callbacks
):
    services.watch_create(user=viewer, province=tier.plan.branch.province)
    services.watch_create(user=viewer, operator=tier.plan.branch.operator, bucket="1-7")
    change = price_change(tier, analyst, django_capture_on_commit_callbacks)
    assert Notification.objects.filter(user=viewer, change=change).count() == 1


def test_a_watch_of_another_bucket_is_not_notified(tier, viewer, analyst, django_capture_on_commit_callbacks):
    services.watch_create(user=viewer, province=tier.plan.branch.province, bucket="30+")
    price_change(tier, analyst, django_capture_on_commit_callbacks)
    assert not Notification.objects.filter(user=viewer).exists()


def test_the_daily_digest_waits_for_beat_and_then_sends_one_email(
    tier, viewer, analyst, mailoutbox, django_capture_on_commit_callbacks
):
    viewer.email = "viewer@example.com"
    viewer.save()
    services.watching_settings_update(user=viewer, email_delivery=WatchingSettings.EmailDelivery.DAILY)
    services.watch_create(user=viewer, plan=tier.plan)
    price_change(tier, analyst, django_capture_on_commit_callbacks)
    assert len(mailoutbox) == 0
    assert watching_send_digests_task.apply().get() == 1
    assert watching_send_digests_task.apply().get() == 0
    assert len(mailoutbox) == 1


def test_marking_read_touches_only_the_users_own_notifications(
    tier, viewer, analyst, django_capture_on_commit_callbacks
):
    services.watch_create(user=viewer, plan=tier.plan)
    services.watch_create(user=analyst, plan=tier.plan)
    price_change(tier, analyst, django_capture_on_commit_callbacks)
    assert services.notifications_mark_read(user=viewer) == 1
    assert Notification.objects.filter(user=analyst, read_at__isnull=True).count() == 1


def test_a_watch_needs_something_to_follow(viewer):
    with pytest.raises(Exception) as error:
        services.watch_create(user=viewer)
    assert error.value.message_dict == {
        "__all__": ["Name what to follow: an operator, branch, plan, province or bucket."]
    }
    assert not Watch.objects.exists()
