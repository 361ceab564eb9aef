"""Export (tables, filtered views, read-only queries to CSV/JSON) and the patron CSV import.

Public API:
- export: `table_statement`, `count_rows`, `export_statement`, `export_to_file`,
  `count_and_export`, `export_rows`,
  `ExportCancelled`, `ExportResult`, `EXPORT_TABLES`, `FORMATS`
- filters: `parse_filters` / `ColumnFilter` (the safe `--where` syntax)
- import: `read_patron_csv`, `parse_mapping_args`, `plan_import`, `apply_import`, `ImportPlan`,
  `ImportResult`, `Rejection`
"""

from app.transfer.export import (
    EXPORT_TABLES,
    FORMATS,
    ExportCancelled,
    ExportResult,
    count_and_export,
    count_rows,
    export_rows,
    export_statement,
    export_to_file,
    table_statement,
)
from app.transfer.filters import ColumnFilter, parse_filters
from app.transfer.patron_file import FIELDS, PatronFile, parse_mapping_args, read_patron_csv
from app.transfer.patron_import import ImportPlan, ImportResult, apply_import, plan_import
from app.transfer.patron_rows import Rejection, RowWarning

__all__ = [
    "EXPORT_TABLES",
    "FIELDS",
    "FORMATS",
    "ColumnFilter",
    "ExportCancelled",
    "ExportResult",
    "ImportPlan",
    "ImportResult",
    "PatronFile",
    "Rejection",
    "RowWarning",
    "apply_import",
    "count_and_export",
    "count_rows",
    "export_rows",
    "export_statement",
    "export_to_file",
    "parse_filters",
    "parse_mapping_args",
    "plan_import",
    "read_patron_csv",
    "table_statement",
]
