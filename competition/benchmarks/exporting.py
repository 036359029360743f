"""What a benchmark export says about itself: the run's columns on every CSV row, an XLSX "about" sheet, a file name.

A benchmark endpoint calls `describe_export(run, filters, **figures)` once it knows the run and the
filters; core.api.renderers then reads `get_export_filters()` (the file name) and
`get_export_about()` (the about sheet), and the view adds `with_run_columns(rows)` to its CSV rows.
The column names are core.columns'.
"""

from __future__ import annotations

import datetime
from typing import Any, ClassVar

from rest_framework import serializers

from competition.benchmarks import selectors
from competition.benchmarks.models import BenchmarkRun
from core import columns

RUN_EXPORT_FIELDS: dict[str, serializers.Field] = {
    columns.RUN_ID: serializers.IntegerField(),
    columns.AS_OF: serializers.DateField(),
    columns.COMPUTED_AT: serializers.DateTimeField(),
    columns.METHODOLOGY_VERSION: serializers.CharField(),
    columns.RUN_REVISION: serializers.IntegerField(),
    columns.RUN_UPDATED_AT: serializers.DateTimeField(),
}
BUCKET_EXPORT_FIELDS: dict[str, serializers.Field] = {
    columns.BUCKET: serializers.CharField(),
    columns.INCLUDE_FROM: serializers.BooleanField(),
    columns.BUCKET_MEDIAN_PER_GB_CNY: serializers.DecimalField(max_digits=14, decimal_places=2),
    columns.BUCKET_SAMPLE_COUNT: serializers.IntegerField(),
}


def run_export_values(run: BenchmarkRun, *, as_of: datetime.date | None = None) -> dict[str, Any]:
    """What an export or a body says of the run behind it: which run, for which day, computed and patched when.

    A patched run keeps its `computed_at` (the full computation) and counts its patches in
    `run_revision`, with the last one's time in `run_updated_at`, so two exports of one run id can be told apart.
    """
    return {
        columns.RUN_ID: run.pk,
        columns.AS_OF: as_of or selectors.benchmark_run_as_of(run),
        columns.COMPUTED_AT: run.computed_at,
        columns.METHODOLOGY_VERSION: run.methodology_version,
        columns.RUN_REVISION: run.revision,
        columns.RUN_UPDATED_AT: run.updated_at,
    }


def run_export_representation(run: BenchmarkRun, *, as_of: datetime.date | None = None) -> dict[str, Any]:
    """`run_export_values` as the JSON body spells them (dates and times as text)."""
    return {
        name: None if value is None else RUN_EXPORT_FIELDS[name].to_representation(value)
        for name, value in run_export_values(run, as_of=as_of).items()
    }


class DescribedExportMixin:
    """For a benchmark API view: remembers the run and filters behind its response."""

    export_basename: ClassVar[str] = "benchmarks"
    export_filters: dict[str, Any]
    export_run: dict[str, Any]

    def describe_export(self, run: BenchmarkRun, filters: dict[str, Any], **figures: Any) -> None:
        """Remember the run and filters behind this response: its file name, its run columns and about sheet."""
        self.export_filters = filters
        self.export_run = {**run_export_values(run), **figures}

    def get_export_filters(self) -> dict[str, Any]:
        return getattr(self, "export_filters", {})

    def get_export_about(self) -> list[tuple[str, Any]]:
        about: list[tuple[str, Any]] = [("table", self.export_basename)]
        about += [(name, value) for name, value in getattr(self, "export_run", {}).items()]
        about += [(name, value) for name, value in self.get_export_filters().items() if value not in (None, "")]
        return about

    def with_run_columns(self, rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
        """Every CSV row carries the run columns (the file stays self-describing when rows are copied out)."""
        # Spelled as the JSON body spells them (RUN_EXPORT_FIELDS), so a CSV's computed_at equals the body's.
        fields = {**RUN_EXPORT_FIELDS, **BUCKET_EXPORT_FIELDS}
        run = {
            name: value if value is None or name not in fields else fields[name].to_representation(value)
            for name, value in getattr(self, "export_run", {}).items()
        }
        return [{**row, **run} for row in rows]
