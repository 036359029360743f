"""The admin's export formats, written by core.exports (BOM, cell spelling, no formulas)."""

from __future__ import annotations

from typing import Any

from import_export.formats import base_formats

from core import exports


class SafeCSV(base_formats.CSV):
    """The admin's CSV export, written by core.exports (BOM, cell spelling, no formulas)."""

    def export_data(self, dataset: Any, **kwargs: Any) -> str:
        return exports.csv_text(header=dataset.headers or [], rows=dataset)


class SafeXLSX(base_formats.XLSX):
    """The admin's XLSX export, written by core.exports (formula-like text stays text)."""

    def export_data(self, dataset: Any, **kwargs: Any) -> bytes:
        title = dataset.title or "data"
        return exports.xlsx_bytes([exports.Sheet(title=title, header=dataset.headers or [], rows=dataset)])


# What the import/export admins offer for download; imports read through the apps' own import engines.
EXPORT_FORMATS = [SafeCSV, SafeXLSX]
