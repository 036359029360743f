"""The recompute floor's Polars and DuckDB engines compute what the project's analytics compute.

The floor is only a floor if the other engines do the same work: same positions, ranks, matrix
cells and baskets as `analytics.benchmarks_compute` on the same tiers.
"""

from __future__ import annotations

import csv
import random
import sys
from pathlib import Path
from typing import Any

import pandas as pd
import pytest

from competition.benchmarks import analytics

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "scripts"))
import bench_recompute_engines

pytest.importorskip("polars")
pytest.importorskip("duckdb")


def _tiers(count: int) -> pd.DataFrame:
    chance = random.Random(14)
    records = []
    for number in range(1, count + 1):
        data = chance.choice([None, "0", "1", "2.5", "5", "10", "20", "30", "50"])
        records.append(
            {
                "tier_id": number,
                "plan_id": number // 3 + 1,
                "operator_code": chance.choice(["cmcc", "cucc"]),
                "province_code": chance.choice(["11", "31"]),
                "validity_days": chance.choice([1, 3, 7, 10, 15, 30]),
                "price_cny": f"{chance.randint(100, 20000) / 100:.2f}",
                "data_gb": data,
                "data_unlimited": chance.random() < 0.05,
                "domestic_voice_min": chance.choice([None, 0, 50, 300]),
                "intl_voice_min": chance.choice([None, 0, 30, 100]),
                "is_promotional": chance.random() < 0.05,
                "is_from_price": chance.random() < 0.05,
            }
        )
    return analytics.tiers_frame(records)


def _as_copy_csv(frame: pd.DataFrame, path: Path) -> Path:
    """The frame as PostgreSQL's COPY ... WITH CSV writes the selector's rows (t/f, empty for NULL)."""

    def cell(value: Any) -> Any:
        if isinstance(value, bool):
            return "t" if value else "f"
        return "" if pd.isna(value) else value

    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        for row in frame.itertuples(index=False):
            writer.writerow([cell(value) for value in row])
    return path


@pytest.fixture(scope="module")
def engines(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    tiers = _tiers(400)
    source = _as_copy_csv(tiers, tmp_path_factory.mktemp("floor") / "tiers.csv")
    _, _, duck = bench_recompute_engines.duckdb_engine(source)
    _, _, polars = bench_recompute_engines.polars_engine(source)
    return {"expected": analytics.benchmarks_compute(tiers), "duck": duck, "polars": polars}


def _expected_rows(expected: analytics.BenchmarkResult) -> set[tuple[int, int, int | None]]:
    rows = expected.rows
    return {
        (int(tier), int(position), None if pd.isna(rank) else int(rank))
        for tier, position, rank in zip(rows["tier_id"], rows["position"], rows["rank"], strict=True)
    }


def test_duckdb_rows_have_the_analytics_positions_and_ranks(engines: dict[str, Any]) -> None:
    found = engines["duck"].execute("SELECT tier_id, position, rnk FROM r").fetchall()

    assert {(tier, position, rank) for tier, position, rank in found} == _expected_rows(engines["expected"])


def test_polars_rows_have_the_analytics_positions_and_ranks(engines: dict[str, Any]) -> None:
    rows = engines["polars"]["rows"]
    found = zip(rows["tier_id"], rows["position"], rows["rnk"], strict=True)

    assert {(tier, position, None if rank is None else int(rank)) for tier, position, rank in found} == (
        _expected_rows(engines["expected"])
    )


def _expected_cells(expected: analytics.BenchmarkResult) -> set[tuple[Any, ...]]:
    matrix = expected.matrix
    columns = ["metric", "bucket", "province_code", "operator_code", "tier_id", "value_cents", "sample_count"]
    return {tuple(row) for row in matrix[columns].itertuples(index=False)}


def test_duckdb_matrix_cells_are_the_analytics_cells(engines: dict[str, Any]) -> None:
    found = (
        engines["duck"]
        .execute("SELECT metric, bucket, province_code, operator_code, tier_id, value_cents, n FROM cells")
        .fetchall()
    )

    assert set(found) == _expected_cells(engines["expected"])


def test_polars_matrix_cells_are_the_analytics_cells(engines: dict[str, Any]) -> None:
    cells = engines["polars"]["cells"]
    columns = ["metric", "bucket", "province_code", "operator_code", "tier_id", "value_cents", "n"]

    assert set(cells.select(columns).iter_rows()) == _expected_cells(engines["expected"])


def _expected_baskets(expected: analytics.BenchmarkResult) -> set[tuple[Any, ...]]:
    columns = ["profile", "province_code", "operator_code", "tier_id", "cost_cents", "candidate_count"]
    return {tuple(row) for row in expected.baskets[columns].itertuples(index=False)}


def test_duckdb_baskets_are_the_analytics_baskets(engines: dict[str, Any]) -> None:
    found = (
        engines["duck"]
        .execute("SELECT slug, province_code, operator_code, tier_id, cost_cents, n FROM baskets")
        .fetchall()
    )

    assert set(found) == _expected_baskets(engines["expected"])


def test_polars_baskets_are_the_analytics_baskets(engines: dict[str, Any]) -> None:
    baskets = engines["polars"]["baskets"]
    columns = ["slug", "province_code", "operator_code", "tier_id", "cost_cents", "n"]

    assert set(baskets.select(columns).iter_rows()) == _expected_baskets(engines["expected"])
