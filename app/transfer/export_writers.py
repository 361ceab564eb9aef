"""The export's two file formats, written batch by batch: CSV rows, and a JSON array with
one object per line.
"""

from __future__ import annotations

import csv
import json
from typing import TextIO

from app.transfer.export_values import CSV_FORMATTERS, row_fixer


class CsvWriter:
    def __init__(self, out: TextIO, columns: tuple[str, ...]):
        self._writer = csv.writer(out)
        self._writer.writerow(columns)

    def write_rows(self, rows, formatters) -> None:
        # csv writes None as an empty cell; only booleans need words. Columns whose values go
        # out as they are skip the call (most of the cost of a million-row export is per cell).
        fix = row_fixer([CSV_FORMATTERS.get(f, f) for f in formatters])
        self._writer.writerows(rows if fix is None else map(fix, rows))

    def finish(self) -> None:
        pass


class JsonWriter:
    """`[` row `,` row ... `]`, one object per line, written as the rows arrive."""

    def __init__(self, out: TextIO, columns: tuple[str, ...]):
        self._out = out
        self._columns = columns
        self._first = True
        self._encode = json.JSONEncoder(ensure_ascii=False).encode
        out.write("[")

    def write_rows(self, rows, formatters) -> None:
        columns, encode, fix = self._columns, self._encode, row_fixer(formatters)
        if fix is None:  # values are JSON-ready: no Python per cell
            chunks = [encode(dict(zip(columns, row, strict=True))) for row in rows]
        else:
            chunks = [encode(dict(zip(columns, fix(row), strict=True))) for row in rows]
        if not chunks:
            return
        prefix = "\n" if self._first else ",\n"
        self._first = False
        self._out.write(prefix + ",\n".join(chunks))

    def finish(self) -> None:
        self._out.write("\n]\n" if not self._first else "]\n")
