"""Market intelligence: partners, launches, strategies with their milestones and key figures."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from competition.market.dating import DatePrecision, EventStatus, dating_clean
from operators.models import Branch, Operator, Source
from plans.models import Plan


def precision_field() -> models.CharField:
    """A date's precision: empty exactly when there is no date (an undated fact has none, not "day")."""
    return models.CharField(
        _("date precision"),
        max_length=8,
        choices=DatePrecision.choices,
        null=True,
        blank=True,
        default=None,
        help_text=_("How precise the date is as the source gives it; empty when there is no date."),
    )


def status_field(help_text: Any) -> models.CharField:
    return models.CharField(
        _("status"), max_length=16, choices=EventStatus.choices, default=EventStatus.HAPPENED, help_text=help_text
    )


class Partner(models.Model):
    """A company an operator launches with: 中国银联, 北京银行, 浦发银行 …"""

    class Kind(models.TextChoices):
        BANK = "bank", _("Bank")
        PAYMENT = "payment", _("Payment network")
        TRANSPORT = "transport", _("Transport card")
        CONTENT = "content", _("Content / media")
        TECHNOLOGY = "technology", _("Technology")
        OTHER = "other", _("Other")

    name_zh = models.CharField(_("name (zh)"), max_length=100, unique=True)
    name_en = models.CharField(_("name (en)"), max_length=150, blank=True)
    kind = models.CharField(_("kind"), max_length=16, choices=Kind.choices, default=Kind.OTHER)

    history = HistoricalRecords()

    class Meta:
        ordering = ["name_zh"]
        verbose_name = _("partner")
        verbose_name_plural = _("partners")

    def __str__(self) -> str:
        return f"{self.name_zh} {self.name_en}".strip()


class Launch(models.Model):
    """A dated product launch or service move by an operator or one of its branches."""

    class Kind(models.TextChoices):
        SIM = "sim", _("SIM card / tariff")
        DEVICE = "device", _("Device / rental")
        BUNDLE = "bundle", _("Bundle")
        PERK_PACK = "perk_pack", _("Perk pack")
        WIFI = "wifi", _("WiFi")
        SERVICE_DESK = "service_desk", _("Service desk")
        OTHER = "other", _("Other")

    operator = models.ForeignKey(
        Operator, on_delete=models.PROTECT, related_name="launches", verbose_name=_("operator")
    )
    branch = models.ForeignKey(
        Branch, on_delete=models.PROTECT, null=True, blank=True, related_name="launches", verbose_name=_("branch")
    )
    name_zh = models.CharField(_("name (zh)"), max_length=150)
    name_en = models.CharField(_("name (en)"), max_length=200, blank=True)
    kind = models.CharField(_("kind"), max_length=16, choices=Kind.choices)
    launched_on = models.DateField(_("date"), null=True, blank=True, help_text=_("Empty when the source gives none."))
    date_precision = precision_field()
    status = status_field(_("Expected when the source announces the launch for later."))
    partners = models.ManyToManyField(Partner, blank=True, related_name="launches", verbose_name=_("partners"))
    plans = models.ManyToManyField(Plan, blank=True, related_name="launches", verbose_name=_("plans"))
    summary_zh = models.TextField(_("summary (zh)"), blank=True)
    summary_en = models.TextField(_("summary (en)"), blank=True)
    source = models.ForeignKey(Source, on_delete=models.PROTECT, related_name="launches", verbose_name=_("source"))

    history = HistoricalRecords(m2m_fields=[partners, plans])

    class Meta:
        ordering = ["-launched_on", "name_zh"]
        verbose_name = _("launch")
        verbose_name_plural = _("launches")
        constraints = [
            models.UniqueConstraint(fields=["operator", "branch", "name_zh"], name="launch_unique_name"),
            # NULLs never collide in a unique index, so a group-level launch needs its own constraint.
            models.UniqueConstraint(
                fields=["operator", "name_zh"],
                condition=models.Q(branch__isnull=True),
                name="launch_unique_name_group_level",
            ),
        ]

    def __str__(self) -> str:
        who = self.branch.name_zh if self.branch_id and self.branch is not None else self.operator.name_zh
        english = f" {self.name_en}" if self.name_en else ""
        return f"{who} {self.name_zh}{english}"

    def clean(self) -> None:
        self.date_precision = dating_clean(
            date=self.launched_on, precision=self.date_precision, date_field="launched_on"
        )
        if (
            self.branch_id
            and self.operator_id
            and self.branch is not None
            and self.branch.operator_id != self.operator_id
        ):
            raise ValidationError({"branch": _("The branch belongs to another operator.")})


