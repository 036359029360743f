"""Read endpoints of the stored benchmarks: per-GB tables, the province x operator matrix, basket costs, history.

Each reads the run that answers for `as_of` through competition.benchmarks.selectors (never a run being
stored), answers JSON, or with `?format=csv` / `?format=xlsx` every filtered row as a file. Login is
required (the default permission class). The rank sensitivity endpoint is competition.analyser.apis.
"""

from competition.benchmarks.apis.base import (
    AS_OF,
    BUCKET,
    CONVERTED_FIELDS,
    CURRENCY,
    FORMAT,
    INCLUDE_FROM,
    METRIC,
    OPERATOR,
    PROVINCE,
    RATE_ON,
    BenchmarkApi,
    known_code,
)
from competition.benchmarks.apis.baskets import BenchmarkBasketApi
from competition.benchmarks.apis.history import BenchmarkHistoryApi
from competition.benchmarks.apis.matrix import BenchmarkMatrixApi
from competition.benchmarks.apis.per_gb import BenchmarkPerGbApi

__all__ = [
    "AS_OF",
    "BUCKET",
    "CONVERTED_FIELDS",
    "CURRENCY",
    "FORMAT",
    "INCLUDE_FROM",
    "METRIC",
    "OPERATOR",
    "PROVINCE",
    "RATE_ON",
    "BenchmarkApi",
    "BenchmarkBasketApi",
    "BenchmarkHistoryApi",
    "BenchmarkMatrixApi",
    "BenchmarkPerGbApi",
    "known_code",
]
