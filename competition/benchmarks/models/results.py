"""What a run stored: its rows, bucket summaries, matrix cells and basket costs."""

from __future__ import annotations

from decimal import Decimal

from django.db import models
from django.utils.translation import gettext_lazy as _

from competition.benchmarks.models.runs import BenchmarkRun


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
            # A patch's edited plans' rows (incremental.stored.plan_rows). Integer keys: a full run builds each index
            # of its rows' partition, and the (province, operator, bucket, promotional) one this replaced cost a
            # quarter of the whole run; the matrix and basket pages read those facts from the run's counts now.
            models.Index(fields=["run", "plan_id"], name="benchmarkrow_run_plan"),
            # The draft analyser's per-GB reads (analyser.stored_market): a bucket's ranked rows by per-GB value,
            # so the tiers beside a draft are an index range. Its per-day reads go to BenchmarkDayPrice: an index
            # here by per-day value (the rows' order is per GB, so its build sorts them all) cost a full run more
            # than any other.
            models.Index(
                fields=["run", "bucket", "price_per_gb_cny"],
                condition=models.Q(rank__isnull=False),
                name="benchmarkrow_bucket_per_gb",
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


class BenchmarkDayPrice(models.Model):
    """The tiers of one price and validity in a bucket's per-day sample (analytics.day_prices): what the draft
    analyser's per-day bands read (analyser.stored_market), a few thousand per run where the rows are a million."""

    run = models.ForeignKey(BenchmarkRun, on_delete=models.CASCADE, related_name="day_prices", verbose_name=_("run"))
    bucket = models.CharField(_("validity bucket"), max_length=8)
    price_per_day_cny = models.DecimalField(_("price per day (CNY)"), max_digits=14, decimal_places=2)
    price_cny = models.DecimalField(_("price (CNY)"), max_digits=10, decimal_places=2)
    validity_days = models.PositiveIntegerField(_("validity (days)"))
    tier_count = models.PositiveIntegerField(_("tiers"))
    best_rank = models.PositiveIntegerField(_("best per-GB rank"), null=True, help_text=_("Null: none is ranked."))
    # The pair's lowest tier id, which stands for it (a neighbour's tier), and its plan: the run's row of that
    # tier, which holds its names, is a lookup by the (run, plan) index.
    tier_id = models.BigIntegerField(_("tier id"))
    plan_id = models.BigIntegerField(_("plan id"))

    class Meta:
        ordering = ["run_id", "bucket", "price_per_day_cny", "price_cny"]
        verbose_name = _("benchmark per-day price")
        verbose_name_plural = _("benchmark per-day prices")
        constraints = [
            models.UniqueConstraint(
                fields=["run", "bucket", "price_cny", "validity_days"], name="benchmarkdayprice_unique_pair"
            )
        ]
        indexes = [models.Index(fields=["run", "bucket", "price_per_day_cny"], name="benchmarkdayprice_band")]

    def __str__(self) -> str:
        return f"{self.bucket} {self.price_cny} / {self.validity_days} d: {self.tier_count} tiers"


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
