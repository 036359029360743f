"""THE write path of watching: a user's own watches, settings and inbox, and the notifications tasks create.

Every function that takes `user` touches that user's rows only; a row of someone else is
Watch.DoesNotExist / Notification.DoesNotExist, as if it did not exist.
"""

from __future__ import annotations

import hmac
from collections.abc import Iterable
from typing import Any

from django.contrib.auth.models import User
from django.db import transaction
from django.utils import timezone

from competition.benchmarks.models import BenchmarkRun
from competition.changes.models import ChangeEvent
from competition.watching.matching import notifications_insert_for_event
from competition.watching.models import Notification, Watch, WatchingSettings, new_feed_secret
from competition.watching.thresholds import threshold_crossings

NOTIFY_BATCH = 1000


# --------------------------------------------------------------------------- a user's own rows


def watching_settings_get(*, user: User) -> WatchingSettings:
    settings, _created = WatchingSettings.objects.get_or_create(user=user)
    return settings


def watching_settings_update(*, user: User, email_delivery: str) -> WatchingSettings:
    settings = watching_settings_get(user=user)
    settings.email_delivery = email_delivery
    settings.full_clean()
    settings.save(update_fields=["email_delivery"])
    return settings


def feed_secret_rotate(*, user: User) -> WatchingSettings:
    """A new secret for the user's feed URL; the old URL stops working at once."""
    settings = watching_settings_get(user=user)
    settings.feed_secret = new_feed_secret()
    settings.feed_secret_rotated_at = timezone.now()
    settings.save(update_fields=["feed_secret", "feed_secret_rotated_at"])
    return settings


def feed_secret_check(*, user_id: int, secret: str) -> bool:
    """Whether `secret` is the user's feed secret, compared in constant time (and only for active users)."""
    stored = (
        WatchingSettings.objects.filter(user_id=user_id, user__is_active=True)
        .values_list("feed_secret", flat=True)
        .first()
    )
    # Compare against something even without a row, so a miss takes as long as a wrong secret.
    return hmac.compare_digest((stored or new_feed_secret()).encode(), secret.encode()) and stored is not None


@transaction.atomic
def watch_create(*, user: User, **fields: Any) -> Watch:
    """One validated watch of the user's (Watch.clean says what each condition needs)."""
    watch = Watch(user=user, **fields)
    watch.full_clean()
    watch.save()
    return watch


@transaction.atomic
def watch_delete(*, user: User, watch_id: int) -> None:
    Watch.objects.get(pk=watch_id, user=user).delete()


def notifications_mark_read(*, user: User, notification_ids: Iterable[int] | None = None) -> int:
    """Mark the user's notifications read (all unread ones when no ids are given); returns how many changed."""
    unread = Notification.objects.filter(user=user, read_at__isnull=True)
    if notification_ids is not None:
        unread = unread.filter(pk__in=list(notification_ids))
    return unread.update(read_at=timezone.now())


# --------------------------------------------------------------------------- what the tasks create


def notifications_for_changes(*, event_ids: Iterable[int] | None = None, limit: int = 5000) -> list[int]:
    """Notify every watcher of these change events (or of every event not matched yet); returns the events matched.

    One notification per user and event whatever number of their watches match, enforced by the
    unique constraint: inserting again (a retried task, the catch-up beat) adds nothing.
    """
    events = ChangeEvent.objects.filter(matched_at__isnull=True) if event_ids is None else ChangeEvent.objects
    if event_ids is not None:
        events = events.filter(pk__in=list(event_ids))
    batch = list(
        events.order_by("id").only("id", "operator_code", "province_code", "branch_id", "plan_id", "bucket")[:limit]
    )
    now = timezone.now()
    with transaction.atomic():
        for event in batch:
            notifications_insert_for_event(event, now=now)
        ChangeEvent.objects.filter(pk__in=[event.pk for event in batch], matched_at__isnull=True).update(matched_at=now)
    return [event.pk for event in batch]


def notifications_for_run(*, run_id: int) -> None:
    """Notify the threshold watches a benchmark run crosses (once per watch, run and revision).

    A patched run is published again with a higher revision; each watch is compared with the state
    it saw at the run's earlier revision (Watch.threshold_seen), so a crossing between two revisions
    of one run fires too.
    """
    run = BenchmarkRun.objects.filter(pk=run_id, status=BenchmarkRun.Status.COMPLETE).first()
    if run is None:
        return
    now = timezone.now()
    check = threshold_crossings(run)
    notifications = [
        Notification(
            user_id=crossing.user_id,
            watch_id=crossing.watch_id,
            run_id=run.pk,
            run_revision=run.revision,
            condition=crossing.condition,
            payload=crossing.payload,
            created_at=now,
        )
        for crossing in check.crossings
    ]
    with transaction.atomic():
        Notification.objects.bulk_create(notifications, ignore_conflicts=True, batch_size=NOTIFY_BATCH)
        Watch.objects.bulk_update(
            [Watch(pk=watch_id, threshold_seen=state) for watch_id, state in check.seen.items()],
            ["threshold_seen"],
            batch_size=NOTIFY_BATCH,
        )
