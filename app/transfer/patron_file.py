"""Reading a member list as people have it: a spreadsheet or a contacts program's export.

A header row; UTF-8 with or without BOM, UTF-16 with or without BOM, else Windows-1252 (the
report says so; app.transfer.file_source); comma, semicolon or tab (sniffed from the header
line); CRLF or LF; blank rows ignored. Columns are matched to patron fields by their header's
words (app.transfer.layouts), or by an explicit mapping on top. Several email and phone columns
are kept, each with its label, in order of preference; a Google cell holding "a ::: b" is two
values. A cell that the export guarded against spreadsheet formulas ("'=...") loses that quote.
"""

from __future__ import annotations

import csv
import io
import re
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path

from app.errors import ValidationError
from app.transfer.cell_guard import unguard
from app.transfer.file_source import MAX_FILE_BYTES, decode, printable, read_file_bytes
from app.transfer.layouts import (
    FIELD_LABELS,
    FIELDS,
    IGNORED,
    PHONE_ORDER,
    ColumnRole,
    label_column_for,
    label_from_cell,
    recognize,
    role_of,
)
from db.gc_pause import gc_paused

__all__ = [
    "FIELDS",
    "FIELD_LABELS",
    "IGNORE",
    "MAX_FILE_BYTES",
    "SINGLE_FIELDS",
    "PatronFile",
    "SourceRow",
]

IGNORE = ""  # mapping target meaning "do not import this column"
NAME_FIELDS = ("firstName", "lastName", "name")
# Fields one column at most may hold when chosen by hand (several emails and phones are fine).
SINGLE_FIELDS = ("firstName", "lastName", "name", "status")


# Not frozen: a frozen dataclass's __init__ costs twice as much, at 100,000 rows per import.
@dataclass(slots=True)
class SourceRow:
    """One data row: `line` is the row number a spreadsheet shows (the header is row 1 when
    the file starts with it; a quoted cell over several lines is still one row). `values`
    holds the name and status cells (the first non-empty of the columns for each), `emails`
    and `phones` (label, cell) in order of preference, all as written (not yet cleaned)."""

    line: int
    values: dict[str, str]
    emails: tuple[tuple[str, str], ...] = ()
    phones: tuple[tuple[str, str], ...] = ()


@dataclass(frozen=True)
class PatronFile:
    name: str
    encoding: str
    delimiter: str
    headers: tuple[str, ...]
    mapping: dict[str, str]  # header as in the file -> field (or IGNORE)
    rows: tuple[SourceRow, ...]
    notes: tuple[str, ...] = field(default=())
    layout: str = "a member list"
    labels: dict[str, str] = field(default_factory=dict)  # email/phone header -> label

    @property
    def missing_fields(self) -> tuple[str, ...]:
        """What no column is mapped to and the import cannot do without: some name."""
        mapped = set(self.mapping.values())
        if mapped & set(NAME_FIELDS):
            return ()
        return ("firstName", "lastName")

    def describe_column(self, header: str) -> str:
        """ "Home Email -> email (home)", "Notes (ignored)": the mapping as the report shows it."""
        target = self.mapping.get(header, IGNORE)
        if not target:
            return f"{printable(header)} (ignored)"
        label = self.labels.get(header)
        tail = f" ({label})" if label and label != "other" else ""
        return f"{printable(header)} -> {FIELD_LABELS[target]}{tail}"


def normalize_header(text: str) -> str:
    """'Prénom' -> 'prenom', 'E-mail' -> 'email', 'First Name' -> 'firstname'."""
    decomposed = unicodedata.normalize("NFKD", text or "")
    plain = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return re.sub(r"[^a-z0-9]", "", plain.lower())


def field_for(name: str) -> str | None:
    """The patron field a header or a mapping target names, or None."""
    if name in FIELDS:
        return name
    return role_of(name).field or None


