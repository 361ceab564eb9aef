"""Reading a member list as a church office exports it from a spreadsheet.

A header row; UTF-8 with or without BOM (UTF-16 with BOM too, as Excel's "Unicode text" writes
it; anything that is not UTF-8 is read as Windows-1252 and the report says so); comma, semicolon
or tab (sniffed from the header line); CRLF or LF; empty lines ignored. Columns are matched to
patron fields by header name with common aliases, or by an explicit mapping. A cell that the
export guarded against spreadsheet formulas ("'=...") loses that quote again.
"""

from __future__ import annotations

import codecs
import csv
import io
import re
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path

from app.errors import ValidationError
from app.transfer.cell_guard import unguard
from db.gc_pause import gc_paused

FIELDS = ("firstName", "lastName", "email", "phone")
REQUIRED_FIELDS = ("firstName", "lastName", "email")
FIELD_LABELS = {
    "firstName": "first name",
    "lastName": "last name",
    "email": "email",
    "phone": "phone",
}
IGNORE = ""  # mapping target meaning "do not import this column"
MAX_FILE_BYTES = 64 * 1024 * 1024

_ALIASES = {
    "firstName": (
        "firstname first givenname given forename fname christianname prenom vorname nombre "
        "voornaam nome"
    ),
    "lastName": (
        "lastname last surname familyname family lname nom nomdefamille nachname apellido "
        "apellidos achternaam cognome"
    ),
    "email": (
        "email emailaddress mail mailaddress courriel adresseemail adressemail adressecourriel "
        "emailadresse correo correoelectronico"
    ),
    "phone": (
        "phone phonenumber mobile mobilephone mobilenumber telephone telephonenumber tel cell "
        "cellphone handy telefon telefono telefone portable gsm homephone"
    ),
}
ALIASES: dict[str, str] = {
    alias: target for target, words in _ALIASES.items() for alias in words.split()
}


@dataclass(frozen=True)
class SourceRow:
    """One data row: `line` is the row number a spreadsheet shows (the header is row 1 when
    the file starts with it), `values` the mapped cells as written (not yet cleaned)."""

    line: int
    values: dict[str, str]


@dataclass(frozen=True)
class PatronFile:
    name: str
    encoding: str
    delimiter: str
    headers: tuple[str, ...]
    mapping: dict[str, str]  # header as in the file -> field (or IGNORE)
    rows: tuple[SourceRow, ...]
    notes: tuple[str, ...] = field(default=())

    @property
    def missing_fields(self) -> tuple[str, ...]:
        """Required fields that no column is mapped to (the import cannot run without them)."""
        mapped = set(self.mapping.values())
        return tuple(f for f in REQUIRED_FIELDS if f not in mapped)

    @property
    def ignored_headers(self) -> tuple[str, ...]:
        return tuple(h for h in self.headers if self.mapping.get(h, IGNORE) == IGNORE)


def normalize_header(text: str) -> str:
    """'Prénom' -> 'prenom', 'E-mail' -> 'email', 'First Name' -> 'firstname'."""
    decomposed = unicodedata.normalize("NFKD", text or "")
    plain = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return re.sub(r"[^a-z0-9]", "", plain.lower())


def field_for(name: str) -> str | None:
    """The patron field a header or a mapping target names, or None."""
    return ALIASES.get(normalize_header(name))


def guess_mapping(headers: tuple[str, ...] | list[str]) -> dict[str, str]:
    """Header -> field by name and aliases; the first column wins when two mean the same."""
    mapping: dict[str, str] = {}
    taken: set[str] = set()
    for header in headers:
        target = field_for(header)
        if target is not None and target not in taken:
            mapping[header] = target
            taken.add(target)
        else:
            mapping[header] = IGNORE
    return mapping


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


