"""Reviews: a second analyst's approval of one version of a tier's figures."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.conf import settings
from django.db import models
from django.db.models import Exists, OuterRef, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from plans.models.tiers import Tier

if TYPE_CHECKING:
    pass


class TierReviewQuerySet(models.QuerySet):
    def in_force(self) -> TierReviewQuerySet:
        """Reviews not voided since: each vouches for the current version of its tier."""
        return self.filter(voided_at__isnull=True)

    def in_force_for_outer_tier(self) -> Exists:
        """`Exists` for a tier queryset's filter or annotation: this tier has a review in force."""
        return Exists(self.in_force().filter(tier=OuterRef("pk")))


class TierReview(models.Model):
    """A second analyst's approval of one version of a tier's figures (four-eyes check).

    A later change to a reviewed field voids the review: the record stays, with the version that
    voided it. A tier has at most one review in force.
    """

    tier = models.ForeignKey(Tier, on_delete=models.CASCADE, related_name="reviews", verbose_name=_("tier"))
    tier_version = models.PositiveIntegerField(_("tier version reviewed"))
    reviewer = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("reviewer")
    )
    reviewed_at = models.DateTimeField(_("reviewed at"), default=timezone.now)
    voided_at = models.DateTimeField(_("voided at"), null=True, blank=True)
    voided_by_version = models.PositiveIntegerField(
        _("voided by tier version"), null=True, blank=True, help_text=_("The tier version whose change voided it.")
    )

    history = HistoricalRecords(history_change_reason_field=models.TextField(null=True))

    objects = TierReviewQuerySet.as_manager()

    class Meta:
        ordering = ["tier_id", "-reviewed_at"]
        verbose_name = _("tier review")
        verbose_name_plural = _("tier reviews")
        constraints = [
            models.UniqueConstraint(
                fields=["tier"], condition=Q(voided_at__isnull=True), name="tier_review_one_in_force_per_tier"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.tier_id} v{self.tier_version} · {self.reviewer}"
