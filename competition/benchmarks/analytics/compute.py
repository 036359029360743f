"""Everything at once: the benchmark tables, the matrix and the baskets of one input frame."""

from __future__ import annotations

import pandas as pd

from competition.benchmarks.analytics.baskets import basket_costs_compute
from competition.benchmarks.analytics.contract import BenchmarkParameters, BenchmarkResult
from competition.benchmarks.analytics.day_prices import day_prices_compute
from competition.benchmarks.analytics.frames import input_fingerprint, normalise_input
from competition.benchmarks.analytics.history import history_points_compute
from competition.benchmarks.analytics.matrix import province_comparison_compute
from competition.benchmarks.analytics.tables import benchmark_table_compute


def benchmarks_compute(tiers: pd.DataFrame, *, parameters: BenchmarkParameters | None = None) -> BenchmarkResult:
    """Run every analysis over the input frame (see `INPUT_DTYPES`)."""
    parameters = parameters or BenchmarkParameters()
    tiers = normalise_input(tiers)
    rows, summaries = benchmark_table_compute(tiers, include_promotional=parameters.include_promotional)
    return benchmarks_complete(tiers, rows=rows, summaries=summaries, parameters=parameters)


def benchmarks_complete(
    tiers: pd.DataFrame, *, rows: pd.DataFrame, summaries: pd.DataFrame, parameters: BenchmarkParameters
) -> BenchmarkResult:
    """`benchmarks_compute` from its benchmark table on: history points, per-day prices, matrix, baskets, fingerprint.

    `tiers` is a normalised input (`normalise_input`), `rows, summaries` its `benchmark_table_compute`.
    Apart so that a full run can compute these while it stores the rows; neither input is modified.
    """
    return BenchmarkResult(
        rows=rows,
        summaries=summaries,
        matrix=province_comparison_compute(rows, include_promotional=parameters.include_promotional),
        baskets=basket_costs_compute(
            tiers, profiles=parameters.baskets, include_promotional=parameters.include_promotional
        ),
        fingerprint=input_fingerprint(tiers),
        parameters=parameters,
        history=history_points_compute(rows, include_promotional=parameters.include_promotional),
        day_prices=day_prices_compute(rows, include_promotional=parameters.include_promotional),
    )


def history_compute(tiers: pd.DataFrame, *, parameters: BenchmarkParameters | None = None) -> tuple[pd.DataFrame, str]:
    """One day's history points and the input's fingerprint: what a run would record, without its tables and baskets."""
    parameters = parameters or BenchmarkParameters()
    tiers = normalise_input(tiers)
    rows, _summaries = benchmark_table_compute(tiers, include_promotional=parameters.include_promotional)
    return history_points_compute(rows, include_promotional=parameters.include_promotional), input_fingerprint(tiers)
