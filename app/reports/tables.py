"""What every report hands to the screens and files: titled tables of plain values.

A report is figures plus tables; the GUI shows the tables, the CSV export writes them, the PDF
prints them. Cells are already formatted for people (local dates, percentages), so the three
outputs agree.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass, field

from app.transfer.cell_guard import SUSPECT_FIRST, guard


@dataclass(frozen=True)
class Table:
    title: str
    headers: list[str]
    rows: list[list[object]] = field(default_factory=list)


@dataclass(frozen=True)
class ReportDocument:
    """A whole report as the PDF prints it: a title, a few lines of figures, the tables."""

    title: str
    lines: list[str]
    tables: list[Table]


def cell_text(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, float):
        return f"{value:.1f}"
    return str(value)


def _csv_cell(value: object) -> str:
    text = cell_text(value)
    # Names and emails come from people: keep a spreadsheet from running them as formulas.
    return guard(text) if text[:1] in SUSPECT_FIRST else text


def table_csv(table: Table) -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(table.headers)
    for row in table.rows:
        writer.writerow([_csv_cell(v) for v in row])
    return out.getvalue()


def tables_csv(tables: list[Table]) -> str:
    """One table as plain CSV; several as titled sections separated by a blank line."""
    if len(tables) == 1:
        return table_csv(tables[0])
    return "\n".join(f"{_csv_cell(t.title)}\n{table_csv(t)}" for t in tables)


def percent(part: int | float | None, whole: int | float | None) -> float | None:
    """part/whole as a percentage with one decimal; None when whole is 0 or unknown."""
    if part is None or not whole:
        return None
    return round(100.0 * part / whole, 1)
