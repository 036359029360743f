"""What is sold at what price: plans (套餐), their price tiers and bundled perks."""

from plans.models.products import Perk, Plan
from plans.models.reviews import TierReview, TierReviewQuerySet
from plans.models.tiers import OVERLAP_CODE, Tier

__all__ = ["OVERLAP_CODE", "Perk", "Plan", "Tier", "TierReview", "TierReviewQuerySet"]