def guess_roles(headers: tuple[str, ...] | list[str]) -> dict[str, ColumnRole]:
    """Header -> role by its words. Several columns may share a field: the reader takes the
    first non-empty name cell in rank order ("First Name" before "Given Name") and keeps every
    email and phone."""
    return {header: role_of(header) for header in headers}


def parse_mapping_args(items: list[str] | None) -> dict[str, str]:
    """`["Given Name=firstName", "Cell=phone", "Notes="]` -> {header: field or IGNORE}."""
    mapping: dict[str, str] = {}
    for item in items or []:
        header, sep, target = item.partition("=")
        if not sep or not header.strip():
            raise ValidationError(
                {
                    "map": f"{item!r}: write the file's column, '=', then a field, e.g. 'Given Name=firstName'"
                }
            )
        mapping[header.strip()] = target.strip()
    return mapping


def apply_mapping(
    headers: tuple[str, ...], explicit: dict[str, str] | None
) -> dict[str, ColumnRole]:
    """The guessed roles with `explicit` choices on top; checked for unknown names. A column
    chosen by hand takes its field away from every guessed column."""
    roles = guess_roles(headers)
    if not explicit:
        return roles
    by_normal = {normalize_header(h): h for h in headers}
    chosen: dict[str, str] = {}
    for header, target in explicit.items():
        actual = header if header in roles else by_normal.get(normalize_header(header))
        if actual is None:
            raise ValidationError(
                {
                    "map": f"the file has no column {printable(header)!r}; its columns are: "
                    f"{printable(', '.join(headers), 400)}"
                }
            )
        if target in ("", "-", "ignore"):
            chosen[actual] = IGNORE
            continue
        resolved = target if target in FIELDS else field_for(target)
        if resolved is None:
            raise ValidationError(
                {
                    "map": f"{printable(target)!r} is not a patron field; use one of: {', '.join(FIELDS)}"
                }
            )
        chosen[actual] = resolved
    for header in headers:
        if header in chosen:
            guessed = roles[header]
            target = chosen[header]
            label = guessed.label if guessed.field == target else "other"
            rank = PHONE_ORDER.get(label, 0) if target == "phone" else 0
            roles[header] = ColumnRole(target, label, rank) if target else IGNORED
        elif roles[header].field in chosen.values():
            roles[header] = IGNORED
    for field_name in SINGLE_FIELDS:
        columns = [h for h in chosen if chosen[h] == field_name]
        if len(columns) > 1:
            raise ValidationError(
                {
                    "map": f"both {printable(columns[0])!r} and {printable(columns[1])!r} are mapped to {field_name}"
                }
            )
    return roles


def read_patron_csv(
    source: bytes | str | Path, mapping: dict[str, str] | None = None, *, name: str | None = None
) -> PatronFile:
    """Read and map a CSV file (a path or its bytes). Raises ValidationError (field "file" or
    "map") for a file that cannot be read as a member list at all; row problems come later."""
    with gc_paused():  # a row object and a dict per member: see db.gc_pause
        return _read(source, mapping, name)


def _read(source, mapping, name) -> PatronFile:
    if isinstance(source, bytes):
        data, name = source, name or "data"
    else:
        path = Path(source)
        name = name or path.name
        data = read_file_bytes(path, name)
    text, encoding, notes = decode(data)
    delimiter = sniff_delimiter(text)
    shown = printable(name)
    records = _records(text, delimiter, shown)
    if not records:
        raise ValidationError({"file": f"{shown} is empty: it needs a header row and member rows"})
    _header_line, header = records[0]
    headers = tuple(cell.strip() for cell in header)
    if all(h == "" for h in headers):
        raise ValidationError({"file": f"{shown}: the first row must hold the column names"})
    headers = tuple(h or f"column {i + 1}" for i, h in enumerate(headers))
    if len(set(headers)) != len(headers):
        seen = [h for h in headers if headers.count(h) > 1]
        raise ValidationError({"file": f"{shown}: the column {printable(seen[0])!r} appears twice"})
    roles = apply_mapping(headers, mapping)
    reader = _RowReader(headers, roles)
    rows = tuple(reader.row(line, cells) for line, cells in records[1:])
    chosen = {h: r.field for h, r in roles.items()}
    labels = {h: r.label for h, r in roles.items() if r.field in ("email", "phone")}
    return PatronFile(
        shown,
        encoding,
        delimiter,
        headers,
        chosen,
        rows,
        tuple(notes),
        recognize(headers, chosen),
        labels,
    )


