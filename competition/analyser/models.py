"""Saved draft sets (an analyst's named drafts for the analyser, shareable by link) and the stored rank sensitivity."""

from __future__ import annotations

import uuid

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from operators.models import Province


class DraftSet(models.Model):
    """Up to six draft tiers with the province and date they are analysed against.

    The drafts are JSON checked by the analyser's one validator (`validation.drafts_validate`);
    they are never tiers and never enter a benchmark. Its owner edits it; any logged-in user
    holding the link (`share_token`) may read it.
    """

    name = models.CharField(_("name"), max_length=100)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="draft_sets", verbose_name=_("owner")
    )
    drafts = models.JSONField(_("drafts"), default=list)
    province = models.ForeignKey(
        Province,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("province"),
        help_text=_("The province whose cheapest options the baskets are compared with; empty for the whole market."),
    )
    as_of = models.DateField(_("as of"), null=True, blank=True, help_text=_("Empty: the day it is opened."))
    share_token = models.UUIDField(_("share token"), default=uuid.uuid4, unique=True, editable=False)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)
    version = models.PositiveIntegerField(
        _("version"), default=1, editable=False, help_text=_("Raised by every change; edits name the version they saw.")
    )

    history = HistoricalRecords(excluded_fields=["updated_at"])

    class Meta:
        ordering = ["owner_id", "name"]
        verbose_name = _("draft set")
        verbose_name_plural = _("draft sets")
        constraints = [
            models.UniqueConstraint(
                fields=["owner", "name"],
                name="draft_set_name_unique_per_owner",
                violation_error_message=_("You already have a draft set with this name."),
                violation_error_code="unique",  # a taken value: the API's 409, like every unique field
            )
        ]

    def __str__(self) -> str:
        return self.name

    def clean(self) -> None:
        from competition.analyser.validation import InvalidInput, drafts_validate

        try:
            self.drafts = [draft.as_json() for draft in drafts_validate(self.drafts)]
        except InvalidInput as invalid:
            # One message per bad field, prefixed with where it is, on the drafts field.
            raise ValidationError(
                {
                    "drafts": [
                        f"{field}: {message}" if field != "drafts" else message
                        for field, messages in invalid.errors.items()
                        for message in messages
                    ]
                }
            ) from invalid


# --------------------------------------------------------------------------- stored rank sensitivity
# A bucket's rank sensitivity (analytics.rank_sensitivity_compute) stored per run, filled after the run
# is published (competition.analyser.sensitivity), so the page and the API read a page of it by
# position instead of ranking the whole bucket per request. Reads trust a bucket's rows only while its
# `BenchmarkSensitivityBucket.revision` is the run's: a patched bucket falls back to computing until
# its rows are refreshed.


class BenchmarkSensitivityBucket(models.Model):
    """That one bucket's stored sensitivity rows are those of `revision` of the run, with these metrics."""

    run = models.ForeignKey(
        "competition.BenchmarkRun", on_delete=models.CASCADE, related_name="+", verbose_name=_("run")
    )
    bucket = models.CharField(_("validity bucket"), max_length=8)
    revision = models.PositiveIntegerField(_("revision"), help_text=_("The run's revision the rows are of."))
    row_count = models.PositiveIntegerField(_("rows"))
    # What the rows were ranked with: a read with other baskets or promotional rule computes instead.
    metrics = models.JSONField(_("metrics"), default=list)
    include_promotional = models.BooleanField(_("promotional tiers ranked"), default=False)
    computed_at = models.DateTimeField(_("computed at"), default=timezone.now)
    duration_ms = models.PositiveIntegerField(_("duration (ms)"), default=0)

    class Meta:
        ordering = ["run_id", "bucket"]
        verbose_name = _("stored rank sensitivity bucket")
        verbose_name_plural = _("stored rank sensitivity buckets")
        constraints = [models.UniqueConstraint(fields=["run", "bucket"], name="sensitivitybucket_unique_bucket")]

    def __str__(self) -> str:
        return f"run {self.run_id} {self.bucket} r{self.revision}: {self.row_count} rows"


class BenchmarkSensitivityRow(models.Model):
    """One tier of a bucket with its rank under each metric, at `position` in the page's order (from 0)."""

    # As BenchmarkRow: no database constraint or index of its own, (run, bucket, position) serves every read.
    run = models.ForeignKey(
        "competition.BenchmarkRun",
        on_delete=models.CASCADE,
        related_name="+",
        verbose_name=_("run"),
        db_constraint=False,
        db_index=False,
    )
    bucket = models.CharField(_("validity bucket"), max_length=8)
    position = models.PositiveIntegerField(_("position"), help_text=_("Largest rank spread first, from 0."))
    tier_id = models.BigIntegerField(_("tier id"))
    plan_id = models.BigIntegerField(_("plan id"))
    province_code = models.CharField(_("province"), max_length=2)
    operator_code = models.CharField(_("operator"), max_length=16)
    branch_name_zh = models.CharField(_("branch"), max_length=64)
    plan_name_zh = models.CharField(_("plan"), max_length=150)
    validity_days = models.PositiveIntegerField(_("validity (days)"))
    price_cny = models.DecimalField(_("price (CNY)"), max_digits=10, decimal_places=2)
    # One rank (or null) per metric, in the order of the bucket's BenchmarkSensitivityBucket.metrics.
    ranks = models.JSONField(_("ranks"), default=list)
    rank_spread = models.PositiveIntegerField(_("rank spread"), null=True)

    class Meta:
        ordering = ["run_id", "bucket", "position"]
        verbose_name = _("stored rank sensitivity row")
        verbose_name_plural = _("stored rank sensitivity rows")
        indexes = [models.Index(fields=["run", "bucket", "position"], name="sensitivityrow_run_bucket_pos")]

    def __str__(self) -> str:
        return f"{self.bucket} #{self.position} {self.branch_name_zh} {self.plan_name_zh}"
