"""Per-operator row counts stored on a run: the comparison matrix's column order without a GROUP BY per request."""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping

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
