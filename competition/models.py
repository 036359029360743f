"""The competition app's models, defined in its parts (app label `competition` for both)."""

from competition.benchmarks.history.models import BenchmarkHistoryDay, BenchmarkHistoryPoint
from competition.benchmarks.models import (
    BenchmarkBasketCost,
    BenchmarkBucketSummary,
    BenchmarkMatrixCell,
    BenchmarkRow,
    BenchmarkRun,
    BenchmarkSchedule,
)
from competition.market.models import DatePrecision, KeyFigure, Launch, Partner, Strategy, StrategyMilestone

__all__ = [
    "BenchmarkBasketCost",
    "BenchmarkBucketSummary",
    "BenchmarkHistoryDay",
    "BenchmarkHistoryPoint",
    "BenchmarkMatrixCell",
    "BenchmarkRow",
    "BenchmarkRun",
    "BenchmarkSchedule",
    "DatePrecision",
    "KeyFigure",
    "Launch",
    "Partner",
    "Strategy",
    "StrategyMilestone",
]
