"""Making exported CSV text inert in spreadsheets, and undoing it on import (CSV injection).

Excel, LibreOffice and Google Sheets evaluate a cell that starts with `=`, `+`, `-` or `@`
(tab and carriage return can hide such a start), so a patron named
`=HYPERLINK("http://...")` would become a live link in whoever opens the export. Following the
OWASP advice, such a text value is written with a leading single quote, which spreadsheets
show as text.

Every text value is guarded, including ones that look like numbers: `+1234567890` is a phone
number stored as text, and a spreadsheet would evaluate it (dropping the `+`, or running
`+1+cmd|...`-style payloads that merely start like a number). Numbers, times and ids that are
not text in the database are never touched: the exporter only calls `guard` on text.

The import strips that quote again, so an exported file re-imports unchanged. For the round
trip to be lossless both ways, a value that already starts with quotes before such a
character ("'=x") gets one more quote, and the import removes exactly one.
"""

from __future__ import annotations

import re

# Characters that start a formula, or hide one (tab, CR) from a careless eye.
TRIGGERS = frozenset("=+-@\t\r")
# First characters worth a closer look: a trigger, or a quote that may precede one.
SUSPECT_FIRST = frozenset("=+-@\t\r'")
_QUOTED_TRIGGER = re.compile(r"'+[=+\-@\t\r]")


def guard(text: str) -> str:
    """`text` as a CSV cell that a spreadsheet will not run; callers may skip values whose
    first character is not in SUSPECT_FIRST (the result is then `text` itself)."""
    if not text:
        return text
    first = text[0]
    if first == "'":
        return "'" + text if _QUOTED_TRIGGER.match(text) else text
    if first in TRIGGERS:
        return "'" + text
    return text


def unguard(cell: str) -> str:
    """A cell as `guard` would have been given it: one leading quote off a quoted trigger."""
    if cell[:1] == "'" and _QUOTED_TRIGGER.match(cell):
        return cell[1:]
    return cell
