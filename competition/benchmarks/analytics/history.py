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
from competition.benchmarks.analytics.metrics import candidate_order, metric_candidates_all
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
    sizes = (len(bucket_labels) + 1, len(province_labels) + 1, len(operator_labels) + 1)
    orders: dict[str, np.ndarray] = {}
    # Group ids fit 16 bits for 4 buckets x 31 provinces x 4 operators: numpy's stable sort is then a radix sort.
    group_type = np.int16 if sizes[0] * sizes[1] * sizes[2] < 2**15 else np.int64
    by_metric = metric_candidates_all(rows, include_promotional=include_promotional)
    for metric in METRICS:
        candidate = by_metric[metric]
        if not candidate.mask.any():
            continue
        mask = candidate.mask
        price = rows["price_cents"].to_numpy(dtype=np.int64)[mask]
        tier = rows["tier_id"].to_numpy(dtype=np.int64)[mask]
        value = rows[candidate.value_column].to_numpy(dtype=np.int64, na_value=0)[mask]
        # Cheapest first, ties to the lower price then the lower tier id (the matrix's order), sorted once;
        # a stable sort by the scope's group then keeps that order inside every group.
        # per_day and per_30_days compare the same tiers in the same order: sort once for both.
        shared = "per_gb" if metric == "per_gb" else "per_day"
        if shared not in orders:
            orders[shared] = candidate_order(bucket[mask], candidate.key, price, tier)
        order = orders[shared]
        codes = (bucket[mask][order], province[mask][order], operator[mask][order])
        num, den, value, tier = candidate.num[order], candidate.den[order], value[order], tier[order]
        for by_province, by_operator in _SCOPES:
            group = codes[0].astype(group_type)
            group = group * sizes[1] + (codes[1].astype(group_type) if by_province else 0)
            group = group * sizes[2] + (codes[2].astype(group_type) if by_operator else 0)
            within = np.argsort(group, kind="stable")
            grouped = group[within]
            starts = np.flatnonzero(np.r_[True, grouped[1:] != grouped[:-1]])
            ends = np.append(starts[1:], len(grouped))
            g_num, g_den, g_value, g_tier = num[within], den[within], value[within], tier[within]
            g_codes = [column[within] for column in codes]
            for start, end in zip(starts.tolist(), ends.tolist(), strict=True):
                median = median_of_sorted(g_num[start:end], g_den[start:end])
                records.append(
                    {
                        "bucket": bucket_labels[int(g_codes[0][start])],
                        "metric": metric,
                        "province_code": province_labels[int(g_codes[1][start])] if by_province else ALL,
                        "operator_code": operator_labels[int(g_codes[2][start])] if by_operator else ALL,
                        "median_cents": None if median is None else fraction_round_half_up(median),
                        "min_cents": int(g_value[start]),
                        "max_cents": int(g_value[end - 1]),
                        "sample_count": end - start,
                        "tier_id": int(g_tier[start]),
                    }
                )
    return pd.DataFrame.from_records(records, columns=HISTORY_COLUMNS)
