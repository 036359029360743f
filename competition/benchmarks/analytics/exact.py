"""Exact integer arithmetic: half-up rounding, reduced-fraction order keys, cents to Decimal."""

from __future__ import annotations

from decimal import Decimal
from fractions import Fraction
from typing import overload

import numpy as np
import pandas as pd

# Past this, int64 products could overflow; such arrays are computed on Python ints instead.
_INT64_SAFE = 2**62


def scale(values: np.ndarray, factor: int) -> np.ndarray:
    """values * factor, on int64 while that cannot overflow, else on Python ints."""
    if values.size and values.dtype != object and int(np.abs(values).max()) * abs(factor) < _INT64_SAFE:
        return values * np.int64(factor)
    return values.astype(object) * factor


def div_round_half_up(numerator: np.ndarray, denominator: np.ndarray) -> np.ndarray:
    """round(numerator / denominator) half-up, exactly, for non-negative integers (int64 result)."""
    numerator = np.asarray(numerator)
    denominator = np.asarray(denominator)
    if numerator.size == 0:
        return np.zeros(0, dtype=np.int64)
    fits = (
        numerator.dtype != object
        and denominator.dtype != object
        and int(numerator.max()) * 2 + int(denominator.max()) < _INT64_SAFE
        and int(denominator.max()) * 2 < _INT64_SAFE
    )
    if not fits:
        numerator = numerator.astype(object)
        denominator = denominator.astype(object)
    return ((2 * numerator + denominator) // (2 * denominator)).astype(np.int64)


def fraction_round_half_up(value: Fraction, places: int = 2) -> int:
    """An exact Fraction as a count of 10**-places units, half-up (what `round_cny` does to a Decimal)."""
    scaled = value * 10**places
    return int((2 * scaled.numerator + scaled.denominator) // (2 * scaled.denominator))


@overload
def minor_to_decimal(value: int, places: int = 2) -> Decimal: ...
@overload
def minor_to_decimal(value: int | None, places: int = 2) -> Decimal | None: ...
def minor_to_decimal(value: int | None, places: int = 2) -> Decimal | None:
    """Integer cents (or hundredths) as a Decimal with `places` places, None stays None."""
    if value is None or value is pd.NA:
        return None
    return Decimal(int(value)).scaleb(-places)


def exact_order_key(numerator: np.ndarray, denominator: np.ndarray) -> np.ndarray:
    """A dense int64 key that orders the fractions numerator/denominator exactly; equal fractions share a key.

    Floats order almost everything; reduced fractions tell true ties from values that merely round
    to the same float, and those rare collisions are ordered with Python Fractions.
    """
    count = len(numerator)
    if count == 0:
        return np.zeros(0, dtype=np.int64)
    gcd = np.gcd(numerator, denominator)
    gcd[gcd == 0] = 1
    num = numerator // gcd
    den = denominator // gcd
    approx = num / den
    # Sorting by the float alone is enough: equal floats are then adjacent, and if any run of them
    # holds two different reduced fractions, some neighbours in it differ (the collision check below).
    order = np.argsort(approx)
    s_num, s_den, s_approx = num[order], den[order], approx[order]
    new_pair = np.ones(count, dtype=bool)
    new_pair[1:] = (s_num[1:] != s_num[:-1]) | (s_den[1:] != s_den[:-1])
    new_float = np.ones(count, dtype=bool)
    new_float[1:] = s_approx[1:] != s_approx[:-1]
    if np.any(new_pair & ~new_float):
        # Two different fractions share a float: order everything exactly (slow, and practically never needed).
        exact = [Fraction(int(a), int(b)) for a, b in zip(num, den, strict=True)]
        ranks = pd.Series(exact, dtype=object).rank(method="dense").to_numpy()
        return ranks.astype(np.int64) - 1
    key = np.empty(count, dtype=np.int64)
    key[order] = np.cumsum(new_float) - 1
    return key


def fraction_median(numerators: np.ndarray, denominators: np.ndarray) -> Fraction | None:
    """The exact median of the fractions numerators/denominators (denominators > 0), without a sort.

    Float division is correctly rounded, so it never reverses an exact order: values whose floats
    differ are ordered by them, and only the few values sharing a middle float are ordered exactly.
    Runs store it for the analyser (bucket summaries), so it costs a partition, not a sort.
    """
    count = len(numerators)
    if count == 0:
        return None
    nums = np.asarray(numerators, dtype=np.int64)
    dens = np.asarray(denominators, dtype=np.int64)
    approx = nums / dens
    middle = sorted({(count - 1) // 2, count // 2})
    picked = np.partition(approx, middle)
    values = []
    for place in middle:
        same = approx == picked[place]
        offset = place - int(np.count_nonzero(approx < picked[place]))
        pairs, repeats = np.unique(np.stack([nums[same], dens[same]], axis=1), axis=0, return_counts=True)
        # The distinct fractions sharing that float, in exact order, each as often as it occurs.
        ordered = sorted(zip((Fraction(int(n), int(d)) for n, d in pairs), repeats.tolist(), strict=True))
        for value, times in ordered:
            if offset < times:
                values.append(value)
                break
            offset -= times
    return values[0] if len(values) == 1 else (values[0] + values[1]) / 2
