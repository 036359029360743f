"""`python manage.py benchmark_table --bucket 1-7 [--format csv|table]`: print the latest run's per-GB table."""

from __future__ import annotations

import unicodedata
from decimal import Decimal
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from competition.benchmarks import analytics, selectors
from competition.benchmarks.exporting import run_export_values
from core import columns, exports
from plans.pricing import BUCKET_LABELS

# core.columns' names, as the API's and the page's benchmark CSVs spell them.
COLUMNS = (
    columns.RANK,
    columns.PROVINCE_CODE,
    columns.PROVINCE_NAME_ZH,
    columns.PROVINCE_NAME_EN,
    columns.OPERATOR_CODE,
    columns.BRANCH_NAME_ZH,
    columns.BRANCH_NAME_EN,
    columns.PLAN_NAME_ZH,
    columns.PLAN_NAME_EN,
    columns.VALIDITY_DAYS,
    columns.PRICE_CNY,
    columns.PRICE_QUALIFIER,
    columns.DATA_GB,
    columns.PRICE_PER_GB_CNY,
    columns.INDEX,
    columns.PRICE_PER_DAY_CNY,
    columns.IS_PROMOTIONAL,
    columns.CONFIDENCE,
    columns.PER_GB_UNDEFINED_REASON,
    columns.TIER_ID,
)
# The terminal table keeps to what fits a screen; the CSV has every column and the run's.
TABLE_COLUMNS = tuple(
    column
    for column in COLUMNS
    if column not in {columns.PROVINCE_NAME_ZH, columns.PROVINCE_NAME_EN, columns.BRANCH_NAME_EN, columns.PLAN_NAME_EN}
)
CSV_COLUMNS = (*COLUMNS, *columns.RUN_COLUMNS)


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
        parser.add_argument(
            "--include-from",
            action="store_true",
            help='Count "from" prices (floors such as 低至5元/月) in ranks, indexes and the median.',
        )

    def handle(self, *args: Any, **options: Any) -> None:
        run = selectors.benchmark_run_latest()
        if run is None:
            raise CommandError("No benchmark run has completed yet; run `python manage.py recompute_benchmarks`.")
        bucket = options["bucket"]
        include_from = bool(options["include_from"])
        rows = list(
            selectors.benchmark_row_list(
                bucket=bucket,
                run=run,
                operator=options["operator"],
                province=options["province"],
                include_from=include_from,
            )
        )
        names = selectors.reference_names(
            plan_ids=[row.plan_id for row in rows], province_codes=[row.province_code for row in rows]
        )
        figures = selectors.benchmark_bucket_figures(bucket=bucket, run=run, include_from=include_from)
        records = []
        for row in rows:
            province, plan = names.province(row.province_code), names.plan(row.plan_id)
            records.append(
                {
                    columns.RANK: row.shown_rank,
                    columns.PROVINCE_CODE: row.province_code,
                    columns.PROVINCE_NAME_ZH: province.name_zh if province else "",
                    columns.PROVINCE_NAME_EN: province.name_en if province else "",
                    columns.OPERATOR_CODE: row.operator_code,
                    columns.BRANCH_NAME_ZH: row.branch_name_zh,
                    columns.BRANCH_NAME_EN: plan.branch.name_en if plan else "",
                    columns.PLAN_NAME_ZH: row.plan_name_zh,
                    columns.PLAN_NAME_EN: row.plan_name_en,
                    columns.VALIDITY_DAYS: row.validity_days,
                    columns.PRICE_CNY: row.price_cny,
                    columns.PRICE_QUALIFIER: row.price_qualifier,
                    columns.DATA_GB: "unlimited" if row.data_unlimited else row.data_gb,
                    columns.PRICE_PER_GB_CNY: row.price_per_gb_cny,
                    columns.INDEX: row.shown_index,
                    columns.PRICE_PER_DAY_CNY: row.price_per_day_cny,
                    columns.IS_PROMOTIONAL: row.is_promotional,
                    columns.CONFIDENCE: row.confidence,
                    columns.PER_GB_UNDEFINED_REASON: row.per_gb_undefined_reason,
                    columns.TIER_ID: row.tier_id,
                }
            )
        if options["format"] == "csv":
            run_cells = {
                **run_export_values(run),
                columns.INCLUDE_FROM: include_from,
                columns.BUCKET_MEDIAN_PER_GB_CNY: figures.median_per_gb_cny if figures else None,
                columns.BUCKET_SAMPLE_COUNT: figures.sample_count if figures else 0,
            }
            lines = ([{**record, **run_cells}[column] for column in CSV_COLUMNS] for record in records)
            self.stdout.write(exports.csv_text(header=CSV_COLUMNS, rows=lines), ending="")
            return
        self.stdout.write(
            f"Bucket {bucket} days · run #{run.pk} as of {selectors.benchmark_run_as_of(run)} computed "
            f"{run.computed_at:%Y-%m-%d %H:%M %Z} · methodology {run.methodology_version}"
            + (" · from prices counted" if include_from else "")
        )
        if figures is not None:
            median, low, high = (
                _text(value) or "-"
                for value in (figures.median_per_gb_cny, figures.min_per_gb_cny, figures.max_per_gb_cny)
            )
            low_sample = " · LOW SAMPLE" if analytics.is_low_sample(figures.sample_count) else ""
            self.stdout.write(
                f"median {median} CNY/GB · min {low} · max {high} · "
                f"{figures.sample_count} ranked of {figures.tier_count}{low_sample}"
            )
        cells = [[_text(record[column]) for column in TABLE_COLUMNS] for record in records]
        widths = [max([_width(column), *(_width(line[i]) for line in cells)]) for i, column in enumerate(TABLE_COLUMNS)]
        numeric = {
            columns.RANK,
            columns.VALIDITY_DAYS,
            columns.PRICE_CNY,
            columns.DATA_GB,
            columns.PRICE_PER_GB_CNY,
            columns.INDEX,
            columns.PRICE_PER_DAY_CNY,
            columns.TIER_ID,
        }
        header = zip(TABLE_COLUMNS, widths, strict=True)
        self.stdout.write("  ".join(_pad(c, w, right=c in numeric) for c, w in header))
        for line in cells:
            self.stdout.write(
                "  ".join(
                    _pad(v, w, right=c in numeric) for v, c, w in zip(line, TABLE_COLUMNS, widths, strict=True)
                ).rstrip()
            )
