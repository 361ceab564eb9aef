"""Who is at the door: a scan code (the patron's UUID) or an exact email -> a patron.

A UUID matches in any case, with or without hyphens, surrounding whitespace ignored; an email
matches case-insensitively (emails are stored trimmed and lower-cased). Anything else is unknown,
and `loggable_code` is the form of it that may be written to the audit log.
"""

from __future__ import annotations

import uuid

from sqlalchemy import bindparam, select
from sqlalchemy.orm import Session

from app.event_lookup import parse_uuid
from app.outcomes import PatronRef
from db.models import User, normalize_email

MAX_LOGGED_CODE = 80

# Every scan runs one of these, so they are built once and read plain columns: loading a whole
# User object costs several times more Python than the query itself (issue 7's check-in target).
_USERS = User.__table__
_PATRON = select(_USERS.c.id, _USERS.c.firstName, _USERS.c.lastName)
_BY = {column: _PATRON.where(_USERS.c[column] == bindparam("key")) for column in ("id", "email")}


def identify(session: Session, code_or_patron_id: str | uuid.UUID | None) -> PatronRef | None:
    """The patron a scanned/typed code names (id and name), or None."""
    key = patron_key(code_or_patron_id)
    if key is None:
        return None
    column, value = key
    row = session.execute(_BY[column], {"key": value}).first()
    return PatronRef(*row) if row is not None else None


def patron_key(code_or_patron_id: str | uuid.UUID | None) -> tuple[str, uuid.UUID | str] | None:
    """How a code names a patron: ("id", UUID) or ("email", normalised email), as the users
    column to match and its value; None when it cannot name anyone."""
    if isinstance(code_or_patron_id, uuid.UUID):
        return "id", code_or_patron_id
    if not isinstance(code_or_patron_id, str):
        return None
    patron_id = parse_uuid(code_or_patron_id)
    if patron_id is not None:
        return "id", patron_id
    email = normalize_email(code_or_patron_id)
    if "@" not in email or len(email) > 320:
        return None
    return "email", email


def loggable_code(code: object) -> str:
    """The code as typed, with control characters stripped and cut to a sane length.

    A scanner that sends garbage (or a person pasting a page of text) must not fill the log
    or smuggle terminal escapes into it.
    """
    text = str(code) if code is not None else ""
    text = "".join(ch for ch in text if ch.isprintable() or ch == " ")
    text = text.strip()
    if len(text) > MAX_LOGGED_CODE:
        text = text[: MAX_LOGGED_CODE - 1] + "…"
    return text
