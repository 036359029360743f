"""Per-tier price arithmetic from DOMAIN.md, Decimal-exact. Pure functions, no ORM queries.

The analytics module vectorises the same rules over DataFrames; both take their bucket
edges and rounding from here so there is one definition of each. `per_gb_expression` is the
database twin of `price_per_gb`, for pages that group or sort a million tiers in SQL
(tests/plans/test_pricing_sql.py checks that the two agree).
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from enum import StrEnum
from typing import Any

from django.db.models import Case, DecimalField, F, Func, Q, When

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


def per_gb_expression(prefix: str = "") -> Any:
    """price_per_gb as a database expression over a tier's columns (`prefix` "tiers__" from a plan).

    Null exactly where price_per_gb is undefined (unlimited, unknown or zero data); round it with
    round_cny after reading, as the Python figure is rounded for display.
    """
    output: Any = DecimalField(max_digits=24, decimal_places=10)
    defined = Q(**{f"{prefix}data_unlimited": False, f"{prefix}data_gb__gt": 0})
    quotient = _Quotient(F(f"{prefix}price_cny"), F(f"{prefix}data_gb"), output_field=output)
    return Case(When(defined, then=quotient), default=None, output_field=output)


class _Quotient(Func):
    """a / b: numeric (exact to 16+ digits) on PostgreSQL; on SQLite, whose NUMERIC columns hold 100.00 as
    the integer 100, the numerator is made REAL first so 100 / 30 is not integer division."""

    arg_joiner = " / "
    template = "(%(expressions)s)"

    def as_sqlite(self, compiler: Any, connection: Any, **extra_context: Any) -> tuple[str, list[Any]]:
        (numerator, numerator_params), (denominator, denominator_params) = (
            compiler.compile(expression) for expression in self.get_source_expressions()
        )
        return f"(CAST({numerator} AS REAL) / {denominator})", [*numerator_params, *denominator_params]


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
