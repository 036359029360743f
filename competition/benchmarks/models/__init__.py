"""The stored results of the analytics: runs, their rows, bucket summaries, matrix cells, basket costs, scheduling."""

from competition.benchmarks.models.basket_inputs import BenchmarkBasketCover, BenchmarkBasketInput
from competition.benchmarks.models.results import (
    BenchmarkBasketCost,
    BenchmarkBucketSummary,
    BenchmarkDayPrice,
    BenchmarkMatrixCell,
    BenchmarkRow,
)
from competition.benchmarks.models.runs import BenchmarkPendingPlan, BenchmarkRun, BenchmarkSchedule

__all__ = [
    "BenchmarkBasketCost",
    "BenchmarkBasketCover",
    "BenchmarkBasketInput",
    "BenchmarkBucketSummary",
    "BenchmarkDayPrice",
    "BenchmarkMatrixCell",
    "BenchmarkPendingPlan",
    "BenchmarkRow",
    "BenchmarkRun",
    "BenchmarkSchedule",
]
