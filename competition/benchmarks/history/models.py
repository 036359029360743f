"""The stored benchmark history: one row per recorded day, and that day's points per bucket, metric and scope."""

from __future__ import annotations

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from competition.benchmarks.models import BenchmarkMatrixCell, BenchmarkRun


class BenchmarkHistoryDay(models.Model):
    """A day whose benchmarks were computed from the tiers in effect on it (competition.benchmarks.history)."""

    class Reason(models.TextChoices):
        RUN = "run", _("Benchmark run")
        CHANGE = "change", _("The input changed that day")
        BEFORE = "before", _("The day before the first dated change")
        MONTHLY = "monthly", _("First of a month")
        LATEST = "latest", _("The day the history was computed")

    day = models.DateField(_("day"), unique=True)
    reason = models.CharField(_("why recorded"), max_length=16, choices=Reason.choices)
    # The run whose result this day is, when the day was recorded from one (else computed for the day itself).
    run = models.ForeignKey(
        BenchmarkRun, on_delete=models.SET_NULL, null=True, blank=True, related_name="+", verbose_name=_("run")
    )
    computed_at = models.DateTimeField(_("computed at"), default=timezone.now)
    methodology_version = models.CharField(_("methodology version"), max_length=16)
    input_fingerprint = models.CharField(_("input fingerprint"), max_length=64)
    input_tier_count = models.PositiveIntegerField(_("input tiers"))

    class Meta:
        ordering = ["day"]
        verbose_name = _("benchmark history day")
        verbose_name_plural = _("benchmark history days")

    def __str__(self) -> str:
        return f"{self.day:%Y-%m-%d} ({self.get_reason_display()})"


class BenchmarkHistoryPoint(models.Model):
    """One day's figures of a bucket and metric in one scope: the market, a province, an operator or a cell.

    An empty province or operator code means all of them; a point with both is a matrix cell
    (its minimum is the cell's value and `tier_id` the tier behind it).
    """

    day = models.ForeignKey(BenchmarkHistoryDay, on_delete=models.CASCADE, related_name="points", verbose_name=_("day"))
    # The day again, so a series is one index range scan without a join.
    date = models.DateField(_("date"))
    bucket = models.CharField(_("validity bucket"), max_length=8)
    metric = models.CharField(_("metric"), max_length=16, choices=BenchmarkMatrixCell.Metric.choices)
    province_code = models.CharField(_("province"), max_length=2, blank=True)
    operator_code = models.CharField(_("operator"), max_length=16, blank=True)
    median_cny = models.DecimalField(_("median (CNY)"), max_digits=14, decimal_places=2)
    min_cny = models.DecimalField(_("minimum (CNY)"), max_digits=14, decimal_places=2)
    max_cny = models.DecimalField(_("maximum (CNY)"), max_digits=14, decimal_places=2)
    sample_count = models.PositiveIntegerField(_("tiers compared"))
    tier_id = models.BigIntegerField(_("cheapest tier id"))

    class Meta:
        ordering = ["bucket", "metric", "province_code", "operator_code", "date"]
        verbose_name = _("benchmark history point")
        verbose_name_plural = _("benchmark history points")
        constraints = [
            models.UniqueConstraint(
                fields=["bucket", "metric", "province_code", "operator_code", "date"], name="historypoint_unique_series"
            )
        ]

    def __str__(self) -> str:
        scope = "/".join(code for code in (self.province_code, self.operator_code) if code) or "all"
        return f"{self.date:%Y-%m-%d} {self.bucket} {self.metric} {scope}: {self.median_cny}"
