"""The kiosk's walk-in: an email we already know is offered back to the greeter first.

The command line's `walkin` reuses a known patron at once (app.checkin.walk_in says so in the
message); at the kiosk the greeter sees the card and decides, so a typo in someone else's email
does not check the wrong person in.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass

from sqlalchemy.orm import Session

from app.checkin.outcomes import CheckInResult
from app.checkin.queries import PatronCard, patron_with_email
from app.checkin.validation import validate_walk_in
from app.checkin.walk_in import walk_in


@dataclass(frozen=True)
class ExistingPatronOffer:
    """A walk-in's email belongs to someone we know; the greeter decides."""

    card: PatronCard


def walk_in_unless_known(
    session: Session,
    event_id: uuid.UUID,
    first_name: str,
    last_name: str,
    email: str,
    phone: str | None,
    *,
    station: str,
) -> CheckInResult | ExistingPatronOffer:
    """Offer the patron who has this email, or add the person and check them in.

    Raises app.errors.ValidationError (per-field messages) before anything is read or written.
    """
    form = validate_walk_in(first_name, last_name, email, phone)
    known = patron_with_email(session, form.email)
    if known is not None:
        return ExistingPatronOffer(known)
    return walk_in(session, event_id, first_name, last_name, email, phone, station=station)
