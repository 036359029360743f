"""Bulk import of price tiers from CSV/XLSX: one reader, one engine, one transaction per file.

`tier_import` is the entry point for the admin, the `import_tiers` command and the tests; `read_table`
is the only way an import file becomes rows.
"""

from plans.importing.reading import (
    MAX_IMPORT_BYTES,
    MAX_IMPORT_ROWS,
    FileRejected,
    cell_text,
    max_import_bytes,
    max_import_rows,
    read_table,
    size_problem,
    upload_checked,
)
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
    "max_import_bytes",
    "max_import_rows",
    "read_table",
    "size_problem",
    "tier_import",
    "upload_checked",
]
