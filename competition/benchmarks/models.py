"""The stored results of the analytics: runs, their rows, bucket summaries, matrix cells, basket costs, scheduling."""

from __future__ import annotations

from decimal import Decimal

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

    class Meta:
        ordering = ["-started_at", "-id"]
        verbose_name = _("benchmark run")
        verbose_name_plural = _("benchmark runs")
        indexes = [models.Index(fields=["status", "-computed_at"], name="benchmarkrun_status_computed")]

    def __str__(self) -> str:
        when = self.computed_at or self.started_at
        return f"#{self.pk} {self.get_status_display()} {when:%Y-%m-%d %H:%M}"


class BenchmarkRow(models.Model):
    """One current tier in one validity bucket of a run: unit prices, rank and index."""

    # No database constraint: checking a million deferred foreign keys at COMMIT cost a full recompute
    # seconds. Rows are only written by the engine for a run it just created, and deleting a run
    # through Django still deletes its rows (one DELETE, the CASCADE below).
    # No index of its own either: (run, bucket, position) below serves every lookup by run.
    run = models.ForeignKey(
        BenchmarkRun,
        on_delete=models.CASCADE,
        related_name="rows",
        verbose_name=_("run"),
        db_constraint=False,
        db_index=False,
    )
    bucket = models.CharField(_("validity bucket"), max_length=8)
    position = models.PositiveIntegerField(_("position"), help_text=_("Display order within the bucket."))
    # Plain ids, not foreign keys: a stored run must survive the tier's later deletion.
    tier_id = models.BigIntegerField(_("tier id"))
    plan_id = models.BigIntegerField(_("plan id"))
    branch_id = models.BigIntegerField(_("branch id"))
    operator_code = models.CharField(_("operator"), max_length=16)
    province_code = models.CharField(_("province"), max_length=2)
    branch_name_zh = models.CharField(_("branch"), max_length=64)
    plan_name_zh = models.CharField(_("plan"), max_length=150)
    plan_name_en = models.CharField(_("plan (en)"), max_length=200, blank=True)
    validity_days = models.PositiveIntegerField(_("validity (days)"))
    price_cny = models.DecimalField(_("price (CNY)"), max_digits=10, decimal_places=2)
    data_gb = models.DecimalField(_("data (GB)"), max_digits=10, decimal_places=3, null=True, blank=True)
    data_unlimited = models.BooleanField(_("unlimited data"), default=False)
    price_per_gb_cny = models.DecimalField(_("price per GB (CNY)"), max_digits=14, decimal_places=2, null=True)
    per_gb_undefined_reason = models.CharField(_("why per-GB is undefined"), max_length=16, blank=True)
    price_per_day_cny = models.DecimalField(_("price per day (CNY)"), max_digits=14, decimal_places=2)
    price_per_30_days_cny = models.DecimalField(_("price per 30 days (CNY)"), max_digits=14, decimal_places=2)
    rank = models.PositiveIntegerField(_("rank"), null=True, help_text=_("1 = cheapest per GB; ties share a rank."))
    per_gb_index = models.DecimalField(
        _("index"), max_digits=14, decimal_places=2, null=True, help_text=_("100 x per-GB / bucket median.")
    )
    # Ranked and indexed as with `rank` / `per_gb_index`, but with "from" prices (floors) counted as
    # prices: what `include_from=1` reads. Stored with the run so the request costs no recompute.
    rank_with_from = models.PositiveIntegerField(_("rank (from prices included)"), null=True)
    per_gb_index_with_from = models.DecimalField(
        _("index (from prices included)"), max_digits=14, decimal_places=2, null=True
    )
    is_promotional = models.BooleanField(_("promotional"), default=False)
    price_qualifier = models.CharField(
        _("price qualifier"), max_length=8, default="exact", help_text=_("exact, or from for a floor (低至).")
    )
    confidence = models.CharField(_("confidence"), max_length=16)

    # Set by selectors.benchmark_row_list: the rank and index the reader asked for (from prices out or in).
    shown_rank: int | None
    shown_index: Decimal | None

    class Meta:
        ordering = ["run_id", "bucket", "position"]
        verbose_name = _("benchmark row")
        verbose_name_plural = _("benchmark rows")
        indexes = [
            models.Index(fields=["run", "bucket", "position"], name="benchmarkrow_run_bucket_pos"),
            # The matrix explains an empty cell with EXISTS probes per province x operator (compare.selectors.matrix).
            models.Index(
                fields=["run", "province_code", "operator_code", "bucket", "is_promotional"],
                name="benchmarkrow_run_pair",
            ),
            # The draft analyser's reads (analyser.stored_market): a bucket's ranked rows by per-GB value
            # and its exact-priced rows by per-day value, so the tiers beside a draft are an index range.
            models.Index(
                fields=["run", "bucket", "price_per_gb_cny"],
                condition=models.Q(rank__isnull=False),
                name="benchmarkrow_bucket_per_gb",
            ),
            models.Index(
                fields=["run", "bucket", "price_per_day_cny"],
                include=["is_promotional"],
                condition=models.Q(price_qualifier="exact"),
                name="benchmarkrow_bucket_per_day",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.bucket} #{self.position} {self.branch_name_zh} {self.plan_name_zh} {self.validity_days}d"


class BenchmarkBucketSummary(models.Model):
    """A bucket's per-GB median, minimum, maximum and sample count in one run."""

    run = models.ForeignKey(BenchmarkRun, on_delete=models.CASCADE, related_name="summaries", verbose_name=_("run"))
    bucket = models.CharField(_("validity bucket"), max_length=8)
    tier_count = models.PositiveIntegerField(_("tiers"))
    sample_count = models.PositiveIntegerField(_("ranked tiers"), help_text=_("Tiers behind the median."))
    median_per_gb_cny = models.DecimalField(_("median per GB (CNY)"), max_digits=14, decimal_places=2, null=True)
    min_per_gb_cny = models.DecimalField(_("minimum per GB (CNY)"), max_digits=14, decimal_places=2, null=True)
    max_per_gb_cny = models.DecimalField(_("maximum per GB (CNY)"), max_digits=14, decimal_places=2, null=True)
    # The same figures with "from" prices counted as prices (include_from=1).
    sample_count_with_from = models.PositiveIntegerField(_("ranked tiers (from prices included)"), default=0)
    median_per_gb_with_from_cny = models.DecimalField(
        _("median per GB, from prices included (CNY)"), max_digits=14, decimal_places=2, null=True
    )
    min_per_gb_with_from_cny = models.DecimalField(
        _("minimum per GB, from prices included (CNY)"), max_digits=14, decimal_places=2, null=True
    )
    max_per_gb_with_from_cny = models.DecimalField(
        _("maximum per GB, from prices included (CNY)"), max_digits=14, decimal_places=2, null=True
    )
    # What the draft analyser reads instead of the bucket's rows (analyser.selectors): the exact medians
    # it divides by, as "numerator/denominator" in CNY ("" for none), and the per-day sample count
    # (every price that counts: exact, not promotional unless included) with its tiers per rounded
    # per-day value (a draft's per-day rank counts those below it). Null: a run from before
    # they were stored, which the analyser answers from the tiers instead.
    median_per_gb_exact = models.CharField(_("exact median per GB (CNY, a fraction)"), max_length=64, blank=True)
    day_sample_count = models.PositiveIntegerField(_("tiers priced per day"), null=True, blank=True)
    median_per_day_exact = models.CharField(_("exact median per day (CNY, a fraction)"), max_length=64, blank=True)
    # [[cents, tiers], ...]: how many of those tiers round to each per-day value, ascending.
    day_value_counts = models.JSONField(_("tiers per rounded per-day value"), default=list, blank=True)

    class Meta:
        ordering = ["run_id", "id"]
        verbose_name = _("benchmark bucket summary")
        verbose_name_plural = _("benchmark bucket summaries")
        constraints = [models.UniqueConstraint(fields=["run", "bucket"], name="benchmarksummary_unique_bucket")]

    def __str__(self) -> str:
        return f"{self.bucket}: median {self.median_per_gb_cny} ({self.sample_count})"


class BenchmarkMatrixCell(models.Model):
    """Province x operator: the cheapest tier in a bucket by a metric, with the sample count behind it."""

    class Metric(models.TextChoices):
        PER_GB = "per_gb", _("Price per GB")
        PER_DAY = "per_day", _("Price per day")
        PER_30_DAYS = "per_30_days", _("Price per 30 days")

    run = models.ForeignKey(BenchmarkRun, on_delete=models.CASCADE, related_name="matrix_cells", verbose_name=_("run"))
    bucket = models.CharField(_("validity bucket"), max_length=8)
    metric = models.CharField(_("metric"), max_length=16, choices=Metric.choices)
    province_code = models.CharField(_("province"), max_length=2)
    operator_code = models.CharField(_("operator"), max_length=16)
    value_cny = models.DecimalField(_("value (CNY)"), max_digits=14, decimal_places=2)
    sample_count = models.PositiveIntegerField(_("tiers compared"))
    tier_id = models.BigIntegerField(_("tier id"))
    plan_id = models.BigIntegerField(_("plan id"))
    branch_name_zh = models.CharField(_("branch"), max_length=64)
    plan_name_zh = models.CharField(_("plan"), max_length=150)
    validity_days = models.PositiveIntegerField(_("validity (days)"))
    price_cny = models.DecimalField(_("price (CNY)"), max_digits=10, decimal_places=2)

    class Meta:
        ordering = ["run_id", "metric", "bucket", "province_code", "operator_code"]
        verbose_name = _("benchmark matrix cell")
        verbose_name_plural = _("benchmark matrix cells")
        indexes = [models.Index(fields=["run", "metric", "bucket"], name="benchmarkcell_run_metric")]

    def __str__(self) -> str:
        return f"{self.bucket} {self.metric} {self.province_code}/{self.operator_code}: {self.value_cny}"


class BenchmarkBasketCost(models.Model):
    """What a visitor profile costs with one operator in one province: the cheapest covering tier (or repeat)."""

    run = models.ForeignKey(BenchmarkRun, on_delete=models.CASCADE, related_name="basket_costs", verbose_name=_("run"))
    profile = models.SlugField(_("basket profile"), max_length=32)
    province_code = models.CharField(_("province"), max_length=2)
    operator_code = models.CharField(_("operator"), max_length=16)
    cost_cny = models.DecimalField(_("cost (CNY)"), max_digits=14, decimal_places=2)
    repeats = models.PositiveIntegerField(_("times bought"), help_text=_("How many of the tier span the stay."))
    candidate_count = models.PositiveIntegerField(_("covering tiers"))
    tier_id = models.BigIntegerField(_("tier id"))
    plan_id = models.BigIntegerField(_("plan id"))
    branch_name_zh = models.CharField(_("branch"), max_length=64)
    plan_name_zh = models.CharField(_("plan"), max_length=150)
    validity_days = models.PositiveIntegerField(_("validity (days)"))
    price_cny = models.DecimalField(_("price (CNY)"), max_digits=10, decimal_places=2)

    class Meta:
        ordering = ["run_id", "profile", "province_code", "operator_code"]
        verbose_name = _("benchmark basket cost")
        verbose_name_plural = _("benchmark basket costs")
        indexes = [models.Index(fields=["run", "profile"], name="benchmarkbasket_run_profile")]

    def __str__(self) -> str:
        return f"{self.profile} {self.province_code}/{self.operator_code}: {self.cost_cny}"


class BenchmarkBasketInput(models.Model):
    """A tier some visitor profile can choose (analytics.basket_input_choosable): costing any profile
    over a run's rows chooses the tiers, at the costs, that costing it over every tier chooses.
    `tier_count`: the tiers of its province, operator, validity and cover keys it stands for."""

    run = models.ForeignKey(BenchmarkRun, on_delete=models.CASCADE, related_name="basket_inputs", verbose_name=_("run"))
    province_code = models.CharField(_("province"), max_length=2)
    operator_code = models.CharField(_("operator"), max_length=16)
    tier_id = models.BigIntegerField(_("tier id"))
    plan_id = models.BigIntegerField(_("plan id"))
    branch_name_zh = models.CharField(_("branch"), max_length=64)
    plan_name_zh = models.CharField(_("plan"), max_length=150)
    validity_days = models.PositiveIntegerField(_("validity (days)"))
    price_cents = models.BigIntegerField(_("price (CNY cents)"))
    data_mgb = models.BigIntegerField(_("data (MB)"), null=True)
    data_unlimited = models.BooleanField(_("unlimited data"), default=False)
    domestic_voice_min = models.IntegerField(_("domestic minutes"), null=True)
    intl_voice_min = models.IntegerField(_("international minutes"), null=True)
    is_promotional = models.BooleanField(_("promotional"), default=False)
    tier_count = models.PositiveIntegerField(_("tiers"), help_text=_("How many tiers this row stands for."))

    class Meta:
        ordering = ["run_id", "tier_id"]
        verbose_name = _("benchmark basket input")
        verbose_name_plural = _("benchmark basket inputs")
        indexes = [models.Index(fields=["run", "province_code"], name="benchmarkbasketin_run_prov")]

    def __str__(self) -> str:
        return f"{self.province_code}/{self.operator_code} tier {self.tier_id} x{self.tier_count}"


class BenchmarkBasketCover(models.Model):
    """A province's cover classes in a run (analytics.basket_input_compact's rows, by cover keys): what
    the covering-tier count of any profile needs (analytics.basket_covering_counts), packed as one
    int64 array (columns `basket_inputs.COVER_COLUMNS`) so a request reads a few rows, not 100,000s."""

    run = models.ForeignKey(BenchmarkRun, on_delete=models.CASCADE, related_name="basket_covers", verbose_name=_("run"))
    province_code = models.CharField(_("province"), max_length=2)
    operator_codes = models.JSONField(_("operators"), default=list, help_text=_("The operators the classes index."))
    classes = models.BinaryField(_("cover classes"))
    # The province's choosable tiers' numbers (`basket_inputs.CHOOSABLE_COLUMNS`), packed the same way: the
    # request reads them here in one row per province; their names stay in BenchmarkBasketInput.
    choosable = models.BinaryField(_("choosable tiers"), default=b"")

    class Meta:
        ordering = ["run_id", "province_code"]
        verbose_name = _("benchmark basket cover")
        verbose_name_plural = _("benchmark basket covers")
        constraints = [models.UniqueConstraint(fields=["run", "province_code"], name="benchmarkbasketcover_unique")]

    def __str__(self) -> str:
        return f"{self.province_code}: {len(self.classes) // 48} cover classes"


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
