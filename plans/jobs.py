"""The tier import and the tier export as background jobs (core.jobs): what a worker runs for them.

The import is `plans.importing.tier_import` itself, on the file the analyst confirmed; its rows'
progress is the job's. The export writes the columns of /api/v1/tiers/?format=csv|xlsx (the API's
filters and serializer, through core.exports), so a downloaded file imports back unchanged.
"""

from __future__ import annotations

import tempfile
from collections.abc import Iterator
from pathlib import PurePath
from typing import Any

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from core import exports
from core.api.renderers import export_columns, export_values, xlsx_number_formats
from core.jobs import JobOutput, ProgressCallback, job_kind
from core.models import Job
from plans import selectors
from plans.filters import TierFilter
from plans.importing import tier_import
from plans.serializers import TierOutputSerializer

TIER_IMPORT = "plans.tier_import"
TIER_EXPORT = "plans.tier_export"
EXPORT_CHUNK = 2000


@job_kind(TIER_IMPORT, label=gettext_lazy("Tier import"))
def tier_import_job(job: Job, progress: ProgressCallback) -> JobOutput:
    with job.input_file.open("rb") as handle:
        content = handle.read()
    result = tier_import(
        content=content,
        filename=job.input_name,
        actor=job.created_by,
        progress=progress,
        origin=str(job.params.get("origin", "import job")),
    )
    if result.ok:
        return JobOutput(ok=True, summary=result.summary, total=len(result.outcomes))
    lines = [result.summary, *(str(error) for error in result.errors[:50])]
    return JobOutput(
        ok=False,
        summary="\n".join(lines),
        content=result.failed_rows_csv().encode("utf-8"),
        filename=f"{PurePath(job.input_name).stem or 'import'}-failed-rows.csv",
        total=len(result.outcomes),
    )


@job_kind(TIER_EXPORT, label=gettext_lazy("Tier export"))
def tier_export_job(job: Job, progress: ProgressCallback) -> JobOutput:
    """Every tier the API's filters (job.params["filters"]) select, as CSV or XLSX (job.params["format"])."""
    extension = "xlsx" if job.params.get("format") == "xlsx" else "csv"
    filterset = TierFilter(data=job.params.get("filters") or {}, queryset=selectors.tier_list())
    if not filterset.is_valid():
        problems = "; ".join(f"{name}: {' '.join(messages)}" for name, messages in filterset.errors.items())
        return JobOutput(ok=False, summary=_("The filters were refused: %(problems)s") % {"problems": problems})
    queryset = filterset.qs
    total = queryset.count()
    fields = TierOutputSerializer().fields
    columns = export_columns(fields)

    def rows() -> Iterator[list[Any]]:
        done = 0
        batch: list[Any] = []
        # The serializer reads .values() rows (core.api.rows), as the API's own list does.
        for tier in TierOutputSerializer.rows(queryset).iterator(chunk_size=EXPORT_CHUNK):
            batch.append(tier)
            if len(batch) == EXPORT_CHUNK:
                yield from export_values(
                    TierOutputSerializer(batch, many=True).data, fields, columns, dates=extension == "xlsx"
                )
                done += len(batch)
                progress(done, total)
                batch = []
        if batch:
            yield from export_values(
                TierOutputSerializer(batch, many=True).data, fields, columns, dates=extension == "xlsx"
            )
            progress(done + len(batch), total)

    # A file on disk, not bytes in memory: the worker stays flat in the row count (core.jobs stores it).
    handle = tempfile.TemporaryFile()  # noqa: SIM115 - closed by core.jobs once stored
    if extension == "csv":
        for chunk in exports.csv_chunks(header=columns, rows=rows()):
            handle.write(chunk.encode("utf-8"))
    else:
        formats = xlsx_number_formats(fields, columns)
        exports.xlsx_write(handle, [exports.Sheet(title="tiers", header=columns, rows=rows(), number_formats=formats)])
    handle.seek(0)
    filename = exports.export_filename("tiers", extension)
    return JobOutput(
        ok=True,
        summary=_("%(count)s tiers exported to %(file)s") % {"count": total, "file": filename},
        content=handle,
        filename=filename,
        total=total,
    )
