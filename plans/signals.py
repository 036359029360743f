"""Signals the plans app sends so higher apps can react without plans importing them."""

from django.dispatch import Signal

# Sent inside a transaction that changes tiers or plans, at its first change; kwargs: plan_ids (list[int]).
# What a receiver writes commits or rolls back with the change (the benchmarks mark a recompute pending).
tiers_changing = Signal()
# Sent after the transaction that changed tiers or plans commits; kwargs: plan_ids (list[int]), every plan it touched.
tiers_changed = Signal()
