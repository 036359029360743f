"""Where values stand in a market: competition ranks (ties share) and the exact median, by exact order keys.

Shared by the draft analyser (a draft against a market it does not join) and the rank sensitivity
table (every tier of a bucket under several metrics). The benchmark tables keep their own
vectorised rank over a sorted bucket; both follow DOMAIN.md's rule: 1 + the number strictly cheaper.
"""

from __future__ import annotations

from fractions import Fraction

import numpy as np

from competition.benchmarks.analytics.exact import exact_order_key
from competition.benchmarks.analytics.tables import median_of_sorted


def ranks_among(keys: np.ndarray, market_keys: np.ndarray) -> np.ndarray:
    """1 + how many of `market_keys` are strictly below each of `keys` (equal values share a rank)."""
    return np.searchsorted(np.sort(market_keys), keys, side="left").astype(np.int64) + 1


def order_keys(numerators: np.ndarray, denominators: np.ndarray) -> np.ndarray:
    """Dense int64 keys that order the fractions exactly (see exact_order_key), for any number of them."""
    numerators = np.asarray(numerators, dtype=np.int64)
    denominators = np.asarray(denominators, dtype=np.int64)
    if len(numerators) == 0:
        return np.zeros(0, dtype=np.int64)
    return exact_order_key(numerators.copy(), denominators.copy())


def exact_median(numerators: np.ndarray, denominators: np.ndarray, keys: np.ndarray) -> Fraction | None:
    """The exact median of the fractions numerators/denominators (in `keys` order); None when there are none."""
    if len(keys) == 0:
        return None
    order = np.argsort(keys, kind="stable")
    return median_of_sorted(np.asarray(numerators)[order], np.asarray(denominators)[order])
