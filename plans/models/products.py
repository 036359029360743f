"""Products: plans (套餐) and the perks bundled with them."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from operators.models import Branch, Source

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise


class Perk(models.Model):
    """A bundled benefit such as 咪咕视频钻石会员 or 同声译."""

    class Category(models.TextChoices):
        VIDEO = "video", _("Video / content membership")
        CALLING = "calling", _("Calling feature")
        TRANSLATION = "translation", _("Translation")
        MOBILITY = "mobility", _("Travel and mobility")
        FOOD = "food", _("Food and dining")
        PAYMENT = "payment", _("Payment")
        OTHER = "other", _("Other")

    name_zh = models.CharField(_("name (zh)"), max_length=100, unique=True)
    name_en = models.CharField(_("name (en)"), max_length=150)
    category = models.CharField(_("category"), max_length=16, choices=Category.choices, default=Category.OTHER)
    description = models.TextField(_("description"), blank=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["category", "name_zh"]
        verbose_name = _("perk")
        verbose_name_plural = _("perks")

    def __str__(self) -> str:
        return f"{self.name_zh} {self.name_en}"


class Plan(models.Model):
    """A product (套餐) of one branch, e.g. 北京移动's 灵动卡 Smart Card."""

    class Segment(models.TextChoices):
        INBOUND_SHORT_TERM = "inbound_short_term", _("Inbound visitors, short term")
        INBOUND_PROMOTIONAL = "inbound_welcome", _("Inbound visitors, free welcome card")
        PERK_PACK = "perk_pack", _("Perk pack (add-on)")
        OTHER = "other", _("Other")

    branch = models.ForeignKey(Branch, on_delete=models.PROTECT, related_name="plans", verbose_name=_("branch"))
    name_zh = models.CharField(_("name (zh)"), max_length=150)
    name_en = models.CharField(_("name (en)"), max_length=200, blank=True)
    segment = models.CharField(
        _("market segment"), max_length=32, choices=Segment.choices, default=Segment.INBOUND_SHORT_TERM
    )
    perks = models.ManyToManyField(Perk, blank=True, related_name="plans", verbose_name=_("perks"))
    validity_options_days = models.JSONField(
        _("validity options (days)"),
        default=list,
        blank=True,
        help_text=_("Validities the source names, priced or not, e.g. [7, 10, 15, 30]."),
    )
    launched_on = models.DateField(_("launched on"), null=True, blank=True)
    withdrawn_on = models.DateField(_("withdrawn on"), null=True, blank=True)
    source = models.ForeignKey(Source, on_delete=models.PROTECT, related_name="plans", verbose_name=_("source"))
    notes = models.TextField(_("notes"), blank=True)
    version = models.PositiveIntegerField(
        _("version"), default=1, editable=False, help_text=_("Raised by every change; edits name the version they saw.")
    )

    history = HistoricalRecords(m2m_fields=[perks], history_change_reason_field=models.TextField(null=True))

    class Meta:
        ordering = ["branch__province__code", "branch__operator__code", "name_zh"]
        verbose_name = _("plan")
        verbose_name_plural = _("plans")
        constraints = [
            models.UniqueConstraint(fields=["branch", "name_zh"], name="plan_unique_name_per_branch"),
            models.CheckConstraint(
                condition=Q(withdrawn_on__isnull=True)
                | Q(launched_on__isnull=True)
                | Q(withdrawn_on__gte=F("launched_on")),
                name="plan_withdrawn_after_launch",
            ),
        ]

    def __str__(self) -> str:
        english = f" {self.name_en}" if self.name_en else ""
        return f"{self.branch.name_zh} {self.name_zh}{english}"

    def clean(self) -> None:
        errors: dict[str, StrOrPromise] = {}
        if self.launched_on and self.withdrawn_on and self.withdrawn_on < self.launched_on:
            errors["withdrawn_on"] = _("The withdrawal date must not be before the launch date.")
        options = self.validity_options_days
        if not isinstance(options, list) or not all(isinstance(days, int) and days >= 1 for days in options):
            errors["validity_options_days"] = _(
                "Give a list of whole numbers of days, each at least 1, e.g. [7, 15, 30]."
            )
        if errors:
            raise ValidationError(errors)
