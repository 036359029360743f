"""A bucket's stored benchmark table as the /compare/benchmarks/ page shows it."""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from competition.benchmarks import selectors
from competition.models import BenchmarkRow, BenchmarkRun


@dataclass
class BenchmarkPage:
    """A bucket's stored benchmark table as the page shows it: rows, figures, run, names."""

    bucket: str
    include_from: bool
    run: BenchmarkRun | None
    as_of: datetime.date | None
    rows: list[BenchmarkRow]
    figures: selectors.BucketFigures | None
    names: selectors.ReferenceNames


def benchmark_page(*, bucket: str, include_from: bool = False, run: BenchmarkRun | None = None) -> BenchmarkPage:
    """A bucket's stored table (of `run`, default the latest), ranked with "from" prices left out or
    (include_from) counted, and its figures."""
    run = run or selectors.benchmark_run_latest()
    rows = list(selectors.benchmark_row_list(bucket=bucket, run=run, include_from=include_from))
    return BenchmarkPage(
        bucket=bucket,
        include_from=include_from,
        run=run,
        as_of=selectors.benchmark_run_as_of(run) if run else None,
        rows=rows,
        figures=selectors.benchmark_bucket_figures(bucket=bucket, run=run, include_from=include_from) if run else None,
        names=selectors.reference_names(
            plan_ids=[row.plan_id for row in rows], province_codes=[row.province_code for row in rows]
        ),
    )
