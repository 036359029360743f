"""Watches (what a user follows), the notifications they produce, and each user's delivery choices.

Watching is a per-user preference, not domain data: any logged-in user (a viewer too) keeps their
own. Uniqueness is what makes delivery exactly-once: a notification is unique per (user, change
event) and per (watch, benchmark run, run revision), so a retried task inserts nothing twice.
"""

from __future__ import annotations

import secrets
from typing import TYPE_CHECKING

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from competition.changes.models import ChangeEvent
from operators.models import Branch, Operator, Province
from plans.models import Plan
from plans.pricing import BUCKET_LABELS

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise


def new_feed_secret() -> str:
    return secrets.token_urlsafe(32)


class WatchingSettings(models.Model):
    """A user's delivery choices and the secret of their personal Atom feed URL (never the API token)."""

    class EmailDelivery(models.TextChoices):
        IMMEDIATE = "immediate", _("Immediately")
        DAILY = "daily", _("Daily digest")
        NEVER = "never", _("No email")

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="watching_settings", verbose_name=_("user")
    )
    email_delivery = models.CharField(
        _("email"), max_length=16, choices=EmailDelivery.choices, default=EmailDelivery.IMMEDIATE
    )
    feed_secret = models.CharField(_("feed secret"), max_length=64, default=new_feed_secret)
    feed_secret_rotated_at = models.DateTimeField(_("feed secret rotated at"), default=timezone.now)

    class Meta:
        verbose_name = _("watching settings")
        verbose_name_plural = _("watching settings")

    def __str__(self) -> str:
        return f"{self.user} ({self.email_delivery})"


class Watch(models.Model):
    """Follow changes where every named dimension matches (operator, branch, plan, province, bucket).

    A threshold watch instead compares the latest benchmark run with the one before it: the
    cheapest per GB of its bucket (in its province / of its operator) falling below a value, or
    the rank-1 tier of its bucket changing.
    """

    class Condition(models.TextChoices):
        ANY_CHANGE = "any_change", _("Any change")
        CHEAPEST_BELOW = "cheapest_below", _("Cheapest per GB drops below")
        RANK_ONE_CHANGES = "rank_one_changes", _("Rank 1 changes")

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="watches", verbose_name=_("user")
    )
    operator = models.ForeignKey(
        Operator, on_delete=models.CASCADE, null=True, blank=True, related_name="+", verbose_name=_("operator")
    )
    branch = models.ForeignKey(
        Branch, on_delete=models.CASCADE, null=True, blank=True, related_name="+", verbose_name=_("branch")
    )
    plan = models.ForeignKey(
        Plan, on_delete=models.CASCADE, null=True, blank=True, related_name="+", verbose_name=_("plan")
    )
    province = models.ForeignKey(
        Province, on_delete=models.CASCADE, null=True, blank=True, related_name="+", verbose_name=_("province")
    )
    bucket = models.CharField(_("validity bucket"), max_length=8, blank=True)
    condition = models.CharField(_("condition"), max_length=20, choices=Condition.choices, default=Condition.ANY_CHANGE)
    threshold_cny = models.DecimalField(
        _("threshold (CNY per GB)"), max_digits=10, decimal_places=2, null=True, blank=True
    )
    created_at = models.DateTimeField(_("created at"), default=timezone.now)
    # What a threshold watch last compared: {"run", "revision", and "value" or "tiers"}. A patched run
    # (a new revision of the same run) is compared with this, the state of its earlier revision, which
    # the run itself no longer holds; a new run with the run before it.
    threshold_seen = models.JSONField(_("last compared"), default=dict, blank=True)

    class Meta:
        ordering = ["user_id", "-created_at", "-id"]
        verbose_name = _("watch")
        verbose_name_plural = _("watches")
        indexes = [models.Index(fields=["condition"], name="watch_condition")]

    def __str__(self) -> str:
        return f"{self.user} · {self.condition} #{self.pk}"

    def clean(self) -> None:
        """What each condition needs, with the field at fault."""
        errors: dict[str, StrOrPromise | ValidationError] = {}
        if self.bucket and self.bucket not in BUCKET_LABELS:
            errors["bucket"] = _("Choose a validity bucket: %(labels)s.") % {"labels": ", ".join(BUCKET_LABELS)}
        if self.condition == self.Condition.ANY_CHANGE:
            if not (self.operator_id or self.branch_id or self.plan_id or self.province_id or self.bucket):
                errors["__all__"] = _("Name what to follow: an operator, branch, plan, province or bucket.")
            if self.threshold_cny is not None:
                errors["threshold_cny"] = _("Only a “cheapest per GB drops below” watch takes a threshold.")
        else:
            if not self.bucket:
                errors["bucket"] = _("A threshold watch needs a validity bucket.")
            if self.branch_id or self.plan_id:
                errors["__all__"] = _(
                    "A threshold watch compares a bucket by operator or province, not a branch or plan."
                )
        if self.condition == self.Condition.CHEAPEST_BELOW:
            if self.threshold_cny is None:
                errors["threshold_cny"] = _("Give the price per GB (CNY) to watch for.")
            elif self.threshold_cny <= 0:
                errors["threshold_cny"] = _("The threshold must be greater than 0.")
        elif self.condition == self.Condition.RANK_ONE_CHANGES and self.threshold_cny is not None:
            errors["threshold_cny"] = _("Only a “cheapest per GB drops below” watch takes a threshold.")
        if self.branch is not None and self.operator_id and self.branch.operator_id != self.operator_id:
            # A well-formed request naming no such branch (none of this operator's has the id): the API's 404.
            errors["branch"] = ValidationError(_("The branch belongs to another operator."), code="does_not_exist")
        if errors:
            raise ValidationError(errors)


