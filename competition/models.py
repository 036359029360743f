"""The competition app's models, defined in its parts (app label `competition` for both)."""

from competition.analyser.models import DraftSet
from competition.benchmarks.models import (
    BenchmarkBasketCost,
    BenchmarkBucketSummary,
    BenchmarkMatrixCell,
    BenchmarkRow,
    BenchmarkRun,
    BenchmarkSchedule,
)
from competition.context.models import ExchangeRate, Indicator, IndicatorValue
from competition.market.models import DatePrecision, KeyFigure, Launch, Partner, Strategy, StrategyMilestone

__all__ = [
    "BenchmarkBasketCost",
    "BenchmarkBucketSummary",
    "BenchmarkMatrixCell",
    "BenchmarkRow",
    "BenchmarkRun",
    "BenchmarkSchedule",
    "DatePrecision",
    "DraftSet",
    "ExchangeRate",
    "Indicator",
    "IndicatorValue",
    "KeyFigure",
    "Launch",
    "Partner",
    "Strategy",
    "StrategyMilestone",
]
