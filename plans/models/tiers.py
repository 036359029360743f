"""Price tiers: one observed price point of a plan, valid over a period (plans.periods)."""

from __future__ import annotations

import datetime
from decimal import Decimal
from typing import TYPE_CHECKING

from django.contrib.postgres.fields import RangeOperators
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from operators.models import Source
from plans import pricing
from plans.models.products import Plan
from plans.periods import (
    DateRange,
    PostgresExclusionConstraint,
    TierQuerySet,
    TierStatus,
    period_label,
    period_status,
)

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise


# The ValidationError code of a tier period that overlaps another tier of its plan and validity.
OVERLAP_CODE = "overlapping_period"


class Tier(models.Model):
    """One price point of a plan over a period. A price change is a new tier; the old one keeps its dates.

    Which tier applies on a day is decided in plans.periods (`Tier.objects.in_effect(on=...)`).
    """

    Status = TierStatus

    # Visitor SIMs run for days to months; anything past two years is a typo (days for a price, say).
    MAX_VALIDITY_DAYS = 731

    class Confidence(models.TextChoices):
        CONFIRMED = "confirmed", _("Confirmed (printed in the source)")
        INFERRED = "inferred", _("Inferred (e.g. carried down from a merged cell)")

    class PriceQualifier(models.TextChoices):
        EXACT = "exact", _("Exact (the price)")
        FROM = "from", _("From (a floor: 低至, from)")

    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="tiers", verbose_name=_("plan"))
    validity_days = models.PositiveIntegerField(_("validity (days)"))
    price_cny = models.DecimalField(_("price (CNY)"), max_digits=10, decimal_places=2)
    data_gb = models.DecimalField(
        _("domestic data (GB)"),
        max_digits=10,
        decimal_places=3,
        null=True,
        blank=True,
        help_text=_("Empty when the source does not say. 1 GB = 1024 MB."),
    )
    data_unlimited = models.BooleanField(_("unlimited data"), default=False)
    domestic_voice_min = models.PositiveIntegerField(
        _("domestic voice (min)"), null=True, blank=True, help_text=_("0 when not included, empty when unknown.")
    )
    intl_voice_min = models.PositiveIntegerField(
        _("international voice (min)"), null=True, blank=True, help_text=_("0 when not included, empty when unknown.")
    )
    intl_discount_cap_cny = models.DecimalField(
        _("international call discount cap (CNY)"),
        max_digits=10,
        decimal_places=2,
        null=True,
        blank=True,
        help_text=_("Up to this amount of international/HK-Macao-Taiwan calls and SMS is discounted; 0 = none."),
    )
    confidence = models.CharField(
        _("confidence"), max_length=16, choices=Confidence.choices, default=Confidence.CONFIRMED
    )
    is_promotional = models.BooleanField(
        _("promotional"), default=False, help_text=_("Free trials and welcome offers; left out of medians and ranks.")
    )
    price_qualifier = models.CharField(
        _("price qualifier"),
        max_length=8,
        choices=PriceQualifier.choices,
        default=PriceQualifier.EXACT,
        help_text=_('"from" when the source prints a floor ("低至5元/月"); a floor is left out of medians and ranks.'),
    )
    effective_from = models.DateField(_("effective from"), null=True, blank=True)
    effective_to = models.DateField(
        _("effective to"),
        null=True,
        blank=True,
        help_text=_("The first day the price no longer applies; empty while no end is known."),
    )
    source = models.ForeignKey(Source, on_delete=models.PROTECT, related_name="tiers", verbose_name=_("source"))
    notes = models.TextField(_("notes"), blank=True)
    version = models.PositiveIntegerField(
        _("version"), default=1, editable=False, help_text=_("Raised by every change; edits name the version they saw.")
    )

    objects = TierQuerySet.as_manager()
    history = HistoricalRecords(history_change_reason_field=models.TextField(null=True))

    class Meta:
        ordering = ["plan_id", "validity_days", "-effective_from"]
        verbose_name = _("price tier")
        verbose_name_plural = _("price tiers")
        indexes = [models.Index(fields=["validity_days"], name="tier_validity_idx")]
        constraints = [
            models.CheckConstraint(condition=Q(price_cny__gte=0), name="tier_price_not_negative"),
            models.CheckConstraint(condition=Q(validity_days__gte=1), name="tier_validity_at_least_one_day"),
            models.CheckConstraint(condition=Q(validity_days__lte=731), name="tier_validity_at_most_two_years"),
            models.CheckConstraint(condition=Q(data_gb__isnull=True) | Q(data_gb__gt=0), name="tier_data_positive"),
            models.CheckConstraint(
                condition=Q(data_unlimited=False) | Q(data_gb__isnull=True), name="tier_unlimited_has_no_volume"
            ),
            models.CheckConstraint(
                condition=Q(domestic_voice_min__isnull=True) | Q(domestic_voice_min__gte=0),
                name="tier_domestic_voice_not_negative",
            ),
            models.CheckConstraint(
                condition=Q(intl_voice_min__isnull=True) | Q(intl_voice_min__gte=0),
                name="tier_intl_voice_not_negative",
            ),
            models.CheckConstraint(
                condition=Q(intl_discount_cap_cny__isnull=True) | Q(intl_discount_cap_cny__gte=0),
                name="tier_discount_cap_not_negative",
            ),
            models.CheckConstraint(
                condition=Q(effective_to__isnull=True)
                | Q(effective_from__isnull=True)
                | Q(effective_to__gt=F("effective_from")),
                name="tier_effective_to_after_from",
            ),
            # Periods [from, to) of one plan and validity never overlap; an empty bound is unbounded.
            # Two open-ended periods always overlap, so this also keeps one open tier per plan and
            # validity (the job of the partial unique constraint it replaced). PostgreSQL only;
            # Tier.clean gives the field message on every database.
            PostgresExclusionConstraint(
                name="tier_periods_do_not_overlap",
                expressions=[
                    ("plan", RangeOperators.EQUAL),
                    ("validity_days", RangeOperators.EQUAL),
                    (DateRange("effective_from", "effective_to", models.Value("[)")), RangeOperators.OVERLAPS),
                ],
            ),
        ]

    def __str__(self) -> str:
        return f"{self.plan} · {self.validity_days}d · ¥{self.price_cny}"

    def status_on(self, day: datetime.date) -> TierStatus:
        """Scheduled, in effect or ended on `day`; the same rules as TierQuerySet (reads self.plan)."""
        return period_status(
            on=day,
            effective_from=self.effective_from,
            effective_to=self.effective_to,
            launched_on=self.plan.launched_on,
            withdrawn_on=self.plan.withdrawn_on,
        )

    @property
    def status(self) -> TierStatus:
        """The status today."""
        return self.status_on(timezone.localdate())

    @property
    def is_current(self) -> bool:
        """In effect today. Not "has no end date": a future-dated price is scheduled, not current."""
        return self.status == TierStatus.IN_EFFECT

    @property
    def price_per_gb(self) -> pricing.PerGb:
        return pricing.price_per_gb(price_cny=self.price_cny, data_gb=self.data_gb, data_unlimited=self.data_unlimited)

    @property
    def price_per_day(self) -> Decimal:
        return pricing.price_per_day(price_cny=self.price_cny, validity_days=self.validity_days)

    def clean(self) -> None:
        """Field-specific messages for every rule the database also enforces."""
        errors = self.value_errors()
        if "effective_to" not in errors and (overlap := self._overlapping_sibling()) is not None:
            errors["effective_from"] = self.overlap_error(overlap)
        if errors:
            raise ValidationError(errors)

    def value_errors(self) -> dict[str, StrOrPromise | ValidationError]:
        """The rules of clean() that need no query: every check constraint of Meta has its message here.

        The bulk write (plans.services.bulk) runs these per row and checks overlaps for the whole
        set at once, so the database constraints need no query of their own per row.
        """
        errors: dict[str, StrOrPromise | ValidationError] = {}
        if self.price_cny is not None and self.price_cny < 0:
            errors["price_cny"] = _("The price cannot be negative.")
        if self.validity_days is not None and self.validity_days < 1:
            errors["validity_days"] = _("Validity must be at least 1 day.")
        elif self.validity_days is not None and self.validity_days > self.MAX_VALIDITY_DAYS:
            errors["validity_days"] = _("Validity cannot exceed %(max)s days (two years).") % {
                "max": self.MAX_VALIDITY_DAYS
            }
        if self.data_gb is not None and self.data_gb <= 0:
            errors["data_gb"] = _("Data must be greater than 0 GB; leave it empty when unknown.")
        if self.data_unlimited and self.data_gb is not None:
            errors["data_gb"] = _("Unlimited data has no volume; leave data empty.")
        for field in ("domestic_voice_min", "intl_voice_min"):
            value = getattr(self, field)
            if value is not None and value < 0:
                errors[field] = _("Minutes cannot be negative; use 0 when not included.")
        if self.intl_discount_cap_cny is not None and self.intl_discount_cap_cny < 0:
            errors["intl_discount_cap_cny"] = _("The discount cap cannot be negative.")
        if self.effective_from and self.effective_to and self.effective_to <= self.effective_from:
            errors["effective_to"] = _("The end date must be after the start date.")
        return errors

    @staticmethod
    def overlap_error(overlap: Tier) -> ValidationError:
        """The message for a period that shares a day with `overlap` (same plan and validity)."""
        message = _(
            "This period overlaps another tier of this plan with the same validity (¥%(price)s, %(period)s)."
        ) % {
            "price": overlap.price_cny,
            "period": period_label(effective_from=overlap.effective_from, effective_to=overlap.effective_to),
        }
        # A code of its own: a row valid in itself that only collides with another (the seed tells them apart).
        return ValidationError(message, code=OVERLAP_CODE)

    def _overlapping_sibling(self) -> Tier | None:
        """Another tier of the same plan and validity whose period shares a day with this one's."""
        if self.plan_id is None or self.validity_days is None:
            return None
        siblings = Tier.objects.filter(plan_id=self.plan_id, validity_days=self.validity_days)
        if self.pk is not None:
            siblings = siblings.exclude(pk=self.pk)
        overlapping = siblings.overlapping(effective_from=self.effective_from, effective_to=self.effective_to)
        return overlapping.order_by(F("effective_from").asc(nulls_first=True), "pk").first()
