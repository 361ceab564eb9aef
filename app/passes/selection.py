"""Whose passes go on a sheet: everyone, an event's people, or the patrons a CSV file names;
read in keyset pages by name, each page's passes issued in its own short transaction, so a
sheet of 10,000 streams without holding a transaction (or the whole list) open."""

from __future__ import annotations

import csv
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path

from sqlalchemy import select, tuple_
from sqlalchemy.orm import Session, sessionmaker

from app.checkin.identify import identify
from app.checkin.outcomes import PatronRef
from app.errors import ValidationError
from app.passes.store import PatronPassInfo, current_passes
from db.models import Attendance, User
from db.session import run_in_transaction

BATCH = 500
MAX_FILE_ERRORS_SHOWN = 5
_FILE_COLUMNS = ("id", "code", "pass", "email")
_USERS = User.__table__
_ORDER = (_USERS.c.lastName, _USERS.c.firstName, _USERS.c.id)


def sheet_passes(
    factory: sessionmaker[Session],
    *,
    event_id: uuid.UUID | None = None,
    patron_ids: list[uuid.UUID] | None = None,
    batch: int = BATCH,
) -> Iterator[PatronPassInfo]:
    """Current passes of everyone (default), of an event's registered/attended patrons, or of
    the listed patrons (in list order), issuing missing ones batch by batch."""
    if patron_ids is not None:
        for start in range(0, len(patron_ids), batch):
            chunk = patron_ids[start : start + batch]
            yield from run_in_transaction(factory, _issuer(lambda s, c=chunk: _by_ids(s, c)))
        return
    after = None
    while True:
        page = run_in_transaction(factory, _issuer(lambda s, a=after: _page(s, event_id, a, batch)))
        if not page:
            return
        yield from page
        last = page[-1].patron
        after = (last.last_name, last.first_name, last.id)


def _issuer(read: Callable[[Session], list[PatronRef]]):
    return lambda session: current_passes(session, read(session))


def _page(session: Session, event_id, after, limit) -> list[PatronRef]:
    query = select(_USERS.c.id, _USERS.c.firstName, _USERS.c.lastName).order_by(*_ORDER)
    if event_id is not None:
        attendance = Attendance.__table__
        query = query.join(attendance, attendance.c.patronId == _USERS.c.id).where(
            attendance.c.eventId == event_id
        )
    if after is not None:
        query = query.where(tuple_(*_ORDER) > tuple_(*after))
    return [PatronRef(*row) for row in session.execute(query.limit(limit))]


def _by_ids(session: Session, ids: list[uuid.UUID]) -> list[PatronRef]:
    rows = session.execute(
        select(_USERS.c.id, _USERS.c.firstName, _USERS.c.lastName).where(_USERS.c.id.in_(ids))
    )
    found = {row.id: PatronRef(*row) for row in rows}
    return [found[i] for i in ids if i in found]


def patrons_in_file(session: Session, path: Path) -> list[uuid.UUID]:
    """The patrons a CSV file names, one per row, by a column `id`, `code`/`pass` or `email`
    (the first present and filled). Raises ValidationError listing rows that name no one."""
    try:
        with open(path, newline="", encoding="utf-8-sig") as handle:
            reader = csv.DictReader(handle)
            columns = [c for c in _FILE_COLUMNS if c in (reader.fieldnames or [])]
            if not columns:
                raise ValidationError(
                    {"file": f"{path.name} needs a column named id, code or email."}
                )
            rows = list(reader)
    except (OSError, UnicodeDecodeError, csv.Error) as exc:
        raise ValidationError({"file": f"cannot read {path}: {exc}"}) from None
    ids: list[uuid.UUID] = []
    missing: list[str] = []
    seen: set[uuid.UUID] = set()
    for line, row in enumerate(rows, start=2):
        key = next((row[c].strip() for c in columns if (row.get(c) or "").strip()), "")
        patron = identify(session, key) if key else None
        if patron is None:
            missing.append(f"line {line} ({key or 'empty'})")
        elif patron.id not in seen:
            seen.add(patron.id)
            ids.append(patron.id)
    if missing:
        shown = ", ".join(missing[:MAX_FILE_ERRORS_SHOWN])
        more = len(missing) - MAX_FILE_ERRORS_SHOWN
        tail = f" and {more} more" if more > 0 else ""
        raise ValidationError({"file": f"No patron matches {shown}{tail}."})
    return ids
