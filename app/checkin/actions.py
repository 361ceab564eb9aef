"""The door rules: check-in, check-out, registration (RSVP) and undo.

Every function takes the caller's Session, never commits, and returns a `CheckInResult` whose
`outcome` says what happened; expected refusals (full, not open, unknown code) are outcomes, and
each action or refusal writes one audit row in the same transaction. Call them through
`db.session.run_in_transaction(factory, lambda s: check_in(s, ...))`.

Public API (kept stable; the kiosk codes against it):
    check_in(session, event_id, code_or_patron_id, *, station, method, now=None)
    check_out(session, event_id, code_or_patron_id, *, station, method, now=None)
    register(session, event_id, code_or_patron_id, *, station, method, now=None)
    undo_check_in(session, event_id, code_or_patron_id, *, station, supervisor=False,
                  now=None, method=None)
    walk_in(...) lives in app/checkin/walk_in.py.
`event_id` is a UUID (or its text); `code_or_patron_id` is a patron UUID, a scanned code (UUID
text in any form) or an exact email. `method` is one of db.models.AUDIT_METHODS. `now` must be
timezone-aware (tests pass it to control time); it defaults to the current UTC time.

Concurrency: each action first locks the event row (PostgreSQL SELECT ... FOR UPDATE; on SQLite
the unit of work's BEGIN IMMEDIATE already serialises writers), then counts and upserts, so two
kiosks can neither overfill an event nor create a duplicate row.
"""

from __future__ import annotations

import uuid
from datetime import datetime, timedelta

from sqlalchemy.orm import Session

from app import audit, loyalty, settings
from app.checkin.door import (
    ACTION_CHECK_IN,
    OPEN_STATUSES,
    Door,
    admit,
    attendance_row,
    clock,
)
from app.checkin.identify import identify
from app.checkin.outcomes import CheckInResult, Outcome
from db.models import Attendance, Loyalty

__all__ = ["OPEN_STATUSES", "check_in", "check_out", "register", "undo_check_in"]

ACTION_CHECK_OUT = "check_out"
ACTION_REGISTER = "register"
ACTION_UNDO = "undo"


# -- public use cases ---------------------------------------------------------------------------


def check_in(
    session: Session,
    event_id: uuid.UUID | str,
    code_or_patron_id: str | uuid.UUID,
    *,
    station: str,
    method: str,
    now: datetime | None = None,
    late: bool = False,
) -> CheckInResult:
    """Admit a patron: flip a registration to attended, or add a row for a walk-in.

    Refused (event_not_open) outside the event's door window (app.door_window) unless `late`:
    a supervisor recording an attendance after the door closed; the audit row says so."""
    door = Door(session, station, method, now, ACTION_CHECK_IN, late=late)
    event = door.lock_event(event_id)
    if event is None:
        return door.event_not_found(event_id, code_or_patron_id)
    found = door.identify_at(event, code_or_patron_id)
    if found is None:
        shut = door.refuse_if_shut(event, code=code_or_patron_id)
        return shut or door.patron_not_found(event, code_or_patron_id)
    patron, row = found
    return admit(door, event, patron, row=row)


def check_out(
    session: Session,
    event_id: uuid.UUID | str,
    code_or_patron_id: str | uuid.UUID,
    *,
    station: str,
    method: str,
    now: datetime | None = None,
    late: bool = False,
) -> CheckInResult:
    """Record that a checked-in patron left (within the door window, or `late`)."""
    door = Door(session, station, method, now, ACTION_CHECK_OUT, late=late)
    event = door.lock_event(event_id)
    if event is None:
        return door.event_not_found(event_id, code_or_patron_id)
    patron = identify(session, code_or_patron_id)
    shut = door.refuse_if_shut(event, patron, code_or_patron_id)
    if shut is not None:
        return shut
    if patron is None:
        return door.patron_not_found(event, code_or_patron_id)
    row = attendance_row(session, event.id, patron.id)
    if row is None or not row.attended:
        return door.finish(
            Outcome.NOT_CHECKED_IN,
            f"{patron.first_name} is not checked in to {event.name}",
            event,
            patron,
            row,
        )
    if row.check_out_time is not None:
        return door.finish(
            Outcome.ALREADY_CHECKED_OUT,
            f"{patron.first_name} already checked out at {clock(row.check_out_time, door.now)}",
            event,
            patron,
            row,
        )
    # Never before the check-in: a kiosk clock running behind must not produce a negative stay.
    row.check_out_time = max(door.now, row.check_in_time) if row.check_in_time else door.now
    session.flush()
    return door.finish(Outcome.CHECKED_OUT, f"Goodbye, {patron.first_name}!", event, patron, row)


