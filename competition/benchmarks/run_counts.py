"""Row counts stored on a run, kept by a full run and by each patch: what pages would otherwise GROUP BY or probe.

Per operator: the comparison matrix's column order. Per province, operator and bucket (promotional or
not): what the matrix says of an empty cell and which pairs the basket page prices.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping
from typing import Any

import pandas as pd


def operator_row_counts(
    *, rows: pd.DataFrame, counts: Mapping[str, int] | None = None, removed: Mapping[str, int] | None = None
) -> dict[str, int]:
    """Per operator, how many rows a run holds: `counts` (the run's before a patch; none for a new run)
    less the `removed` rows' plus `rows`' (the rows written: a full run's result, a patch's edited tiers).

    The one place both a full run and a patch keep `BenchmarkRun.operator_row_counts`; operators left
    with no row drop out.
    """
    total: Counter[str] = Counter({str(code): int(count) for code, count in (counts or {}).items()})
    total.subtract({str(code): int(count) for code, count in (removed or {}).items()})
    if len(rows):
        total.update(
            {str(code): int(count) for code, count in rows["operator_code"].astype(str).value_counts().items()}
        )
    return {code: count for code, count in sorted(total.items()) if count > 0}


def pair_key(province_code: str, operator_code: str, bucket: str) -> str:
    """The key of `BenchmarkRun.pair_row_counts`."""
    return f"{province_code}|{operator_code}|{bucket}"


def pair_row_counts(
    *,
    rows: pd.DataFrame,
    buckets: Iterable[str] | None = None,
    counts: Mapping[str, list[int]] | None = None,
    removed: Iterable[Mapping[str, Any]] = (),
) -> dict[str, list[int]]:
    """Per `pair_key`, [rows not promotional, rows promotional]: `counts` (the run's before a patch) less the
    `removed` rows (dicts with province_code, operator_code, bucket, is_promotional) plus `rows` (a frame
    with the same columns; a patch's input tiers give `buckets` beside instead). Empty keys drop out.
    """
    total: dict[str, list[int]] = {key: [int(value) for value in pair] for key, pair in (counts or {}).items()}
    for row in removed:
        pair = total.setdefault(pair_key(row["province_code"], row["operator_code"], row["bucket"]), [0, 0])
        pair[1 if row["is_promotional"] else 0] -= 1
    if len(rows):
        frame = pd.DataFrame(
            {
                "province_code": rows["province_code"].astype(str).to_numpy(),
                "operator_code": rows["operator_code"].astype(str).to_numpy(),
                "bucket": (rows["bucket"] if buckets is None else pd.Series(list(buckets))).astype(str).to_numpy(),
                "is_promotional": rows["is_promotional"].to_numpy(dtype=bool),
            }
        )
        grouped = frame.groupby(["province_code", "operator_code", "bucket", "is_promotional"], sort=False).size()
        for (province, operator, bucket, promotional), count in grouped.items():
            pair = total.setdefault(pair_key(province, operator, bucket), [0, 0])
            pair[1 if promotional else 0] += int(count)
    return {key: pair for key, pair in sorted(total.items()) if sum(pair) > 0}
