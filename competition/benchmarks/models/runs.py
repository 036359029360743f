"""Benchmark runs and their scheduling: a run's status and counts, the pending flag, the plans a patch owes."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

# What the analytics computed (competition.benchmarks.analytics via competition.benchmarks.services). A run is
# written whole inside one transaction and published by flipping its status to complete, so readers
# (selectors) that take the latest complete run never see half of one. Rows carry the tier's ids and
# denormalised names: a run is a snapshot and stays readable after plans change.


class BenchmarkRun(models.Model):
    """One computation of every benchmark over the then-current tiers."""

    class Status(models.TextChoices):
        RUNNING = "running", _("Running")
        COMPLETE = "complete", _("Complete")
        FAILED = "failed", _("Failed")

    class Stage(models.TextChoices):
        QUEUED = "queued", _("Queued")
        READING = "reading", _("Reading tiers")
        COMPUTING = "computing", _("Computing")
        STORING = "storing", _("Storing results")
        DONE = "done", _("Done")

    status = models.CharField(_("status"), max_length=16, choices=Status.choices, default=Status.RUNNING)
    stage = models.CharField(_("stage"), max_length=16, choices=Stage.choices, default=Stage.QUEUED)
    progress = models.PositiveSmallIntegerField(_("progress (%)"), default=0)
    trigger = models.CharField(
        _("trigger"), max_length=32, default="manual", help_text=_("What asked for it: cli, admin, change, nightly …")
    )
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("requested by"),
    )
    started_at = models.DateTimeField(_("started at"), default=timezone.now)
    computed_at = models.DateTimeField(_("computed at"), null=True, blank=True, db_index=True)
    methodology_version = models.CharField(_("methodology version"), max_length=16)
    input_fingerprint = models.CharField(_("input fingerprint"), max_length=64, blank=True)
    input_tier_count = models.PositiveIntegerField(_("input tiers"), default=0)
    row_count = models.PositiveIntegerField(_("benchmark rows"), default=0)
    ranked_count = models.PositiveIntegerField(_("ranked rows"), default=0)
    matrix_cell_count = models.PositiveIntegerField(_("matrix cells"), default=0)
    basket_cost_count = models.PositiveIntegerField(_("basket costs"), default=0)
    parameters = models.JSONField(_("parameters"), default=dict, blank=True)
    # Set on a run computed on request for a past day (an as-of view, competition.benchmarks.as_of): a cache
    # that is never "the latest run". Empty on the regular runs over the tiers in effect when they ran.
    as_of = models.DateField(_("as of"), null=True, blank=True, db_index=True)
    duration_ms = models.PositiveIntegerField(_("duration (ms)"), null=True, blank=True)
    error = models.TextField(_("error"), blank=True)
    # An edit patches the latest run in place (competition.benchmarks.incremental) rather than
    # recomputing a million rows: each patch bumps the revision and stamps updated_at, so a run (and
    # an export of it) says whether its figures are still those of computed_at. 0 = never patched.
    revision = models.PositiveIntegerField(
        _("revision"), default=0, help_text=_("How many edits were patched into the run since it was computed.")
    )
    updated_at = models.DateTimeField(_("patched at"), null=True, blank=True)
    # The revision its compact basket input (BenchmarkBasketInput) was last brought up to; empty until a
    # follow-up of the publish has stored it. Any other value than `revision` = not ready, cost from the tiers.
    basket_input_revision = models.PositiveIntegerField(_("basket input revision"), null=True, blank=True)
    # Per operator, the run's rows (every bucket): the comparison matrix's column order (run_counts).
    operator_row_counts = models.JSONField(_("rows per operator"), default=dict, blank=True)
    # Per "province|operator|bucket", the run's rows as [not promotional, promotional] (run_counts): what
    # the matrix says of an empty cell and which pairs the basket page prices, without probing the rows.
    pair_row_counts = models.JSONField(_("rows per province, operator and bucket"), default=dict, blank=True)

    class Meta:
        ordering = ["-started_at", "-id"]
        verbose_name = _("benchmark run")
        verbose_name_plural = _("benchmark runs")
        indexes = [models.Index(fields=["status", "-computed_at"], name="benchmarkrun_status_computed")]

    def __str__(self) -> str:
        when = self.computed_at or self.started_at
        return f"#{self.pk} {self.get_status_display()} {when:%Y-%m-%d %H:%M}"


class BenchmarkSchedule(models.Model):
    """The singleton (pk=1) that says a recompute is owed; competition.benchmarks.scheduling reads and writes it.

    `pending_since` is set inside the transaction that changes the benchmarks' input (and by an
    analyst's or a busy run's request), and cleared when a run starts reading the input: a change
    that commits during a run sets it again, so exactly one more run follows. Who may run is not
    stored here: that is the recompute lease, which lives in the database server or the OS.
    """

    pending_since = models.DateTimeField(
        _("recompute pending since"),
        null=True,
        blank=True,
        help_text=_("Set by a change to the benchmarks' input; cleared when a run starts reading it."),
    )
    # A change whose plans are not known (an analyst's recompute, a busy run's request) owes a full
    # recompute; a change that names its plans owes only a patch of them (BenchmarkPendingPlan).
    full_pending = models.BooleanField(
        _("full recompute pending"),
        default=False,
        help_text=_("Set when a change does not say which plans it touched; cleared with pending_since."),
    )

    class Meta:
        verbose_name = _("benchmark schedule")
        verbose_name_plural = _("benchmark schedule")

    def __str__(self) -> str:
        return f"pending since {self.pending_since:%Y-%m-%d %H:%M:%S}" if self.pending_since else "nothing pending"


class BenchmarkPendingPlan(models.Model):
    """A plan whose tiers changed since the latest run read them: what the next patch re-reads.

    Written after the change commits (competition.benchmarks.scheduling.benchmarks_mark_pending) and
    drained, under the recompute lease, by the run that patches or recomputes the benchmarks.
    """

    plan_id = models.BigIntegerField(_("plan id"), unique=True)
    since = models.DateTimeField(_("pending since"), default=timezone.now)

    class Meta:
        verbose_name = _("benchmark pending plan")
        verbose_name_plural = _("benchmark pending plans")

    def __str__(self) -> str:
        return f"plan {self.plan_id} pending since {self.since:%Y-%m-%d %H:%M:%S}"
