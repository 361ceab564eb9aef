"""Who is at the door: a scan code (the patron's UUID) or an exact email -> a patron.

A UUID matches in any case, with or without hyphens, surrounding whitespace ignored; an email
matches case-insensitively (emails are stored trimmed and lower-cased). Anything else is unknown,
and `loggable_code` is the form of it that may be written to the audit log.
"""

from __future__ import annotations

import uuid

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.event_lookup import parse_uuid
from db.models import User, normalize_email

MAX_LOGGED_CODE = 80


def identify(session: Session, code_or_patron_id: str | uuid.UUID | None) -> User | None:
    """The patron a scanned/typed code names, or None."""
    if isinstance(code_or_patron_id, uuid.UUID):
        return session.get(User, code_or_patron_id)
    if not isinstance(code_or_patron_id, str):
        return None
    patron_id = parse_uuid(code_or_patron_id)
    if patron_id is not None:
        return session.get(User, patron_id)
    email = normalize_email(code_or_patron_id)
    if "@" not in email or len(email) > 320:
        return None
    return session.scalars(select(User).where(User.email == email)).first()


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
