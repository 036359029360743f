"""Bulk import of price tiers from CSV/XLSX: one transaction per file, dry-run and preview.

`tier_import` is the entry point for the admin, the `import_tiers` command and the tests.
"""

from plans.importing.reading import MAX_IMPORT_BYTES, MAX_IMPORT_ROWS, FileRejected, cell_text, read_table
from plans.importing.tiers import (
    ImportResult,
    RowError,
    RowOutcome,
    TierRowImporter,
    header_problem,
    ignored_columns,
    tier_import,
)

__all__ = [
    "MAX_IMPORT_BYTES",
    "MAX_IMPORT_ROWS",
    "FileRejected",
    "ImportResult",
    "RowError",
    "RowOutcome",
    "TierRowImporter",
    "cell_text",
    "header_problem",
    "ignored_columns",
    "read_table",
    "tier_import",
]
