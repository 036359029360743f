"""Signals the plans app sends so higher apps can react without plans importing them."""

from django.dispatch import Signal

# Sent after the transaction that changed tiers or plans commits; kwargs: plan_ids (list[int]), every plan it touched.
tiers_changed = Signal()
