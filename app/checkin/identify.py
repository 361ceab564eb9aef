"""Who is at the door: a scan code (pass code or patron UUID) or an exact email -> a patron.

A UUID matches in any case, with or without hyphens, surrounding whitespace ignored; a pass code
(app.passes) matches while it is the patron's current pass; an email matches case-insensitively
(emails are stored trimmed and lower-cased). Anything else is unknown,
and `loggable_code` is the form of it that may be written to the audit log.
"""

from __future__ import annotations

import uuid

from sqlalchemy import bindparam, select
from sqlalchemy.orm import Session

from app.checkin.outcomes import PatronRef
from app.passes.codes import parse_pass_code
from app.passes.store import current_owner_of_key
from app.uuid_text import parse_uuid
from db.models import User, normalize_email

MAX_LOGGED_CODE = 80

# Every scan runs one of these, so they are built once and read plain columns: loading a whole
# User object costs several times more Python than the query itself (issue 7's check-in target).
_USERS = User.__table__
_PATRON = select(_USERS.c.id, _USERS.c.firstName, _USERS.c.lastName)
# How each kind of key from `patron_key` finds its users row (app.checkin.door builds on these too).
KEY_MATCHES = {
    "id": _USERS.c.id == bindparam("key"),
    "email": _USERS.c.email == bindparam("key"),
    "pass": _USERS.c.id == current_owner_of_key(),
}
_BY = {kind: _PATRON.where(match) for kind, match in KEY_MATCHES.items()}


def identify(session: Session, code_or_patron_id: str | uuid.UUID | None) -> PatronRef | None:
    """The patron a scanned/typed code names (id and name), or None."""
    key = patron_key(code_or_patron_id)
    if key is None:
        return None
    column, value = key
    row = session.execute(_BY[column], {"key": value}).first()
    return PatronRef(*row) if row is not None else None


def patron_key(code_or_patron_id: str | uuid.UUID | None) -> tuple[str, uuid.UUID | str] | None:
    """How a code names a patron: ("id", UUID), ("pass", pass code) or ("email", normalised
    email), as a key of KEY_MATCHES and its value; None when it cannot name anyone."""
    if isinstance(code_or_patron_id, uuid.UUID):
        return "id", code_or_patron_id
    if not isinstance(code_or_patron_id, str):
        return None
    patron_id = parse_uuid(code_or_patron_id)
    if patron_id is not None:
        return "id", patron_id
    pass_code = parse_pass_code(code_or_patron_id)
    if pass_code is not None:
        return "pass", pass_code
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