class Strategy(models.Model):
    """An operator's strategic move under a theme, with dated milestones and key figures."""

    class Theme(models.TextChoices):
        INBOUND_VISITORS = "inbound_visitors", _("Inbound visitors")
        SHORT_DRAMA = "short_drama", _("Short drama")
        QUANTUM = "quantum", _("Quantum communication")
        DIGITAL_GOVERNMENT = "digital_government", _("Digital government")
        AI_SAAS = "ai_saas", _("AI / service as software")

    operator = models.ForeignKey(
        Operator,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="strategies",
        verbose_name=_("operator"),
        help_text=_("Empty for an industry-wide strategy that names no single operator."),
    )
    theme = models.CharField(_("theme"), max_length=32, choices=Theme.choices)
    title_zh = models.CharField(_("title (zh)"), max_length=200)
    title_en = models.CharField(_("title (en)"), max_length=250, blank=True)
    summary_zh = models.TextField(_("summary (zh)"), blank=True)
    summary_en = models.TextField(_("summary (en)"), blank=True)
    source = models.ForeignKey(Source, on_delete=models.PROTECT, related_name="strategies", verbose_name=_("source"))

    history = HistoricalRecords()

    class Meta:
        ordering = ["theme", "operator__code", "title_zh"]
        verbose_name = _("strategy")
        verbose_name_plural = _("strategies")
        constraints = [
            models.UniqueConstraint(fields=["operator", "theme", "title_zh"], name="strategy_unique_title"),
            # NULLs never collide in a unique index, so an industry-wide strategy needs its own constraint.
            models.UniqueConstraint(
                fields=["theme", "title_zh"],
                condition=models.Q(operator__isnull=True),
                name="strategy_unique_title_industry",
            ),
        ]

    def __str__(self) -> str:
        who = self.operator.name_zh if self.operator_id and self.operator is not None else _("Industry")
        return f"{who} · {self.title_zh}"


class StrategyMilestone(models.Model):
    """A dated step of a strategy (a plan announced, a product launched, a company founded)."""

    strategy = models.ForeignKey(
        Strategy, on_delete=models.CASCADE, related_name="milestones", verbose_name=_("strategy")
    )
    happened_on = models.DateField(_("date"), null=True, blank=True)
    date_precision = precision_field()
    status = status_field(_("Expected when the source announces the step for later."))
    description_zh = models.TextField(_("description (zh)"))
    description_en = models.TextField(_("description (en)"), blank=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["strategy_id", "happened_on"]
        verbose_name = _("milestone")
        verbose_name_plural = _("milestones")

    def __str__(self) -> str:
        return f"{self.happened_on or '?'} {self.description_zh[:40]}"

    def clean(self) -> None:
        self.date_precision = dating_clean(
            date=self.happened_on, precision=self.date_precision, date_field="happened_on"
        )


class KeyFigure(models.Model):
    """A figure that backs a strategy: an amount with its unit (30 亿元 registered capital …)."""

    strategy = models.ForeignKey(
        Strategy, on_delete=models.CASCADE, related_name="key_figures", verbose_name=_("strategy")
    )
    label_zh = models.CharField(_("label (zh)"), max_length=200)
    label_en = models.CharField(_("label (en)"), max_length=250, blank=True)
    amount = models.DecimalField(_("amount"), max_digits=20, decimal_places=4)
    unit = models.CharField(_("unit"), max_length=32, help_text=_("As printed: 亿元, 万户, 部, %, 公里 …"))
    as_of = models.DateField(
        _("as of"), null=True, blank=True, help_text=_("The date the text gives the figure (截至2024年12月, 2030年).")
    )
    as_of_precision = precision_field()
    status = status_field(_("Expected for a forecast or a plan (预计, 计划)."))

    history = HistoricalRecords()

    class Meta:
        ordering = ["strategy_id", "id"]
        verbose_name = _("key figure")
        verbose_name_plural = _("key figures")

    def __str__(self) -> str:
        return f"{self.label_zh}: {self.amount.normalize():f} {self.unit}"

    def clean(self) -> None:
        self.as_of_precision = dating_clean(
            date=self.as_of, precision=self.as_of_precision, date_field="as_of", precision_field="as_of_precision"
        )
