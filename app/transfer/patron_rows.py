"""From a file's rows to the people an import would write, without the database.

Everyone with a first and a last name gets in (issue 15): an email, phone or status cell never
costs a person their place. What is wrong with an optional cell is dropped and said in a
warning on that row; a row is refused only for its name (listed apart as "needs a first/last
name" when one of the two is missing, so it can be fixed in the file; nothing is guessed from
an email). Of several emails the first valid one that no earlier person in the file holds is
the patron's own; the others become secondary contacts. A shared household address stays with
the first person who has it; the others get a placeholder address (app.no_email) and the
shared one as a "household" contact. The first valid phone in order of preference (mobile,
home, other, work) is the patron's; the others become contacts.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from app.errors import ValidationError
from app.no_email import NO_EMAIL
from app.transfer.patron_checks import (
    FieldProblem,
    clean_email,
    clean_name,
    clean_phone,
    is_placeholder,
    is_scientific,
    looks_damaged,
    shown,
)
from app.transfer.patron_file import PatronFile, SourceRow
from db.search_fold import fold, phone_digits

NEEDS_NAME = "needs a first/last name"
_REFUNDED = (
    "refund", "cancel", "annul", "storn", "erstatt", "reembols", "rembours", "void", "deleted",
)  # fmt: skip
# Words that belong to the last name when they come before it: "Mary Ann van der Berg".
_PARTICLES = frozenset(
    [
        "van",
        "von",
        "der",
        "den",
        "de",
        "del",
        "della",
        "di",
        "da",
        "du",
        "dos",
        "das",
        "ten",
        "ter",
        "la",
        "le",
        "st",
        "st.",
        "bin",
        "ibn",
        "al",
        "el",
    ]
)


@dataclass(frozen=True)
class Contact:
    kind: str  # "email" or "phone"
    label: str  # home, work, mobile, household, other
    value: str


# Not frozen: a frozen dataclass's __init__ costs twice as much, at 100,000 rows per import.
@dataclass(slots=True)
class PatronRow:
    line: int
    email: str | None  # None: no usable email of its own (a placeholder is given on write)
    first_name: str
    last_name: str
    phone: str | None
    contacts: tuple[Contact, ...] = ()


@dataclass(frozen=True)
class Rejection:
    line: int
    reason: str  # every reason of the row, joined with "; "
    email: str = ""  # as written in the file, to help find the row
    name: str = ""
    needs_name: bool = False  # listed apart: the row only lacks a first or last name


@dataclass(frozen=True)
class RowWarning:
    line: int
    message: str
    name: str = ""


@dataclass
class CheckedRows:
    valid: list[PatronRow] = field(default_factory=list)
    rejected: list[Rejection] = field(default_factory=list)
    warnings: list[RowWarning] = field(default_factory=list)
    households: int = 0  # people given a placeholder because another row holds their email


def split_full_name(text: str) -> tuple[str, str]:
    """'Smith, Jane' -> ('Jane', 'Smith'); 'Mary Ann van der Berg' -> ('Mary Ann', 'van der
    Berg'); 'Cher' -> ('Cher', '') (one name only: the row needs the other)."""
    text = " ".join(text.split())
    if "," in text:
        last, _, first = text.partition(",")
        return first.strip(), last.strip()
    words = text.split(" ")
    if len(words) < 2:
        return text, ""
    start = len(words) - 1
    while start > 1 and words[start - 1].lower() in _PARTICLES:
        start -= 1
    return " ".join(words[:start]), " ".join(words[start:])


def check_rows(file: PatronFile) -> CheckedRows:
    """Clean and check every row without the database."""
    if file.missing_fields:
        raise ValidationError(
            {
                "map": f"no column of {file.name} holds names (first, last or full name); "
                f"its columns are: {', '.join(file.headers)}"
            }
        )
    out = CheckedRows()
    # email -> (row, folded name) of the person who holds it
    holders: dict[str, tuple[int, str]] = {}
    # folded name + phone digits -> row, for people without an email of their own
    no_email_seen: dict[tuple[str, str], int] = {}
    for row in file.rows:
        _check_row(row, out, holders, no_email_seen)
    return out


def _check_row(row: SourceRow, out: CheckedRows, holders: dict, no_email_seen: dict) -> None:
    # The hot path of a 100,000-row import: what only a problem needs is built on a problem.
    v = row.values
    first_raw, last_raw = v.get("firstName", ""), v.get("lastName", "")
    if not first_raw.strip() and not last_raw.strip() and v.get("name", "").strip():
        first_raw, last_raw = split_full_name(v["name"])
    try:
        first = clean_name(first_raw, "first name")
        last = clean_name(last_raw, "last name")
    except FieldProblem:
        out.rejected.append(_name_rejection(row, first_raw, last_raw))
        return
    warnings: list[str] = []
    for value in (first, last):
        if looks_damaged(value):
            warnings.append(f"name {shown(value)} may have lost letters (encoding damage)")
        elif len(value) <= 24 and is_placeholder(value):
            warnings.append(f"name {shown(value)} is a placeholder, not a name")
    status = v.get("status")
    if status and any(word in status.lower() for word in _REFUNDED):
        warnings.append(f"marked {shown(status)} by the source")
    emails = _emails(row, warnings) if row.emails else ()
    phone, phones = _phones(row, warnings) if row.phones else (None, ())
    own, contacts, household = None, [], False
    for label, email in emails:
        holder = holders.get(email)
        if own is None and holder is None:
            own = email
        elif own is None and fold(f"{holder[1]} {holder[2]}") == fold(f"{first} {last}"):
            reason = f"duplicate: the same person as row {holder[0]}"
            out.rejected.append(Rejection(row.line, reason, _email_of(row), _written(row, v)))
            return
        elif own is None:
            household = True
            contacts.append(Contact("email", "household", email))
        elif email != own:
            contacts.append(Contact("email", label, email))
    if own is not None:
        holders[own] = (row.line, first, last)
    elif not household:
        seen_key = (fold(f"{first} {last}"), phone_digits(phone))
        seen = no_email_seen.get(seen_key)
        if seen is not None:
            reason = f"duplicate: the same person as row {seen} (same name and phone)"
            out.rejected.append(Rejection(row.line, reason, "", _written(row, v)))
            return
        no_email_seen[seen_key] = row.line
    if household:
        out.households += 1
    if phones:
        contacts.extend(Contact("phone", label, number) for label, number in phones)
    if len(contacts) > 1:
        contacts = list(_unique(contacts))
    out.valid.append(PatronRow(row.line, own, first, last, phone, tuple(contacts)))
    if warnings:
        # dict.fromkeys: "Info Requested" as first and last name is one thing to look at
        written = _written(row, v)
        out.warnings.extend(RowWarning(row.line, w, written) for w in dict.fromkeys(warnings))


def _name_rejection(row: SourceRow, first_raw: str, last_raw: str) -> Rejection:
    """Every reason a row's names are refused; "needs a first/last name" when one is missing
    (or both, on a row that has an email or phone: a subscriber to fix in the file)."""
    reasons, missing = [], []
    for raw, label in ((first_raw, "first name"), (last_raw, "last name")):
        try:
            clean_name(raw, label)
        except FieldProblem as problem:
            (missing if not raw.strip() else reasons).append(str(problem))
    needs_name = len(missing) == 1 or (len(missing) == 2 and bool(row.emails or row.phones))
    reason = "; ".join([NEEDS_NAME, *reasons] if needs_name else reasons + missing)
    written = f"{first_raw.strip()} {last_raw.strip()}".strip()[:80]
    return Rejection(row.line, reason, _email_of(row), written, needs_name and not reasons)


def _written(row: SourceRow, values: dict[str, str]) -> str:
    """The name as written, to help find the row (built only for rows shown in a list)."""
    first, last = values.get("firstName", "").strip(), values.get("lastName", "").strip()
    return (f"{first} {last}".strip() or values.get("name", "").strip())[:80]


def _email_of(row: SourceRow) -> str:
    return row.emails[0][1].strip()[:80] if row.emails else ""


def _emails(row: SourceRow, warnings: list[str]) -> list[tuple[str, str]]:
    """The valid emails of a row in the file's order, each once; the others are warned of."""
    found: list[tuple[str, str]] = []
    for label, raw in row.emails:
        # Checked first, the usual case; what is wrong with a bad cell is worked out after.
        try:
            email = clean_email(raw)
        except FieldProblem as problem:
            if not is_placeholder(raw):
                warnings.append(f"{problem}; dropped")
            elif raw.strip() != NO_EMAIL:  # what an export of ours writes: nothing to look at
                warnings.append(f"email {shown(raw)} is a placeholder; ignored")
            continue
        if all(email != e for _, e in found):
            found.append((label, email))
    return found


def _phones(row: SourceRow, warnings: list[str]) -> tuple[str | None, list[tuple[str, str]]]:
    """The patron's phone (first valid in preference order) and the other valid ones."""
    if len(row.phones) == 1:  # the usual case
        try:
            return clean_phone(row.phones[0][1]), []
        except FieldProblem:
            pass  # the loop below says why
    found: list[tuple[str, str]] = []
    seen: set[str] = set()
    for label, raw in row.phones:
        try:
            phone = clean_phone(raw)
        except FieldProblem as problem:
            if is_placeholder(raw):
                warnings.append(f"phone {shown(raw)} is a placeholder; ignored")
            elif is_scientific(raw):
                warnings.append(
                    f"phone {shown(raw)} was turned into a number by a spreadsheet (digits "
                    "are lost); dropped"
                )
            else:
                warnings.append(f"{problem}; dropped")
            continue
        digits = phone_digits(phone)
        if phone and digits not in seen:
            seen.add(digits)
            found.append((label, phone))
    if not found:
        return None, []
    return found[0][1], found[1:]


def _unique(contacts: list[Contact]):
    seen = set()
    for contact in contacts:
        key = (contact.kind, contact.value)
        if key not in seen:
            seen.add(key)
            yield contact
