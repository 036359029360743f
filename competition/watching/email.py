"""Notification email through Django's email backend: immediately after a match, or as a daily digest.

A notification is emailed once: the sender claims the user's unemailed notifications under a row
lock (SKIP LOCKED, so two workers never claim the same rows) and stamps them in the transaction
that sends the message. If sending fails the transaction rolls back and the rows stay unemailed
for the retry.
"""

from __future__ import annotations

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.mail import send_mail
from django.db import transaction
from django.db.models import Q, QuerySet
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from competition.watching.models import Notification, WatchingSettings
from competition.watching.text import notification_detail, notification_title

MAX_PER_EMAIL = 200


def notifications_email_user(*, user_id: int) -> int:
    """Send the user's unemailed notifications in one message; returns how many it carried (0: nothing sent)."""
    user = get_user_model().objects.filter(pk=user_id, is_active=True).first()
    if user is None or not user.email:
        return 0
    with transaction.atomic():
        claimed = list(
            Notification.objects.select_for_update(skip_locked=True, of=("self",))
            .filter(user_id=user_id, emailed_at__isnull=True)
            .select_related("change")
            .order_by("created_at", "id")[:MAX_PER_EMAIL]
        )
        if not claimed:
            return 0
        Notification.objects.filter(pk__in=[n.pk for n in claimed]).update(emailed_at=timezone.now())
        with translation.override(settings.LANGUAGE_CODE):
            subject = ngettext("%(count)d change you watch", "%(count)d changes you watch", len(claimed)) % {
                "count": len(claimed)
            }
            lines = [f"- {notification_title(n)}\n  {notification_detail(n)}" for n in claimed]
            body = "\n".join(lines) + "\n\n" + _("Your inbox: %(url)s") % {"url": _inbox_url()}
        send_mail(subject, body, settings.DEFAULT_FROM_EMAIL, [user.email])
    return len(claimed)


def notifications_email_immediate(*, notifications: QuerySet[Notification]) -> int:
    """Email the owners of these notifications who chose immediate delivery (the default); returns messages sent.

    One query picks who gets a message at all (an address, immediate delivery, something
    unemailed), so 10,000 watchers without an address cost no query each.
    """
    immediate = Q(user__watching_settings__isnull=True) | Q(
        user__watching_settings__email_delivery=WatchingSettings.EmailDelivery.IMMEDIATE
    )
    recipients = (
        notifications.filter(immediate, emailed_at__isnull=True, user__is_active=True)
        .exclude(user__email="")
        .values_list("user_id", flat=True)
        .distinct()
        .order_by()
    )
    return sum(1 for user_id in sorted(recipients) if notifications_email_user(user_id=user_id))


def notifications_email_digests() -> int:
    """The daily digest: one message per user who chose it and has unemailed notifications."""
    users = (
        Notification.objects.filter(
            emailed_at__isnull=True,
            user__is_active=True,
            user__watching_settings__email_delivery=WatchingSettings.EmailDelivery.DAILY,
        )
        .exclude(user__email="")
        .values_list("user_id", flat=True)
        .distinct()
    )
    return sum(1 for user_id in sorted(users) if notifications_email_user(user_id=user_id))


def _inbox_url() -> str:
    return f"{getattr(settings, 'SITE_URL', '').rstrip('/')}/compare/watching/"
