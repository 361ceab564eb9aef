"""What every door action shares: locking the event, the admission rule, audit + result.

Used by app.checkin and app.walk_in; screens and commands call those, not this module.
"""

from __future__ import annotations

import uuid
from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from app import audit, loyalty
from app.event_lookup import parse_uuid
from app.identify import loggable_code
from app.outcomes import CheckInResult, EventRef, Outcome, PatronRef
from db.models import Attendance, Event, User
from db.types import utcnow

OPEN_STATUSES = ("scheduled", "ongoing")
ACTION_CHECK_IN = "check_in"


def admit(
    door: Door,
    event: Event,
    patron: User,
    *,
    existing_patron: bool = False,
    detail: dict | None = None,
) -> CheckInResult:
    """The check-in rules for an identified patron at a locked event."""
    session = door.session
    extra = dict(detail or {})
    row = attendance_row(session, event.id, patron.id)

    def done(outcome: Outcome, message: str, points: int = 0) -> CheckInResult:
        return door.finish(
            outcome,
            message,
            event,
            patron,
            row,
            points=points,
            detail=extra,
            existing_patron=existing_patron,
        )

    if event.status not in OPEN_STATUSES:
        return done(Outcome.EVENT_NOT_OPEN, closed_message(event))
    if row is not None and row.attended:
        if row.check_out_time is None:
            when = clock(row.check_in_time, door.now) if row.check_in_time else "an earlier time"
            return done(
                Outcome.ALREADY_CHECKED_IN, f"{patron.first_name} was already checked in at {when}"
            )
        # Re-entry: the first check-in time stays, and no second award for the same event.
        extra["previousCheckOutTime"] = row.check_out_time.isoformat()
        row.check_out_time = None
        session.flush()
        return done(Outcome.RE_ENTERED, f"Welcome back, {patron.first_name}!")
    if event.capacity is not None:
        attended = count_attended(session, event.id)
        if attended >= event.capacity:
            return done(Outcome.EVENT_FULL, f"{event.name} is full: {attended} of {event.capacity}")
    # What undo needs to put back: no row at all (a walk-in), or the registration as it was.
    if row is None:
        extra["previous"] = None
        row = Attendance(event_id=event.id, patron_id=patron.id)
        session.add(row)
    else:
        extra["previous"] = {
            "attended": False,
            "checkInTime": row.check_in_time.isoformat() if row.check_in_time else None,
            "checkOutTime": row.check_out_time.isoformat() if row.check_out_time else None,
        }
    row.attended = True
    row.check_in_time = door.now
    row.check_out_time = None
    session.flush()
    award = loyalty.award_attendance(session, patron.id, event.name, door.now)
    points = award.points if award is not None else 0
    extra["loyalty_id"] = str(award.id) if award is not None else None
    extra["points"] = points
    return done(Outcome.CHECKED_IN, f"Welcome, {patron.first_name}!", points)


class Door:
    """One door action in progress: its station, method, clock, and how it ends (audit+result).

    Shared with app.walk_in; not meant for other callers.
    """

    def __init__(self, session: Session, station: str, method: str, now, action: str):
        self.session = session
        self.station = audit.clean_station(station)
        self.method = audit.check_method(method)
        self.now = aware_now(now)
        self.action = action

    def lock_event(self, event_id: uuid.UUID | str) -> Event | None:
        key = event_id if isinstance(event_id, uuid.UUID) else parse_uuid(str(event_id or ""))
        if key is None:
            return None
        query = (
            select(Event)
            .where(Event.id == key)
            .with_for_update()
            .execution_options(populate_existing=True)
        )
        return self.session.scalars(query).first()

    def event_not_found(self, event_id, code) -> CheckInResult:
        audit.record(
            self.session,
            station=self.station,
            method=self.method,
            action=self.action,
            outcome=Outcome.EVENT_NOT_FOUND,
            code=loggable_code(code),
            detail={"event": loggable_code(event_id)},
            now=self.now,
        )
        return CheckInResult(Outcome.EVENT_NOT_FOUND, "That event does not exist (any more)")

    def patron_not_found(self, event: Event, code) -> CheckInResult:
        shown = loggable_code(code)
        audit.record(
            self.session,
            station=self.station,
            method=self.method,
            action=self.action,
            outcome=Outcome.NOT_FOUND,
            event_id=event.id,
            code=shown,
            now=self.now,
        )
        message = f"No pass or email matches {shown!r}" if shown else "Nothing was scanned"
        return CheckInResult(Outcome.NOT_FOUND, message, event=EventRef(event.id, event.name))

    def refuse_unidentified(self, event: Event, outcome: Outcome, message: str, code: str):
        """A refusal before anyone was identified (a walk-in at a closed or full event)."""
        audit.record(
            self.session,
            station=self.station,
            method=self.method,
            action=self.action,
            outcome=outcome,
            event_id=event.id,
            code=loggable_code(code),
            now=self.now,
        )
        return CheckInResult(outcome, message, event=EventRef(event.id, event.name))

    def finish(
        self,
        outcome: Outcome,
        message: str,
        event: Event,
        patron: User,
        row: Attendance | None = None,
        *,
        points: int = 0,
        detail: dict | None = None,
        existing_patron: bool = False,
    ) -> CheckInResult:
        audit.record(
            self.session,
            station=self.station,
            method=self.method,
            action=self.action,
            outcome=outcome,
            event_id=event.id,
            patron_id=patron.id,
            detail=detail,
            now=self.now,
        )
        balance = loyalty.balance(self.session, patron.id, self.now)
        return CheckInResult(
            outcome=outcome,
            message=message,
            patron=PatronRef(patron.id, patron.first_name, patron.last_name),
            event=EventRef(event.id, event.name),
            check_in_time=row.check_in_time if row is not None else None,
            check_out_time=row.check_out_time if row is not None else None,
            points=points,
            balance=balance,
            tier=loyalty.tier_for(balance),
            existing_patron=existing_patron,
        )


# -- helpers ------------------------------------------------------------------------------------


def attendance_row(
    session: Session, event_id: uuid.UUID, patron_id: uuid.UUID
) -> Attendance | None:
    query = (
        select(Attendance)
        .where(Attendance.event_id == event_id, Attendance.patron_id == patron_id)
        .execution_options(populate_existing=True)
    )
    return session.scalars(query).first()


def count_attended(session: Session, event_id: uuid.UUID) -> int:
    query = (
        select(func.count())
        .select_from(Attendance)
        .where(Attendance.event_id == event_id, Attendance.attended.is_(True))
    )
    return int(session.scalar(query) or 0)


def closed_message(event: Event) -> str:
    if event.status == "completed":
        return f"{event.name} has finished"
    if event.status == "cancelled":
        return f"{event.name} was cancelled"
    return f"{event.name} is not open for check-in yet"


def clock(value: datetime, now: datetime | None = None) -> str:
    """Wall-clock time where the kiosk is, as a greeter says it (with the date if not today)."""
    local = value.astimezone()
    today = (now or utcnow()).astimezone().date()
    return f"{local:%H:%M}" if local.date() == today else f"{local:%H:%M} on {local:%d %b %Y}"


def aware_now(now: datetime | None) -> datetime:
    if now is None:
        return utcnow()
    if now.tzinfo is None or now.utcoffset() is None:
        raise ValueError("`now` must carry a time zone")
    return now
