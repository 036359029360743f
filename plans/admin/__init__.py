"""Admin for plans, their price tiers and perks; every write goes through plans.services.

forms.py hands a tier form to the services, display.py shows tiers, plans.py and tiers.py register
the model admins.
"""

from plans.admin.plans import PerkAdmin, PlanAdmin, TierInline
from plans.admin.tiers import TierAdmin

__all__ = ["PerkAdmin", "PlanAdmin", "TierAdmin", "TierInline"]