class _RowReader:
    """Turns a record's cells into a SourceRow with the column plan worked out once."""

    def __init__(self, headers: tuple[str, ...], roles: dict[str, ColumnRole]):
        index = {h: i for i, h in enumerate(headers)}
        by_rank = sorted(
            ((r.rank, i, h) for i, (h, r) in enumerate(roles.items()) if r.field),
            key=lambda t: t[:2],
        )
        self.single = {}
        for _rank, i, h in by_rank:
            f = roles[h].field
            if f not in ("email", "phone"):
                self.single.setdefault(f, []).append(i)
        # (column, fixed label, column holding a per-row label or None)
        self.emails = []
        self.phones = []
        for i, h in enumerate(headers):
            role = roles[h]
            if role.field in ("email", "phone"):
                label_header = label_column_for(h, headers)
                target = self.emails if role.field == "email" else self.phones
                target.append((i, role.label or "other", index.get(label_header)))

    def row(self, line: int, cells: list[str]) -> SourceRow:
        size = len(cells)
        values = {}
        for f, columns in self.single.items():
            value = ""
            for i in columns:
                if i < size and cells[i].strip():
                    value = cells[i]
                    break
            # unguard: the export's formula guard comes off, so an exported list re-imports.
            values[f] = unguard(value) if value else ""
        emails = self._contacts(self.emails, cells, size) if self.emails else ()
        phones = self._contacts(self.phones, cells, size) if self.phones else ()
        if len(phones) > 1:
            phones = tuple(sorted(phones, key=lambda p: PHONE_ORDER.get(p[0], 2)))
        return SourceRow(line, values, emails, phones)

    @staticmethod
    def _contacts(columns, cells, size) -> tuple[tuple[str, str], ...]:
        found = []
        for i, label, label_at in columns:
            if i >= size:
                continue
            cell = cells[i].strip()
            if not cell:
                continue
            if label_at is not None and label_at < size and cells[label_at].strip():
                label = label_from_cell(cells[label_at])
            if ":::" not in cell:  # the usual case
                found.append((label, unguard(cell)))
                continue
            # Google writes two addresses of one label in one cell: "a@x.org ::: b@y.org".
            for part in cell.split(":::"):
                if part.strip():
                    found.append((label, unguard(part.strip())))
        return tuple(found)


def sniff_delimiter(text: str) -> str:
    """Comma, semicolon or tab: whichever appears most in the first non-empty line outside
    quotes (spreadsheets in French or German locales write semicolons)."""
    first = next((line for line in text.splitlines() if line.strip()), "")
    counts = {",": 0, ";": 0, "\t": 0}
    quoted = False
    for ch in first:
        if ch == '"':
            quoted = not quoted
        elif not quoted and ch in counts:
            counts[ch] += 1
    best = max(counts, key=lambda d: counts[d])
    return best if counts[best] else ","


def _records(text: str, delimiter: str, name: str) -> list[tuple[int, list[str]]]:
    """(row number as a spreadsheet shows it, cells) for every record that is not blank. A
    spreadsheet counts records, not lines: a quoted cell over three lines is one row, and a
    blank line is an (empty) row."""
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter, strict=False)
    records = []
    number = 0
    try:
        for cells in reader:
            number += 1
            if any(cell.strip() for cell in cells):
                records.append((number, cells))
    except csv.Error as exc:
        raise ValidationError(
            {"file": f"{name}: row {number + 1} cannot be read as CSV ({printable(str(exc))})"}
        ) from None
    return records
