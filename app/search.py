"""Patron search for the kiosk and the admin tab (work in progress: signature first)."""

from __future__ import annotations

import uuid
from dataclasses import dataclass

from sqlalchemy.orm import Session

MIN_QUERY_LENGTH = 2
MAX_RESULTS = 20


@dataclass(frozen=True)
class PatronMatch:
    """One search hit in the form a screen may show.

    `email` and `phone` are the full values only when the search was made with reveal=True
    (supervisors); otherwise None, and the screen shows `masked_email` / `masked_phone`.
    `matched_by` says which key found the patron: "code", "name", "email" or "phone".
    """

    id: uuid.UUID
    first_name: str
    last_name: str
    display_name: str
    masked_email: str
    masked_phone: str | None
    matched_by: str
    email: str | None = None
    phone: str | None = None


def search_patrons(
    session: Session, query: str, *, limit: int = MAX_RESULTS, reveal: bool = False
) -> list[PatronMatch]:
    """Patrons matching `query`, exact matches first, at most `limit` (capped at 20)."""
    raise NotImplementedError("patron search is being built")
