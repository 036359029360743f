"""The trends page's reads: a bucket's median and cheapest figure over time, per operator or per province.

Everything comes from the stored benchmark history (competition.benchmarks.history.selectors): nothing
here computes a figure, it only lays the recorded days out as step lines (a price holds until it
changes). Three queries whatever the history's length: the recorded days, the market's series, and
the chosen grouping's series.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from competition.benchmarks.history import selectors as history_selectors
from competition.benchmarks.history.models import BenchmarkHistoryPoint

# The two figures the page draws: the median of the tiers compared, and the cheapest of them.
FIGURES: tuple[str, ...] = ("median_cny", "min_cny")


@dataclass
class TrendLine:
    """One line: the market (`code` empty) or one operator / province, a value per recorded day or None."""

    code: str
    points: dict[datetime.date, BenchmarkHistoryPoint]


@dataclass
class Trend:
    bucket: str
    metric: str
    by: str
    days: list[datetime.date]
    market: TrendLine
    lines: list[TrendLine] = field(default_factory=list)

    def chart(self, figure: str, *, labels: dict[str, str], extra_datasets: tuple[dict[str, Any], ...] = ()) -> dict:
        """Chart.js step lines over real dates of `figure` (median_cny or min_cny), the market's line first.

        A recorded day where a line has no point (nothing sold there that day) breaks it. `labels` names the
        market ("") and each code. `extra_datasets` are appended as given: the hook for reference lines
        drawn over the same date axis (e.g. a national per-GB reference) by their own module.
        """
        if figure not in FIGURES:
            raise ValueError(f"unknown figure {figure!r}; expected one of {', '.join(FIGURES)}")
        datasets = []
        for line in [self.market, *self.lines]:
            data: list[dict[str, Any]] = []
            for day in self.days:
                point = line.points.get(day)
                if point is None and not data:
                    continue  # the line starts at its first recorded point
                value: Decimal | None = getattr(point, figure) if point is not None else None
                data.append({"x": day.isoformat(), "y": None if value is None else float(value)})
            if data:
                datasets.append(
                    {
                        "label": labels.get(line.code, line.code),
                        "code": line.code,
                        "data": data,
                        "stepped": True,
                        "spanGaps": False,
                        "borderWidth": 3 if not line.code else 1.5,
                    }
                )
        return {"xAxis": "date", "datasets": [*datasets, *extra_datasets]}

    def rows(self) -> list[dict[str, Any]]:
        """Every point of every line, by line then date (the page's table and its CSV)."""
        out = []
        for line in [self.market, *self.lines]:
            for day in self.days:
                point = line.points.get(day)
                if point is None:
                    continue
                out.append(
                    {
                        "date": day,
                        "bucket": self.bucket,
                        "metric": self.metric,
                        "scope": self.by if line.code else "market",
                        "code": line.code,
                        "median_cny": point.median_cny,
                        "min_cny": point.min_cny,
                        "max_cny": point.max_cny,
                        "sample_count": point.sample_count,
                        "tier_id": point.tier_id,
                    }
                )
        return out


def benchmark_trend(
    *, bucket: str, metric: str, by: str, codes: list[str] | None = None, until: datetime.date | None = None
) -> Trend:
    """A bucket's market line and one line per operator (`by="operator"`) or province, up to `until`."""
    days = list(history_selectors.history_day_list().values_list("day", flat=True))
    if until is not None:
        days = [day for day in days if day <= until]
    market = history_selectors.history_series(bucket=bucket, metric=metric, until=until)
    grouped = history_selectors.history_series_by(bucket=bucket, metric=metric, by=by, codes=codes)
    return Trend(
        bucket=bucket,
        metric=metric,
        by=by,
        days=days,
        market=TrendLine(code="", points={point.date: point for point in market}),
        lines=[
            TrendLine(code=code, points={p.date: p for p in points if until is None or p.date <= until})
            for code, points in grouped.items()
        ],
    )
