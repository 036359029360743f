"""How far a benchmark figure can be trusted: the low-sample rule and who may be called cheapest.

Each rule lives here once; the stored runs, the API, the pages and their CSVs all ask these two
functions, so "low sample" and "cheapest in province" mean the same thing behind every door.
"""

from __future__ import annotations

from collections.abc import Iterable
from decimal import Decimal

# A figure (a matrix cell, a bucket median, a basket cost) from fewer tiers than this is a low sample.
LOW_SAMPLE_BELOW = 3

# "Cheapest in the province" compares operators: with fewer than this many operators having data,
# the one that has data is merely alone, not cheapest.
CHEAPEST_NEEDS_OPERATORS = 2


def is_low_sample(sample_count: int | None) -> bool:
    """True when a figure rests on fewer than LOW_SAMPLE_BELOW tiers (or on none at all)."""
    return (sample_count or 0) < LOW_SAMPLE_BELOW


def cheapest_operators(values: Iterable[tuple[str, Decimal | None]]) -> set[str]:
    """The operators that may be called cheapest among one province's (operator code, value) pairs.

    Only operators that have a value count as having data (None means none). Fewer than
    CHEAPEST_NEEDS_OPERATORS of them: nobody is called cheapest. Otherwise every operator whose
    value equals the lowest one (ties share the title).
    """
    priced = [(operator, value) for operator, value in values if value is not None]
    if len({operator for operator, _ in priced}) < CHEAPEST_NEEDS_OPERATORS:
        return set()
    lowest = min(value for _, value in priced if value is not None)
    return {operator for operator, value in priced if value == lowest}
