"""THE rule of which tiers' prices enter ranks, medians, matrix cells and baskets.

A promotional tier (a free welcome card) is left out unless the run includes promotions; a "from"
price (Tier.price_qualifier, "低至5元/月") is a floor, not what the tier costs, so it is left out
unless the reader asks for floors to count (`include_from`, the `include_from=1` of the benchmark
endpoints and pages). Works on numpy arrays and on single values alike.
"""

from __future__ import annotations

from typing import Any

import numpy as np


def price_counts(
    is_promotional: Any,
    is_from_price: Any,
    *,
    include_promotional: bool = False,
    include_from: bool = False,
) -> Any:
    """True where a tier's price counts as a price for the benchmarks (an array for arrays, a bool for values)."""
    promotion_ok = np.logical_or(include_promotional, np.logical_not(is_promotional))
    floor_ok = np.logical_or(include_from, np.logical_not(is_from_price))
    return np.logical_and(promotion_ok, floor_ok)
