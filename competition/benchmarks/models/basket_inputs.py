"""A run's compact basket input: what any visitor profile needs (docs/engine.md)."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from competition.benchmarks.models.runs import BenchmarkRun


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