def register(
    session: Session,
    event_id: uuid.UUID | str,
    code_or_patron_id: str | uuid.UUID,
    *,
    station: str,
    method: str,
    now: datetime | None = None,
    late: bool = False,
) -> CheckInResult:
    """RSVP at the door: an `attended = false` row, within the door window (or `late`).
    Capacity is only enforced at check-in, not here."""
    door = Door(session, station, method, now, ACTION_REGISTER, late=late)
    event = door.lock_event(event_id)
    if event is None:
        return door.event_not_found(event_id, code_or_patron_id)
    patron = identify(session, code_or_patron_id)
    shut = door.refuse_if_shut(event, patron, code_or_patron_id)
    if shut is not None:
        return shut
    if patron is None:
        return door.patron_not_found(event, code_or_patron_id)
    row = attendance_row(session, event.id, patron.id)
    if row is not None:
        state = "checked in to" if row.attended else "registered for"
        return door.finish(
            Outcome.ALREADY_REGISTERED,
            f"{patron.full_name} is already {state} {event.name}",
            event,
            patron,
            row,
        )
    row = Attendance(event_id=event.id, patron_id=patron.id, attended=False)
    session.add(row)
    session.flush()
    return door.finish(
        Outcome.REGISTERED, f"{patron.full_name} is registered for {event.name}", event, patron, row
    )


def undo_check_in(
    session: Session,
    event_id: uuid.UUID | str,
    code_or_patron_id: str | uuid.UUID,
    *,
    station: str,
    supervisor: bool = False,
    now: datetime | None = None,
    method: str | None = None,
    late: bool = False,
) -> CheckInResult:
    """Take back the latest check-in: the row returns to its previous state (registered, or no
    row for a walk-in) and the award is reversed by a negative ledger row.

    A greeter may undo a check-in made at the same station within the undo window (setting
    `undo_window_seconds`); `supervisor=True` may undo any. `method` defaults to "admin" for a
    supervisor, else "scan". Outside the door window only a `late` undo is allowed.
    """
    method = method or ("admin" if supervisor else "scan")
    door = Door(session, station, method, now, ACTION_UNDO, late=late)
    event = door.lock_event(event_id)
    if event is None:
        return door.event_not_found(event_id, code_or_patron_id)
    patron = identify(session, code_or_patron_id)
    shut = door.refuse_if_shut(event, patron, code_or_patron_id)
    if shut is not None:
        return shut
    if patron is None:
        return door.patron_not_found(event, code_or_patron_id)
    row = attendance_row(session, event.id, patron.id)
    entry = _undoable_entry(session, event.id, patron.id)
    if row is None or not row.attended:
        return door.finish(
            Outcome.NOT_CHECKED_IN,
            f"{patron.first_name} is not checked in to {event.name}: nothing to undo",
            event,
            patron,
            row,
        )
    if entry is None:  # checked in by an import or an edit: no record of the state before
        return door.finish(
            Outcome.UNDO_NOT_ALLOWED,
            f"{patron.first_name}'s check-in was not made at the door, so it cannot be undone "
            "here; correct it in the Admin tab",
            event,
            patron,
            row,
        )
    if not supervisor:
        refusal = _greeter_may_not_undo(session, entry, door)
        if refusal:
            return door.finish(
                Outcome.UNDO_NOT_ALLOWED,
                refusal,
                event,
                patron,
                row,
                detail={"check_in_audit_id": str(entry.id)},
            )
    detail = audit.detail_of(entry)
    # Without a recorded previous state (an old or hand-made log row), fall back to
    # "registered": deleting a row we are not sure we created would lose the registration.
    previous = detail.get("previous", {})
    if previous is None:
        session.delete(row)
        row = None
    else:
        row.attended = bool(previous.get("attended", False))
        row.check_in_time = _parse_time(previous.get("checkInTime"))
        row.check_out_time = _parse_time(previous.get("checkOutTime"))
    points = 0
    award = (
        session.get(Loyalty, uuid.UUID(detail["loyalty_id"])) if detail.get("loyalty_id") else None
    )
    if award is not None:
        reversal = loyalty.reverse(
            session, award, f"Undo: {loyalty.attendance_description(event.name)}", door.now
        )
        points = reversal.points or 0
    session.flush()
    return door.finish(
        Outcome.UNDONE,
        f"Check-in of {patron.full_name} undone",
        event,
        patron,
        row,
        points=points,
        detail={"check_in_audit_id": str(entry.id), "points": points},
    )


# -- undo helpers -------------------------------------------------------------------------------


def _parse_time(text: str | None) -> datetime | None:
    return datetime.fromisoformat(text) if text else None


def _undoable_entry(session: Session, event_id: uuid.UUID, patron_id: uuid.UUID):
    """The audit row of the latest check-in, unless an undo already took it back."""
    entry = audit.latest(
        session,
        event_id=event_id,
        patron_id=patron_id,
        action=ACTION_CHECK_IN,
        outcomes=(Outcome.CHECKED_IN,),
    )
    if entry is None:
        return None
    last_undo = audit.latest(
        session,
        event_id=event_id,
        patron_id=patron_id,
        action=ACTION_UNDO,
        outcomes=(Outcome.UNDONE,),
    )
    if last_undo is not None and audit.detail_of(last_undo).get("check_in_audit_id") == str(
        entry.id
    ):
        return None
    return entry


def _greeter_may_not_undo(session: Session, entry, door: Door) -> str | None:
    """Why a greeter (not a supervisor) may not undo this check-in, or None if they may."""
    if entry.station != door.station:
        return f"That check-in was made at {entry.station}; ask a supervisor to undo it"
    window = settings.undo_window_seconds(session)
    if door.now - entry.created_at > timedelta(seconds=window):
        return f"That check-in is more than {window} seconds old; ask a supervisor to undo it"
    return None