class Notification(models.Model):
    """One thing a user was told: a change event that matched a watch, or a threshold a run crossed."""

    # No index of its own: the inbox index starts with the user (every index is paid on each insert).
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="notifications",
        verbose_name=_("user"),
        db_index=False,
    )
    watch = models.ForeignKey(
        Watch, on_delete=models.SET_NULL, null=True, blank=True, related_name="notifications", verbose_name=_("watch")
    )
    change = models.ForeignKey(
        ChangeEvent,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="notifications",
        verbose_name=_("change"),
    )
    # A plain id: benchmark runs are pruned, the notification stays.
    run_id = models.BigIntegerField(_("benchmark run"), null=True, blank=True)
    # The run's revision the threshold was crossed in (a patched run may cross, and cross back, again).
    # A database default too: change notifications are inserted by raw SQL (watching.matching).
    run_revision = models.PositiveIntegerField(_("benchmark run revision"), default=0, db_default=0)
    condition = models.CharField(_("condition"), max_length=20, choices=Watch.Condition.choices)
    # What the threshold compared (bucket, province, operator, before, after, threshold); empty for a change.
    payload = models.JSONField(_("details"), default=dict, blank=True)
    created_at = models.DateTimeField(_("created at"), default=timezone.now)
    read_at = models.DateTimeField(_("read at"), null=True, blank=True)
    emailed_at = models.DateTimeField(_("emailed at"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("notification")
        verbose_name_plural = _("notifications")
        constraints = [
            models.UniqueConstraint(
                fields=["user", "change"], condition=Q(change__isnull=False), name="notification_once_per_change"
            ),
            models.UniqueConstraint(
                fields=["watch", "run_id", "run_revision"],
                condition=Q(run_id__isnull=False),
                name="notification_once_per_run_revision",
            ),
        ]
        indexes = [
            models.Index(fields=["user"], condition=Q(read_at__isnull=True), name="notification_unread"),
            models.Index(fields=["user", "-created_at", "-id"], name="notification_inbox"),
            models.Index(fields=["user"], condition=Q(emailed_at__isnull=True), name="notification_unemailed"),
        ]

    def __str__(self) -> str:
        return f"{self.user} · {self.condition} #{self.pk}"
