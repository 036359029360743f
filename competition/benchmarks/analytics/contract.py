"""The analytics' input contract, parameters and result: what goes in, what comes out."""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

import pandas as pd

# Bump when a formula, an eligibility rule or a basket changes, so stored runs say how they were made.
# 1.1: "from" prices are left out of ranks and medians; 1.2: unranked tiers have no index.
METHODOLOGY_VERSION = "1.2"

# Which market tier a figure names (a draft's neighbour, a sensitivity row): its ids, place, names, validity.
TIER_REFERENCE_COLUMNS: tuple[str, ...] = (
    "tier_id",
    "plan_id",
    "province_code",
    "operator_code",
    "branch_name_zh",
    "plan_name_zh",
    "validity_days",
)

# The input contract: one row per current tier. Text columns are categoricals to keep 1M rows small.
INPUT_DTYPES: dict[str, str] = {
    "tier_id": "int64",
    "plan_id": "int64",
    "branch_id": "int64",
    "operator_code": "category",
    "province_code": "category",
    "branch_name_zh": "category",
    "plan_name_zh": "category",
    "plan_name_en": "category",
    "validity_days": "int64",
    "price_cents": "int64",
    "data_mgb": "Int64",
    "data_unlimited": "bool",
    "domestic_voice_min": "Int64",
    "intl_voice_min": "Int64",
    "is_promotional": "bool",
    # A "from" price (Tier.price_qualifier, "低至5元/月") is a floor, not a price: out of ranks and medians.
    "is_from_price": "bool",
    "confidence": "category",
}
INPUT_COLUMNS: tuple[str, ...] = tuple(INPUT_DTYPES)

METRICS: tuple[str, ...] = ("per_gb", "per_day", "per_30_days")


@dataclass(frozen=True)
class BasketProfile:
    """A visitor's usage over a stay (after the ITU ICT Price Basket / OECD baskets)."""

    slug: str
    name: str
    days: int
    data_gb: Decimal
    domestic_min: int
    intl_min: int

    def as_dict(self) -> dict[str, Any]:
        return {
            "slug": self.slug,
            "name": self.name,
            "days": self.days,
            "data_gb": str(self.data_gb),
            "domestic_min": self.domestic_min,
            "intl_min": self.intl_min,
        }


DEFAULT_BASKETS: tuple[BasketProfile, ...] = (
    BasketProfile("week-light", "7 days, 5 GB, 30 domestic min, 10 international min", 7, Decimal("5"), 30, 10),
    BasketProfile("week-data", "7 days, 20 GB, 30 domestic min, no international calls", 7, Decimal("20"), 30, 0),
    BasketProfile("fortnight", "15 days, 30 GB, 100 domestic min, 30 international min", 15, Decimal("30"), 100, 30),
    BasketProfile("month", "30 days, 50 GB, 200 domestic min, 60 international min", 30, Decimal("50"), 200, 60),
)


@dataclass(frozen=True)
class BenchmarkParameters:
    """What a run was asked to do; stored with the run."""

    include_promotional: bool = False
    baskets: tuple[BasketProfile, ...] = DEFAULT_BASKETS

    def as_dict(self) -> dict[str, Any]:
        return {
            "include_promotional": self.include_promotional,
            "baskets": [profile.as_dict() for profile in self.baskets],
        }


@dataclass
class BenchmarkResult:
    """Everything one run computes. Money columns are integer cents, the index integer hundredths."""

    rows: pd.DataFrame
    summaries: pd.DataFrame
    matrix: pd.DataFrame
    baskets: pd.DataFrame
    fingerprint: str
    parameters: BenchmarkParameters = field(default_factory=BenchmarkParameters)
    # The day's history points (analytics.history): per bucket, metric and scope median/min/max/sample count.
    history: pd.DataFrame = field(default_factory=pd.DataFrame)
    # The per-day sample by (bucket, price, validity) (analytics.day_prices): the analyser's per-day reads.
    day_prices: pd.DataFrame = field(default_factory=pd.DataFrame)
