"""The dry run's row lists as text, for the command line (the dialog shows the same lists).

Every line is printable: names, emails and reasons come from the file, and a cell holding ESC
or other control characters must not reach a terminal raw (app.transfer.file_source.printable).
"""

from __future__ import annotations

from app.transfer.file_source import printable


def _who(name: str, email: str = "") -> str:
    who = ", ".join(printable(x) for x in (name, email) if x)
    return f"  [{who}]" if who else ""


def format_plan_rows(plan) -> str:
    """Rejected rows, rows needing a first/last name, and row warnings, each with its row
    number; "" when there are none."""
    lines: list[str] = []
    refused, needs_name = plan.refused, plan.needs_name
    if refused:
        lines.append(f"Rejected rows ({len(refused):,}):")
        for r in refused:
            lines.append(f"  row {r.line}: {printable(r.reason, 300)}{_who(r.name, r.email)}")
    if needs_name:
        lines.append(f"Needs a first/last name ({len(needs_name):,}; fix these rows in the file):")
        for r in needs_name:
            lines.append(f"  row {r.line}: {printable(r.reason, 300)}{_who(r.name, r.email)}")
    if plan.warnings:
        lines.append(f"Imported with a warning ({len(plan.warnings):,}; please look at these):")
        for w in plan.warnings:
            lines.append(f"  row {w.line}: {printable(w.message, 300)}{_who(w.name)}")
    return "".join(line + "\n" for line in lines)
