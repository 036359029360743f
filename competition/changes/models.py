"""The change feed's read model: one row per market change, derived from an audit-trail record.

A ChangeEvent is never written by hand: competition.changes.services derives it from one
django-simple-history record (its `history_model` and `history_id`, unique together), after the
transaction that wrote the record commits, and `rebuild_change_events` derives every one again.
It exists so the feed's first page is one indexed read (ORDER BY changed_on, id LIMIT n) instead
of a diff of consecutive snapshots of every tracked table per request. Names and figures are
copied as they were at the change, so an entry stays readable after the plan is renamed or deleted.
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class ChangeEvent(models.Model):
    class Kind(models.TextChoices):
        NEW_TIER = "new_tier", _("New tier")
        PRICE_CHANGE = "price_change", _("Price change")
        ALLOWANCE_CHANGE = "allowance_change", _("Allowance change")
        WITHDRAWAL = "withdrawal", _("Withdrawal")
        LAUNCH = "launch", _("Launch")
        MILESTONE = "milestone", _("Strategy milestone")

    kind = models.CharField(_("kind"), max_length=16, choices=Kind.choices)
    changed_on = models.DateField(
        _("changed on"), help_text=_("The day the change takes effect in the market (else the day it was recorded).")
    )
    recorded_at = models.DateTimeField(_("recorded at"))
    # The audit-trail record it is derived from: `plans.tier` + HistoricalTier.history_id, and so on.
    history_model = models.CharField(_("history of"), max_length=64)
    history_id = models.BigIntegerField(_("history record"))
    correction = models.BooleanField(
        _("correction"), default=False, help_text=_("A recorded figure fixed in place, not a new observation.")
    )
    # Plain ids and codes, not foreign keys: an entry outlives its plan, and filters need no join.
    operator_code = models.CharField(_("operator"), max_length=16, blank=True)
    province_code = models.CharField(_("province"), max_length=2, blank=True)
    branch_id = models.BigIntegerField(_("branch id"), null=True)
    plan_id = models.BigIntegerField(_("plan id"), null=True)
    tier_id = models.BigIntegerField(_("tier id"), null=True)
    object_id = models.BigIntegerField(_("object id"))
    bucket = models.CharField(_("validity bucket"), max_length=8, blank=True)
    validity_days = models.PositiveIntegerField(_("validity (days)"), null=True)
    who_zh = models.CharField(_("who"), max_length=64, blank=True)
    who_en = models.CharField(_("who (en)"), max_length=150, blank=True)
    subject_zh = models.CharField(_("subject"), max_length=250)
    subject_en = models.CharField(_("subject (en)"), max_length=300, blank=True)
    price_before_cny = models.DecimalField(_("price before (CNY)"), max_digits=10, decimal_places=2, null=True)
    price_after_cny = models.DecimalField(_("price after (CNY)"), max_digits=10, decimal_places=2, null=True)
    data_before_gb = models.DecimalField(_("data before (GB)"), max_digits=10, decimal_places=3, null=True)
    data_after_gb = models.DecimalField(_("data after (GB)"), max_digits=10, decimal_places=3, null=True)
    per_gb_before_cny = models.DecimalField(_("per GB before (CNY)"), max_digits=14, decimal_places=2, null=True)
    per_gb_after_cny = models.DecimalField(_("per GB after (CNY)"), max_digits=14, decimal_places=2, null=True)
    fields_changed = models.JSONField(_("fields changed"), default=list, blank=True)
    # Set by the watching task once it matched the event against the watches (the catch-up beat takes the rest).
    matched_at = models.DateTimeField(_("matched at"), null=True, blank=True)

    class Meta:
        ordering = ["-changed_on", "-id"]
        verbose_name = _("change event")
        verbose_name_plural = _("change events")
        constraints = [
            models.UniqueConstraint(fields=["history_model", "history_id"], name="changeevent_one_per_record"),
        ]
        indexes = [
            models.Index(fields=["-changed_on", "-id"], name="changeevent_feed"),
            models.Index(fields=["operator_code", "-changed_on", "-id"], name="changeevent_operator_feed"),
            models.Index(fields=["province_code", "-changed_on", "-id"], name="changeevent_province_feed"),
            models.Index(fields=["kind", "-changed_on", "-id"], name="changeevent_kind_feed"),
            models.Index(fields=["id"], condition=models.Q(matched_at__isnull=True), name="changeevent_unmatched"),
        ]

    def __str__(self) -> str:
        return f"{self.changed_on} {self.get_kind_display()} {self.who_zh} {self.subject_zh}"
