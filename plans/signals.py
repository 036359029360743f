"""Signals the plans app sends so higher apps can react without plans importing them."""

from django.dispatch import Signal

# Sent inside the transaction that changes tiers or plans, at each change; kwargs: plan_ids (list[int]).
# What a receiver writes commits or rolls back with the change (the benchmarks note that a recompute is owed).
tiers_changing = Signal()
# Sent after the transaction that changed tiers or plans commits; kwargs: plan_ids (list[int]).
tiers_changed = Signal()
