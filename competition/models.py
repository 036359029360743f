"""The competition app's models, defined in its parts (app label `competition` for both)."""

from competition.benchmarks.models import (
    BenchmarkBasketCost,
    BenchmarkBucketSummary,
    BenchmarkMatrixCell,
    BenchmarkRow,
    BenchmarkRun,
    BenchmarkSchedule,
)
from competition.changes.models import ChangeEvent
from competition.market.models import DatePrecision, KeyFigure, Launch, Partner, Strategy, StrategyMilestone
from competition.watching.models import Notification, Watch, WatchingSettings

__all__ = [
    "BenchmarkBasketCost",
    "BenchmarkBucketSummary",
    "BenchmarkMatrixCell",
    "BenchmarkRow",
    "BenchmarkRun",
    "BenchmarkSchedule",
    "ChangeEvent",
    "DatePrecision",
    "KeyFigure",
    "Launch",
    "Notification",
    "Partner",
    "Strategy",
    "StrategyMilestone",
    "Watch",
    "WatchingSettings",
]
