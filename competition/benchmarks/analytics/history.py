"""One day's history points: per bucket, metric and scope the median, minimum, maximum and sample count.

A scope is the whole market, one province, one operator, or one province x operator pair (a
matrix cell). The points are summaries of `benchmark_table_compute`'s rows over the candidates of
`metric_candidates` (the same tiers, order and values as the matrix and the bucket summaries), so
a national per_gb point equals the run's bucket summary and a cell point equals its matrix cell.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from competition.benchmarks.analytics.contract import METRICS
from competition.benchmarks.analytics.exact import fraction_round_half_up
from competition.benchmarks.analytics.metrics import metric_candidates
from competition.benchmarks.analytics.tables import median_of_sorted

# The empty code stands for "every province" / "every operator".
ALL = ""
HISTORY_COLUMNS = [
    "bucket",
    "metric",
    "province_code",
    "operator_code",
    "median_cents",
    "min_cents",
    "max_cents",
    "sample_count",
    "tier_id",
]
_SCOPES: tuple[tuple[bool, bool], ...] = ((False, False), (True, False), (False, True), (True, True))


def history_points_compute(rows: pd.DataFrame, *, include_promotional: bool = False) -> pd.DataFrame:
    """The day's points (`HISTORY_COLUMNS`) from `benchmark_table_compute`'s rows; `tier_id` is the cheapest tier.

    Only scopes with at least one candidate get a point: a gap is a day nothing was sold there.
    Medians are exact (the middle fraction, or the mean of the two middle ones) rounded half-up to cents.
    """
    if not len(rows):
        return pd.DataFrame(columns=HISTORY_COLUMNS)
    bucket = rows["bucket"].cat.codes.to_numpy()
    province = rows["province_code"].cat.codes.to_numpy()
    operator = rows["operator_code"].cat.codes.to_numpy()
    bucket_labels = list(rows["bucket"].cat.categories)
    province_labels = list(rows["province_code"].cat.categories)
    operator_labels = list(rows["operator_code"].cat.categories)
    records: list[dict[str, object]] = []
    for metric in METRICS:
        candidate = metric_candidates(rows, metric, include_promotional=include_promotional)
        if not candidate.mask.any():
            continue
        mask = candidate.mask
        frame = pd.DataFrame(
            {
                "bucket": bucket[mask],
                "province": province[mask],
                "operator": operator[mask],
                "key": candidate.key,
                "price": rows["price_cents"].to_numpy(dtype=np.int64)[mask],
                "tier": rows["tier_id"].to_numpy(dtype=np.int64)[mask],
                "num": candidate.num,
                "den": candidate.den,
                "value": rows[candidate.value_column].to_numpy(dtype=np.int64, na_value=0)[mask],
            }
        )
        for by_province, by_operator in _SCOPES:
            group = ["bucket", *(["province"] if by_province else []), *(["operator"] if by_operator else [])]
            # Cheapest first, ties to the lower price then the lower tier id: the matrix's order.
            ordered = frame.sort_values([*group, "key", "price", "tier"], kind="stable").reset_index(drop=True)
            starts = np.flatnonzero(_new_group(ordered, group))
            ends = np.append(starts[1:], len(ordered))
            columns = {
                c: ordered[c].to_numpy() for c in ("bucket", "province", "operator", "num", "den", "value", "tier")
            }
            nums, dens, values, tiers = columns["num"], columns["den"], columns["value"], columns["tier"]
            for start, end in zip(starts, ends, strict=True):
                median = median_of_sorted(nums[start:end], dens[start:end])
                records.append(
                    {
                        "bucket": bucket_labels[int(columns["bucket"][start])],
                        "metric": metric,
                        "province_code": province_labels[int(columns["province"][start])] if by_province else ALL,
                        "operator_code": operator_labels[int(columns["operator"][start])] if by_operator else ALL,
                        "median_cents": None if median is None else fraction_round_half_up(median),
                        "min_cents": int(values[start]),
                        "max_cents": int(values[end - 1]),
                        "sample_count": int(end - start),
                        "tier_id": int(tiers[start]),
                    }
                )
    return pd.DataFrame.from_records(records, columns=HISTORY_COLUMNS)


def _new_group(ordered: pd.DataFrame, group: list[str]) -> np.ndarray:
    """True on the first row of each group of the sorted frame."""
    new = np.zeros(len(ordered), dtype=bool)
    new[0] = True
    for column in group:
        values = ordered[column].to_numpy()
        new[1:] |= values[1:] != values[:-1]
    return new
