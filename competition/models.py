"""The competition app's models, defined in its parts (app label `competition` for both)."""

from competition.analyser.models import BenchmarkSensitivityBucket, BenchmarkSensitivityRow, DraftSet
from competition.benchmarks.history.models import BenchmarkHistoryDay, BenchmarkHistoryPoint
from competition.benchmarks.models import (
    BenchmarkBasketCost,
    BenchmarkBasketCover,
    BenchmarkBasketInput,
    BenchmarkBucketSummary,
    BenchmarkDayPrice,
    BenchmarkMatrixCell,
    BenchmarkPendingPlan,
    BenchmarkRow,
    BenchmarkRun,
    BenchmarkSchedule,
)
from competition.changes.models import ChangeEvent
from competition.context.models import ExchangeRate, Indicator, IndicatorValue
from competition.market.models import DatePrecision, KeyFigure, Launch, Partner, Strategy, StrategyMilestone
from competition.watching.models import Notification, Watch, WatchingSettings

__all__ = [
    "BenchmarkBasketCost",
    "BenchmarkBasketCover",
    "BenchmarkBasketInput",
    "BenchmarkBucketSummary",
    "BenchmarkDayPrice",
    "BenchmarkHistoryDay",
    "BenchmarkHistoryPoint",
    "BenchmarkMatrixCell",
    "BenchmarkPendingPlan",
    "BenchmarkRow",
    "BenchmarkRun",
    "BenchmarkSchedule",
    "BenchmarkSensitivityBucket",
    "BenchmarkSensitivityRow",
    "ChangeEvent",
    "DatePrecision",
    "DraftSet",
    "ExchangeRate",
    "Indicator",
    "IndicatorValue",
    "KeyFigure",
    "Launch",
    "Notification",
    "Partner",
    "Strategy",
    "StrategyMilestone",
    "Watch",
    "WatchingSettings",
]
