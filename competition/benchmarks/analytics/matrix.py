"""The province x operator matrix: each cell the cheapest tier of a bucket."""

from __future__ import annotations

import numpy as np
import pandas as pd

from competition.benchmarks.analytics.contract import METRICS
from competition.benchmarks.analytics.metrics import candidate_order, metric_candidates_all, scope_starts

# What a matrix cell and a basket cost carry of the tier they chose.
CHOSEN_TIER_COLUMNS = [
    "province_code",
    "operator_code",
    "tier_id",
    "plan_id",
    "branch_name_zh",
    "plan_name_zh",
    "validity_days",
    "price_cents",
]

_CELL_COLUMNS = ["bucket", "metric", *CHOSEN_TIER_COLUMNS, "value_cents", "sample_count"]


def province_comparison_compute(rows: pd.DataFrame, *, include_promotional: bool = False) -> pd.DataFrame:
    """Provinces x operators, per bucket and metric: the cheapest eligible tier, its value and the sample count.

    Takes `benchmark_table_compute`'s rows; which tiers each metric compares is `metric_candidates`.
    Ties go to the lower price, then the lower tier id.
    """
    frames = []
    # Work on integer codes and index arrays: sorting a million rows by categoricals and carrying every
    # column along would dominate the run.
    bucket = rows["bucket"].cat.codes.to_numpy().astype(np.int64)
    province = rows["province_code"].cat.codes.to_numpy().astype(np.int64)
    operator = rows["operator_code"].cat.codes.to_numpy().astype(np.int64)
    group = (bucket * (province.max(initial=0) + 1) + province) * (operator.max(initial=0) + 1) + operator
    price = rows["price_cents"].to_numpy(dtype=np.int64)
    tier = rows["tier_id"].to_numpy(dtype=np.int64)
    by_metric = metric_candidates_all(rows, include_promotional=include_promotional)
    # per_day and per_30_days compare the same tiers in the same order: their cells are found once.
    found: dict[str, tuple[np.ndarray, np.ndarray]] = {}
    for metric in METRICS:
        candidate = by_metric[metric]
        mask, key, value_column = candidate.mask, candidate.key, candidate.value_column
        if not mask.any():
            continue
        shared = "per_gb" if metric == "per_gb" else "per_day"
        if shared not in found:
            row = np.flatnonzero(mask)
            order = candidate_order(bucket[row], key, price[row], tier[row])
            # A stable sort by cell keeps the cheapest-first order inside each cell.
            ordered = row[order][np.argsort(group[row][order], kind="stable")]
            starts, ends = scope_starts(group[ordered])
            found[shared] = (ordered[starts], ends - starts)
        chosen, sample_count = found[shared]
        picked = rows.iloc[chosen]
        cell = picked[["bucket", *CHOSEN_TIER_COLUMNS]].copy()
        cell["metric"] = metric
        cell["value_cents"] = picked[value_column].to_numpy(dtype=np.int64)
        cell["sample_count"] = sample_count
        frames.append(cell[_CELL_COLUMNS])
    if not frames:
        return pd.DataFrame(columns=_CELL_COLUMNS)
    matrix = pd.concat(frames, ignore_index=True)
    for column in ("bucket", "province_code", "operator_code"):
        matrix[column] = matrix[column].astype(str)
    return matrix.sort_values(["metric", "bucket", "province_code", "operator_code"], kind="stable").reset_index(
        drop=True
    )
