"""A bucket's stored benchmark table as /compare/benchmarks/ shows it: a page of rows, or every row for the CSV."""

from __future__ import annotations

import datetime
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from django.core.paginator import Page, Paginator

from competition.benchmarks import selectors
from competition.models import BenchmarkRow, BenchmarkRun

# Rows per HTML page: about 100 kB of HTML, whatever the bucket holds (the CSV carries every row).
BENCHMARK_PAGE_SIZE = 100
# Rows named per query when the CSV streams a whole bucket.
EXPORT_CHUNK = 2000


@dataclass
class BenchmarkRowsChunk:
    """Stored rows with the plans and provinces they name (one reference-names lookup per chunk)."""

    rows: list[BenchmarkRow]
    names: selectors.ReferenceNames


@dataclass
class BenchmarkPage:
    """A bucket's stored benchmark table as the page shows it: a page of rows (or, for the CSV, every row
    in chunks), the bucket's figures, the run, names."""

    bucket: str
    include_from: bool
    run: BenchmarkRun | None
    as_of: datetime.date | None
    rows: list[BenchmarkRow]
    figures: selectors.BucketFigures | None
    names: selectors.ReferenceNames
    page: Page[BenchmarkRow] | None = None
    chunks: Iterator[BenchmarkRowsChunk] | None = None


def _named_chunks(rows: Iterator[BenchmarkRow], *, size: int) -> Iterator[BenchmarkRowsChunk]:
    chunk: list[BenchmarkRow] = []
    for row in rows:
        chunk.append(row)
        if len(chunk) == size:
            yield _named(chunk)
            chunk = []
    if chunk:
        yield _named(chunk)


def _named(rows: list[BenchmarkRow]) -> BenchmarkRowsChunk:
    names = selectors.reference_names(
        plan_ids=[row.plan_id for row in rows], province_codes=[row.province_code for row in rows]
    )
    return BenchmarkRowsChunk(rows=rows, names=names)


def benchmark_page(
    *,
    bucket: str,
    include_from: bool = False,
    run: BenchmarkRun | None = None,
    page: int | str | None = 1,
    per_page: int | None = None,
    every_row: bool = False,
) -> BenchmarkPage:
    """A bucket's stored table (of `run`, default the latest), ranked with "from" prices left out or
    (include_from) counted, and its figures.

    One page of `per_page` (default BENCHMARK_PAGE_SIZE) rows in display order (`page` as the URL gives it;
    out of range or not a
    number falls back as Django's Paginator.get_page does), read as a range of stored positions on the
    run's (run, bucket, position) index, with the names of that page's plans only. `every_row` instead leaves
    `rows` empty and streams every row in `chunks` (the CSV download).
    """
    run = run or selectors.benchmark_run_latest()
    queryset = selectors.benchmark_row_list(bucket=bucket, run=run, include_from=include_from)
    figures = selectors.benchmark_bucket_figures(bucket=bucket, run=run, include_from=include_from) if run else None
    as_of = selectors.benchmark_run_as_of(run) if run else None
    if every_row:
        return BenchmarkPage(
            bucket=bucket,
            include_from=include_from,
            run=run,
            as_of=as_of,
            rows=[],
            figures=figures,
            names=selectors.ReferenceNames(provinces={}, plans={}),
            chunks=_named_chunks(queryset.iterator(chunk_size=EXPORT_CHUNK), size=EXPORT_CHUNK),
        )
    # Without a summary (no run yet) the queryset is empty and its COUNT costs nothing.
    source: Any = queryset if figures is None else selectors.BucketPositionRange(queryset, count=figures.tier_count)
    shown = Paginator(source, per_page or BENCHMARK_PAGE_SIZE).get_page(page)
    rows = list(shown.object_list)
    return BenchmarkPage(
        bucket=bucket,
        include_from=include_from,
        run=run,
        as_of=as_of,
        rows=rows,
        figures=figures,
        names=_named(rows).names,
        page=shown,
    )
