"""The draft-tariff analyser: where hypothetical tiers would land in a market they never join.

`drafts_position_compute` (reference.py) answers from the market's tiers; `drafts_position_from_markets`
(slices.py) gives the same answers from slices of a stored run (competition.analyser.stored_market).
"""

from competition.benchmarks.analytics.drafts.reference import (
    NEIGHBOUR_COLUMNS,
    DraftValues,
    drafts_position_compute,
    drafts_values,
)
from competition.benchmarks.analytics.drafts.slices import (
    MarketValue,
    MetricMarket,
    bands_beside,
    drafts_position_from_markets,
    metric_market_from_bands,
    metric_position,
)

__all__ = [
    "NEIGHBOUR_COLUMNS",
    "DraftValues",
    "MarketValue",
    "MetricMarket",
    "bands_beside",
    "drafts_position_compute",
    "drafts_position_from_markets",
    "drafts_values",
    "metric_market_from_bands",
    "metric_position",
]
