"""`python manage.py benchmark_table --bucket 1-7 [--format csv|table]`: print the latest run's per-GB table."""

from __future__ import annotations

import unicodedata
from decimal import Decimal
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from competition.benchmarks import analytics, selectors
from core import exports
from plans.pricing import BUCKET_LABELS

COLUMNS = (
    "rank",
    "branch",
    "plan",
    "validity_days",
    "price_cny",
    "data_gb",
    "price_per_gb_cny",
    "index",
    "price_per_day_cny",
    "promotional",
    "confidence",
    "note",
)


def _text(value: Any) -> str:
    """A cell of the human-readable table (the CSV spells values as core.exports does)."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, Decimal):
        return f"{value:f}"
    return str(value)


def _width(text: str) -> int:
    """Display width: CJK characters take two terminal cells."""
    return sum(2 if unicodedata.east_asian_width(char) in "WF" else 1 for char in text)


def _pad(text: str, width: int, *, right: bool) -> str:
    gap = " " * (width - _width(text))
    return gap + text if right else text + gap


class Command(BaseCommand):
    help = "Print a validity bucket's per-GB benchmark table from the latest complete run."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--bucket", default="1-7", choices=BUCKET_LABELS, help="Validity bucket (default 1-7).")
        parser.add_argument("--format", default="table", choices=("table", "csv"), help="table (default) or csv.")
        parser.add_argument("--operator", help="Only this operator (code, e.g. cmcc).")
        parser.add_argument("--province", help="Only this province (GB/T 2260 code, e.g. 31).")

    def handle(self, *args: Any, **options: Any) -> None:
        run = selectors.benchmark_run_latest()
        if run is None:
            raise CommandError("No benchmark run has completed yet; run `python manage.py recompute_benchmarks`.")
        bucket = options["bucket"]
        rows = selectors.benchmark_row_list(
            bucket=bucket, run=run, operator=options["operator"], province=options["province"]
        )
        records = [
            {
                "rank": row.rank,
                "branch": row.branch_name_zh,
                "plan": row.plan_name_zh,
                "validity_days": row.validity_days,
                "price_cny": row.price_cny,
                "data_gb": "unlimited" if row.data_unlimited else row.data_gb,
                "price_per_gb_cny": row.price_per_gb_cny,
                "index": row.per_gb_index,
                "price_per_day_cny": row.price_per_day_cny,
                "promotional": row.is_promotional,
                "confidence": row.confidence,
                "note": row.per_gb_undefined_reason,
            }
            for row in rows
        ]
        if options["format"] == "csv":
            lines = ([record[column] for column in COLUMNS] for record in records)
            self.stdout.write(exports.csv_text(header=COLUMNS, rows=lines), ending="")
            return
        summary = selectors.benchmark_bucket_summary(bucket=bucket, run=run)
        self.stdout.write(
            f"Bucket {bucket} days · run #{run.pk} computed {run.computed_at:%Y-%m-%d %H:%M %Z} · "
            f"methodology {run.methodology_version}"
        )
        if summary is not None:
            median, low, high = (
                _text(value) or "-"
                for value in (summary.median_per_gb_cny, summary.min_per_gb_cny, summary.max_per_gb_cny)
            )
            low_sample = " · LOW SAMPLE" if analytics.is_low_sample(summary.sample_count) else ""
            self.stdout.write(
                f"median {median} CNY/GB · min {low} · max {high} · "
                f"{summary.sample_count} ranked of {summary.tier_count}{low_sample}"
            )
        cells = [[_text(record[column]) for column in COLUMNS] for record in records]
        widths = [max([_width(column), *(_width(row[i]) for row in cells)]) for i, column in enumerate(COLUMNS)]
        numeric = {"rank", "validity_days", "price_cny", "data_gb", "price_per_gb_cny", "index", "price_per_day_cny"}
        self.stdout.write("  ".join(_pad(c, w, right=c in numeric) for c, w in zip(COLUMNS, widths, strict=True)))
        for row in cells:
            self.stdout.write(
                "  ".join(_pad(v, w, right=c in numeric) for v, c, w in zip(row, COLUMNS, widths, strict=True)).rstrip()
            )