def apply_mapping(headers: tuple[str, ...], explicit: dict[str, str] | None) -> dict[str, str]:
    """The guessed mapping with `explicit` choices on top; checked for unknown names."""
    mapping = guess_mapping(headers)
    if not explicit:
        return mapping
    by_normal = {normalize_header(h): h for h in headers}
    chosen: dict[str, str] = {}
    for header, target in explicit.items():
        actual = header if header in mapping else by_normal.get(normalize_header(header))
        if actual is None:
            raise ValidationError(
                {"map": f"the file has no column {header!r}; its columns are: {', '.join(headers)}"}
            )
        if target in ("", "-", "ignore"):
            chosen[actual] = IGNORE
            continue
        resolved = target if target in FIELDS else field_for(target)
        if resolved is None:
            raise ValidationError(
                {"map": f"{target!r} is not a patron field; use one of: {', '.join(FIELDS)}"}
            )
        chosen[actual] = resolved
    # An explicit choice takes its field away from any guessed column.
    for header in mapping:
        if header in chosen:
            mapping[header] = chosen[header]
        elif mapping[header] in chosen.values():
            mapping[header] = IGNORE
    targets = [t for t in mapping.values() if t != IGNORE]
    duplicated = {t for t in targets if targets.count(t) > 1}
    if duplicated:
        field_name = sorted(duplicated)[0]
        columns = [h for h, t in mapping.items() if t == field_name]
        raise ValidationError(
            {"map": f"both {columns[0]!r} and {columns[1]!r} are mapped to {field_name}"}
        )
    return mapping


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
        try:
            if path.stat().st_size > MAX_FILE_BYTES:
                raise ValidationError({"file": f"{name} is larger than 64 MB; split it first"})
            data = path.read_bytes()
        except OSError as exc:
            raise ValidationError({"file": f"cannot read {name}: {exc.strerror or exc}"}) from None
    text, encoding, notes = decode(data)
    delimiter = sniff_delimiter(text)
    records = _records(text, delimiter, name)
    if not records:
        raise ValidationError({"file": f"{name} is empty: it needs a header row and member rows"})
    header_line, header = records[0]
    headers = tuple(cell.strip() for cell in header)
    if any(h == "" for h in headers) and all(h == "" for h in headers):
        raise ValidationError({"file": f"{name}: the first row must hold the column names"})
    headers = tuple(h or f"column {i + 1}" for i, h in enumerate(headers))
    if len(set(headers)) != len(headers):
        seen = [h for h in headers if headers.count(h) > 1]
        raise ValidationError({"file": f"{name}: the column {seen[0]!r} appears twice"})
    chosen = apply_mapping(headers, mapping)
    wanted = [(i, chosen[h]) for i, h in enumerate(headers) if chosen[h] != IGNORE]
    rows = []
    for line, cells in records[1:]:
        # unguard: the export's formula guard comes off, so an exported list re-imports as is.
        values = {target: (unguard(cells[i]) if i < len(cells) else "") for i, target in wanted}
        rows.append(SourceRow(line, values))
    return PatronFile(name, encoding, delimiter, headers, chosen, tuple(rows), tuple(notes))


def decode(data: bytes) -> tuple[str, str, list[str]]:
    """Bytes -> text, the encoding used, and a note when it was a guess."""
    if data.startswith(codecs.BOM_UTF8):
        return _strict(data[3:], "utf-8", "UTF-8 (with BOM)")
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return _strict(data, "utf-16", "UTF-16")
    try:
        return data.decode("utf-8"), "UTF-8", []
    except UnicodeDecodeError:
        pass
    # cp1252 leaves five bytes undefined; latin-1 takes every byte, so reading never fails.
    try:
        text = data.decode("cp1252")
    except UnicodeDecodeError:
        text = data.decode("latin-1")
    note = "The file is not UTF-8; it was read as Windows-1252 (check accented names)."
    return text, "Windows-1252", [note]


def _strict(data: bytes, codec: str, label: str) -> tuple[str, str, list[str]]:
    try:
        return data.decode(codec), label, []
    except UnicodeDecodeError as exc:
        raise ValidationError(
            {"file": f"the file says it is {label} but byte {exc.start} is not; save it again"}
        ) from None


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
    """(starting line, cells) for every record that is not blank."""
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter, strict=False)
    records = []
    start = 1
    try:
        for cells in reader:
            if any(cell.strip() for cell in cells):
                records.append((start, cells))
            start = reader.line_num + 1
    except csv.Error as exc:
        raise ValidationError(
            {"file": f"{name}: row {reader.line_num} cannot be read as CSV ({exc})"}
        ) from None
    return records
