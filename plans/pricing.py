"""Per-tier price arithmetic from DOMAIN.md, Decimal-exact. Pure functions, no ORM.

The analytics module vectorises the same rules over DataFrames; both take their bucket
edges and rounding from here so there is one definition of each.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from enum import StrEnum

CENT = Decimal("0.01")


class PerGbUndefined(StrEnum):
    """Why a tier has no per-GB figure."""

    DATA_UNKNOWN = "data_unknown"
    DATA_UNLIMITED = "data_unlimited"
    DATA_ZERO = "data_zero"


@dataclass(frozen=True)
class PerGb:
    value: Decimal | None
    undefined_reason: PerGbUndefined | None = None


# (label, first day, last day or None for open-ended), in order.
VALIDITY_BUCKETS: tuple[tuple[str, int, int | None], ...] = (
    ("1-7", 1, 7),
    ("8-14", 8, 14),
    ("15-29", 15, 29),
    ("30+", 30, None),
)
BUCKET_LABELS: tuple[str, ...] = tuple(label for label, _first, _last in VALIDITY_BUCKETS)


def round_cny(amount: Decimal) -> Decimal:
    """Round money half-up to cents, as analysts display it."""
    return amount.quantize(CENT, rounding=ROUND_HALF_UP)


def price_per_gb(*, price_cny: Decimal, data_gb: Decimal | None, data_unlimited: bool = False) -> PerGb:
    """price / data; undefined (with the reason) for unknown, unlimited or zero data. Free is 0."""
    if data_unlimited:
        return PerGb(None, PerGbUndefined.DATA_UNLIMITED)
    if data_gb is None:
        return PerGb(None, PerGbUndefined.DATA_UNKNOWN)
    if data_gb == 0:
        return PerGb(None, PerGbUndefined.DATA_ZERO)
    return PerGb(price_cny / data_gb)


def price_per_day(*, price_cny: Decimal, validity_days: int) -> Decimal:
    return price_cny / Decimal(validity_days)


def price_per_30_days(*, price_cny: Decimal, validity_days: int) -> Decimal:
    """Validity normalisation used by ITU/OECD baskets."""
    return price_cny * 30 / Decimal(validity_days)


def validity_bucket(validity_days: int) -> str:
    """The label of the bucket that groups comparable tiers (1-7, 8-14, 15-29, 30+)."""
    if validity_days < 1:
        raise ValueError("validity_days must be at least 1")
    for label, first, last in VALIDITY_BUCKETS:
        if validity_days >= first and (last is None or validity_days <= last):
            return label
    raise AssertionError("buckets cover every positive validity")


def bucket_bounds(label: str) -> tuple[int, int | None]:
    """First and last day of a bucket label; ValueError names the valid labels."""
    for bucket_label, first, last in VALIDITY_BUCKETS:
        if bucket_label == label:
            return first, last
    raise ValueError(f"unknown bucket {label!r}; expected one of {', '.join(BUCKET_LABELS)}")
