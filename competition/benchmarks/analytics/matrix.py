"""The province x operator matrix: each cell the cheapest tier of a bucket."""

from __future__ import annotations

import numpy as np
import pandas as pd

from competition.benchmarks.analytics.contract import METRICS
from competition.benchmarks.analytics.eligibility import price_counts
from competition.benchmarks.analytics.exact import exact_order_key

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

    Takes `benchmark_table_compute`'s rows. per_gb uses the ranked tiers; per_day and
    per_30_days (which order alike) use every exact-priced tier that is not promotional (unless included),
    since they need no data volume. Ties go to the lower price, then the lower tier id.
    """
    frames = []
    # A "from" price is a floor, not what the cheapest tier costs: never a cell's value.
    not_promo = price_counts(
        rows["is_promotional"].to_numpy(dtype=bool),
        rows["is_from_price"].to_numpy(dtype=bool),
        include_promotional=include_promotional,
    )
    # Work on the few columns a cell needs, with the group keys as integer codes: sorting a million
    # rows by categoricals and carrying every column along would dominate the run.
    base = pd.DataFrame(
        {
            "bucket_code": rows["bucket"].cat.codes.to_numpy(),
            "province_code_id": rows["province_code"].cat.codes.to_numpy(),
            "operator_code_id": rows["operator_code"].cat.codes.to_numpy(),
            "row": np.arange(len(rows)),
        }
    )
    group = ["bucket_code", "province_code_id", "operator_code_id"]
    for metric in METRICS:
        if metric == "per_gb":
            mask = rows["ranked"].to_numpy()
            key = rows["per_gb_key"].to_numpy()[mask]
            value_column = "price_per_gb_cents"
        else:
            mask = not_promo
            key = exact_order_key(
                rows["price_cents"].to_numpy(dtype=np.int64)[mask], rows["validity_days"].to_numpy(dtype=np.int64)[mask]
            )
            value_column = "price_per_day_cents" if metric == "per_day" else "price_per_30_days_cents"
        if not mask.any():
            continue
        candidates = base.loc[mask].assign(
            _key=key, _price=rows["price_cents"].to_numpy()[mask], _tier=rows["tier_id"].to_numpy()[mask]
        )
        candidates = candidates.sort_values([*group, "_key", "_price", "_tier"], kind="stable")
        sizes = candidates.groupby(group, sort=False).size().rename("sample_count")
        cheapest = candidates.drop_duplicates(group, keep="first").join(sizes, on=group)
        picked = rows.iloc[cheapest["row"].to_numpy()]
        cell = picked[["bucket", *CHOSEN_TIER_COLUMNS]].copy()
        cell["metric"] = metric
        cell["value_cents"] = picked[value_column].to_numpy(dtype=np.int64)
        cell["sample_count"] = cheapest["sample_count"].to_numpy()
        frames.append(cell[_CELL_COLUMNS])
    if not frames:
        return pd.DataFrame(columns=_CELL_COLUMNS)
    matrix = pd.concat(frames, ignore_index=True)
    for column in ("bucket", "province_code", "operator_code"):
        matrix[column] = matrix[column].astype(str)
    return matrix.sort_values(["metric", "bucket", "province_code", "operator_code"], kind="stable").reset_index(
        drop=True
    )
