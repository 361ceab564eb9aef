"""Walk-in: someone with no pass gives name, email and (optionally) phone, and is checked in.

    walk_in(session, event_id, first_name, last_name, email, phone, *, station, now=None)
        -> CheckInResult

Invalid input raises app.errors.ValidationError (per-field messages) before anything is
written. An email we already know (any case) reuses that patron (`existing_patron=True` in the
result, and the message says so) instead of failing. Audit rows use method "walk_in".
"""

from __future__ import annotations

import uuid
from dataclasses import replace
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from app.checkin.door import (
    ACTION_CHECK_IN,
    Door,
    admit,
    count_attended,
)
from app.checkin.outcomes import CheckInResult, Outcome
from app.checkin.validation import validate_walk_in
from db.models import User
from db.types import new_id


def walk_in(
    session: Session,
    event_id: uuid.UUID | str,
    first_name: str,
    last_name: str,
    email: str,
    phone: str | None,
    *,
    station: str,
    now: datetime | None = None,
    patron_id: uuid.UUID | None = None,
) -> CheckInResult:
    """`patron_id`: the id a new patron gets (an offline walk-in keeps the one its station
    gave it, so the station's later actions on that patron still find them)."""
    form = validate_walk_in(first_name, last_name, email, phone)
    door = Door(session, station, "walk_in", now, ACTION_CHECK_IN)
    event = door.lock_event(event_id)
    if event is None:
        return door.event_not_found(event_id, form.email)
    patron = _by_email(session, form.email)
    if patron is not None:
        result = admit(door, event, patron, existing_patron=True, detail={"walk_in": "existing"})
        return _say_found(result)
    # Refuse before creating anyone: a closed or full event should not leave a new patron behind.
    refusal = _refusal_before_creating(session, door, event)
    if refusal is not None:
        return door.refuse_unidentified(event, *refusal, form.email)
    patron, created = _create_or_reuse(session, form, patron_id)
    result = admit(
        door,
        event,
        patron,
        existing_patron=not created,
        detail={"walk_in": "created" if created else "existing"},
    )
    return result if created else _say_found(result)


def _by_email(session: Session, email: str) -> User | None:
    return session.scalars(select(User).where(User.email == email)).first()


def _refusal_before_creating(session: Session, door, event) -> tuple[Outcome, str] | None:
    shut = door.shut_message(event)
    if shut is not None:
        return Outcome.EVENT_NOT_OPEN, shut
    if event.capacity is not None:
        capacity = door.capacity_of(event)
        attended = count_attended(session, event.id)
        if capacity is not None and attended >= capacity:
            return Outcome.EVENT_FULL, f"{event.name} is full: {attended} of {capacity}"
    return None


def _create_or_reuse(session: Session, form, patron_id=None) -> tuple[User, bool]:
    """Insert the patron; if another kiosk inserted the same email a moment ago, use theirs."""
    try:
        with session.begin_nested():
            patron = User(
                id=patron_id or new_id(),
                email=form.email,
                first_name=form.first_name,
                last_name=form.last_name,
                phone=form.phone,
            )
            session.add(patron)
        return patron, True
    except IntegrityError:
        # PostgreSQL waited for the other transaction to commit before reporting the clash,
        # so its row is visible to the next statement (READ COMMITTED).
        existing = _by_email(session, form.email)
        if existing is None:
            raise
        return existing, False


def _say_found(result: CheckInResult) -> CheckInResult:
    """Tell the greeter the email matched someone we know, so no duplicate pass is printed."""
    if result.patron is None or result.outcome.is_refusal:
        return result
    note = f"{result.patron.first_name} already had a pass (found by email). "
    return replace(result, message=note + result.message)
