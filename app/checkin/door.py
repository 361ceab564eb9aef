"""What every door action shares: locking the event, the admission rule, audit + result.

Used by app.checkin.actions and app.checkin.walk_in; screens and commands call those, not this module.

Speed (issue 7: a check-in within 3x the bare driver's time): the statements on the check-in
path are built once at import and run as plain Core statements, so a check-in costs one short
Python call per statement instead of ORM object loading and three flushes. They read the
database directly, so `Door.lock_event` first flushes whatever the caller left pending, as the
ORM's autoflush would have.
"""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import NamedTuple

from sqlalchemy import and_, bindparam, func, insert, select, update
from sqlalchemy.orm import Session
from sqlalchemy.orm.util import identity_key

from app import audit, loyalty, settings
from app.checkin.identify import KEY_MATCHES, loggable_code, patron_key
from app.checkin.outcomes import CheckInResult, EventRef, Outcome, PatronRef
from app.door_window import OPEN_STATUSES, DoorWindow
from app.passes import store as passes
from app.uuid_text import parse_uuid
from db.models import Attendance, Event, User
from db.types import new_id, utcnow

__all__ = ["DOOR_POLICY", "OPEN_STATUSES", "Door", "DoorEvent", "DoorPolicy", "admit"]

ACTION_CHECK_IN = "check_in"
# session.info key: how the offline door (app.station) bends the rules for one unit of work,
# without a parameter on every use case. See DoorPolicy.
DOOR_POLICY = "credopass_door_policy"


class DoorPolicy(NamedTuple):
    """`forced`: an offline admission being uploaded is a fact, not a request: neither the door
    window nor the capacity refuses it (the upload reports the disagreement instead).
    `capacity`: the capacity the door applies instead of the event's (a station copy's share of
    the remaining places while offline); called with (session, event), None = the event's."""

    forced: bool = False
    capacity: object = None


_EVENTS = Event.__table__
_ATTENDANCE = Attendance.__table__
_USERS = User.__table__
# PostgreSQL: FOR UPDATE makes two kiosks take turns at the same event, so capacity and the
# (event, patron) row are decided by one of them at a time. SQLite ignores it: the unit of
# work's BEGIN IMMEDIATE already serialises writers.
# The two door margins come in the same statement (scalar subqueries on settings): the door
# window costs no extra round trip per scan.
_LOCK_EVENT = (
    select(
        _EVENTS.c.id,
        _EVENTS.c.name,
        _EVENTS.c.status,
        _EVENTS.c.capacity,
        _EVENTS.c.startTime,
        _EVENTS.c.endTime,
        settings.stored_value(settings.DOOR_OPENS_MINUTES_BEFORE),
        settings.stored_value(settings.DOOR_CLOSES_MINUTES_AFTER),
    )
    .where(_EVENTS.c.id == bindparam("event_id"))
    .with_for_update()
)
_ATTENDANCE_COLUMNS = (
    _ATTENDANCE.c.id,
    _ATTENDANCE.c.attended,
    _ATTENDANCE.c.checkInTime,
    _ATTENDANCE.c.checkOutTime,
)
_ATTENDANCE_STATE = select(*_ATTENDANCE_COLUMNS).where(
    _ATTENDANCE.c.eventId == bindparam("event_id"),
    _ATTENDANCE.c.patronId == bindparam("patron_id"),
)
# identify() and the patron's row at the event in one statement (a round trip less per scan),
# by each kind of key a code can be (see app.checkin.identify.patron_key).
_ROW_AT_EVENT = and_(
    _ATTENDANCE.c.patronId == _USERS.c.id, _ATTENDANCE.c.eventId == bindparam("event_id")
)
_PATRON_AT_EVENT = {
    kind: select(_USERS.c.id, _USERS.c.firstName, _USERS.c.lastName, *_ATTENDANCE_COLUMNS)
    .select_from(_USERS.outerjoin(_ATTENDANCE, _ROW_AT_EVENT))
    .where(match)
    for kind, match in KEY_MATCHES.items()
}
# FILTER rather than `AND attended`: only the event's index can serve this count. SQLite
# without planner statistics otherwise walks the two-valued idx_attendance_attended, every
# attended row of every event (450 ms per check-in at a million rows).
_COUNT_ATTENDED = select(func.count().filter(_ATTENDANCE.c.attended)).where(
    _ATTENDANCE.c.eventId == bindparam("event_id")
)
_INSERT_ATTENDANCE = insert(_ATTENDANCE)
_UPDATE_ATTENDANCE = update(_ATTENDANCE).where(_ATTENDANCE.c.id == bindparam("row_id"))


class DoorEvent(NamedTuple):
    """The locked event, as far as the door rules need it."""

    id: uuid.UUID
    name: str
    status: str
    capacity: int | None
    start_time: datetime | None = None
    end_time: datetime | None = None
    before_minutes: int = 120
    after_minutes: int = 120

    @property
    def window(self) -> DoorWindow:
        return DoorWindow(
            self.name,
            self.status,
            self.start_time,
            self.end_time,
            self.before_minutes,
            self.after_minutes,
        )

    def shut_message(self, now: datetime) -> str | None:
        """Why the door is shut for this event at `now`; None when it is open."""
        return self.window.refusal(now)


class AttendanceState(NamedTuple):
    """One attendance row as read (or just written) by a door action."""

    id: uuid.UUID
    attended: bool
    check_in_time: datetime | None
    check_out_time: datetime | None


_NOT_READ = object()


def admit(
    door: Door,
    event: DoorEvent,
    patron: PatronRef | User,
    *,
    row: AttendanceState | None | object = _NOT_READ,
    existing_patron: bool = False,
    detail: dict | None = None,
) -> CheckInResult:
    """The check-in rules for an identified patron at a locked event; `row` is the patron's
    attendance row there when the caller has read it already (see `Door.identify_at`)."""
    session = door.session
    extra = dict(detail or {})
    if row is _NOT_READ:
        row = attendance_state(session, event.id, patron.id)

    def done(
        outcome: Outcome, message: str, points: int = 0, balance: int | None = None
    ) -> CheckInResult:
        return door.finish(
            outcome,
            message,
            event,
            patron,
            row,
            points=points,
            detail=extra,
            existing_patron=existing_patron,
            balance=balance,
        )

    shut = door.shut_message(event)
    if shut is not None:
        return done(Outcome.EVENT_NOT_OPEN, shut)
    if row is not None and row.attended:
        if row.check_out_time is None:
            when = clock(row.check_in_time, door.now) if row.check_in_time else "an earlier time"
            return done(
                Outcome.ALREADY_CHECKED_IN, f"{patron.first_name} was already checked in at {when}"
            )
        # Re-entry: the first check-in time stays, and no second award for the same event.
        extra["previousCheckOutTime"] = row.check_out_time.isoformat()
        row = _update_attendance(session, row._replace(check_out_time=None))
        return done(Outcome.RE_ENTERED, f"Welcome back, {patron.first_name}!")
    capacity = door.capacity_of(event)
    if capacity is not None:
        attended = count_attended(session, event.id)
        if attended >= capacity:
            return done(Outcome.EVENT_FULL, f"{event.name} is full: {attended} of {capacity}")
    # What undo needs to put back: no row at all (a walk-in), or the registration as it was.
    if row is None:
        extra["previous"] = None
        row = _insert_attendance(session, event.id, patron.id, door.now)
    else:
        extra["previous"] = {
            "attended": False,
            "checkInTime": row.check_in_time.isoformat() if row.check_in_time else None,
            "checkOutTime": row.check_out_time.isoformat() if row.check_out_time else None,
        }
        admitted = row._replace(attended=True, check_in_time=door.now, check_out_time=None)
        row = _update_attendance(session, admitted)
    award = loyalty.award_attendance(session, patron.id, event.name, door.now)
    points = award.points if award is not None else 0
    extra["loyalty_id"] = str(award.id) if award is not None else None
    extra["points"] = points
    balance = award.balance_after if award is not None else None
    return done(Outcome.CHECKED_IN, f"Welcome, {patron.first_name}!", points, balance)


class Door:
    """One door action in progress: its station, method, clock, and how it ends (audit+result).

    Shared with app.checkin.walk_in; not meant for other callers.
    """

    def __init__(
        self, session: Session, station: str, method: str, now, action: str, *, late=False
    ):
        self.session = session
        self.station = audit.clean_station(station)
        self.method = audit.check_method(method)
        self.now = aware_now(now)
        self.action = action
        # A supervisor recording an attendance outside the door window (Events tab, CLI --late):
        # the window does not apply, a cancelled event still refuses, and the audit row of an
        # action the window would have refused says `"late": true`.
        self.late = late
        self._late_used = False
        self.policy = session.info.get(DOOR_POLICY) or DoorPolicy()

    def capacity_of(self, event: DoorEvent) -> int | None:
        """The capacity this action must respect (None: no limit)."""
        if self.policy.forced:
            return None
        if self.policy.capacity is not None:
            return self.policy.capacity(self.session, event)
        return event.capacity

    def shut_message(self, event: DoorEvent) -> str | None:
        """Why this action may not happen at `event` now (outside its door window)."""
        shut = event.shut_message(self.now)
        if shut is not None and self.policy.forced:
            return None
        if shut is None or not self.late:
            return shut
        if event.status == "cancelled":
            return shut
        self._late_used = True
        return None

    def refuse_if_shut(self, event: DoorEvent, patron=None, code=None) -> CheckInResult | None:
        """The event_not_open refusal of an action outside the door window, or None."""
        shut = self.shut_message(event)
        if shut is None:
            return None
        if patron is None:
            return self.refuse_unidentified(event, Outcome.EVENT_NOT_OPEN, shut, code)
        return self.finish(Outcome.EVENT_NOT_OPEN, shut, event, patron)

    def lock_event(self, event_id: uuid.UUID | str) -> DoorEvent | None:
        key = event_id if isinstance(event_id, uuid.UUID) else parse_uuid(str(event_id or ""))
        if key is None:
            return None
        self.session.flush()  # the door's Core reads must see what the caller left pending
        row = self.session.execute(_LOCK_EVENT, {"event_id": key}).first()
        if row is None:
            return None
        before = settings.typed_value(settings.DOOR_OPENS_MINUTES_BEFORE, row[6])
        after = settings.typed_value(settings.DOOR_CLOSES_MINUTES_AFTER, row[7])
        return DoorEvent(*row[:6], before, after)

    def identify_at(
        self, event: DoorEvent, code
    ) -> tuple[PatronRef, AttendanceState | None] | None:
        """app.checkin.identify.identify, plus the patron's attendance row at `event` (or None)."""
        key = patron_key(code)
        if key is None:
            return None
        column, value = key
        params = {"key": value, "event_id": event.id}
        found = self.session.execute(_PATRON_AT_EVENT[column], params).first()
        if found is None:
            return None
        row = AttendanceState(*found[3:]) if found[3] is not None else None
        return PatronRef(*found[:3]), row

    def event_not_found(self, event_id, code) -> CheckInResult:
        self._log(
            Outcome.EVENT_NOT_FOUND,
            code=loggable_code(code),
            detail={"event": loggable_code(event_id)},
        )
        return CheckInResult(Outcome.EVENT_NOT_FOUND, "That event does not exist (any more)")

    def patron_not_found(self, event: DoorEvent, code) -> CheckInResult:
        shown = loggable_code(code)
        self._log(Outcome.NOT_FOUND, event_id=event.id, code=shown)
        message = f"No pass or email matches {shown!r}" if shown else "Nothing was scanned"
        message = passes.replaced_message(self.session, code) or message  # issue 13
        return CheckInResult(Outcome.NOT_FOUND, message, event=EventRef(event.id, event.name))

    def refuse_unidentified(self, event: DoorEvent, outcome: Outcome, message: str, code: str):
        """A refusal before anyone was identified (a walk-in at a closed or full event)."""
        self._log(outcome, event_id=event.id, code=loggable_code(code))
        return CheckInResult(outcome, message, event=EventRef(event.id, event.name))

    def finish(
        self,
        outcome: Outcome,
        message: str,
        event: DoorEvent,
        patron: PatronRef | User,
        row: AttendanceState | Attendance | None = None,
        *,
        points: int = 0,
        detail: dict | None = None,
        existing_patron: bool = False,
        balance: int | None = None,
    ) -> CheckInResult:
        """Log the outcome and build the result; `balance` is the patron's balance after the
        action when the caller already knows it (else it is read)."""
        self._log(outcome, event_id=event.id, patron_id=patron.id, detail=detail)
        if balance is None:
            balance = loyalty.balance(self.session, patron.id, self.now)
        if not isinstance(patron, PatronRef):
            patron = loyalty.patron_ref(patron)
        return CheckInResult(
            outcome=outcome,
            message=message,
            patron=patron,
            event=EventRef(event.id, event.name),
            check_in_time=row.check_in_time if row is not None else None,
            check_out_time=row.check_out_time if row is not None else None,
            points=points,
            balance=balance,
            tier=loyalty.tier_for(balance),
            existing_patron=existing_patron,
        )

    def _log(self, outcome: Outcome, **fields) -> None:
        if self._late_used:
            fields["detail"] = {**(fields.get("detail") or {}), "late": True}
        audit.write(
            self.session,
            station=self.station,
            method=self.method,
            action=self.action,
            outcome=outcome,
            now=self.now,
            **fields,
        )


# -- helpers ------------------------------------------------------------------------------------


def attendance_row(
    session: Session, event_id: uuid.UUID, patron_id: uuid.UUID
) -> Attendance | None:
    """The row as an ORM object, for the actions that change it through the ORM (rarer ones)."""
    query = (
        select(Attendance)
        .where(Attendance.event_id == event_id, Attendance.patron_id == patron_id)
        .execution_options(populate_existing=True)
    )
    return session.scalars(query).first()


def attendance_state(
    session: Session, event_id: uuid.UUID, patron_id: uuid.UUID
) -> AttendanceState | None:
    row = session.execute(_ATTENDANCE_STATE, {"event_id": event_id, "patron_id": patron_id}).first()
    return AttendanceState(*row) if row is not None else None


def _insert_attendance(
    session: Session, event_id: uuid.UUID, patron_id: uuid.UUID, now: datetime
) -> AttendanceState:
    row = AttendanceState(new_id(), True, now, None)
    values = {
        "id": row.id,
        "eventId": event_id,
        "patronId": patron_id,
        "attended": row.attended,
        "checkInTime": row.check_in_time,
        "checkOutTime": row.check_out_time,
    }
    session.execute(_INSERT_ATTENDANCE, values)
    return row


def _update_attendance(session: Session, row: AttendanceState) -> AttendanceState:
    """Store `row`'s state, and make an ORM copy the caller may hold read it afresh."""
    session.execute(
        _UPDATE_ATTENDANCE.values(
            attended=row.attended, checkInTime=row.check_in_time, checkOutTime=row.check_out_time
        ),
        {"row_id": row.id},
    )
    cached = session.identity_map.get(identity_key(Attendance, row.id))
    if cached is not None:
        session.expire(cached)
    return row


def count_attended(session: Session, event_id: uuid.UUID) -> int:
    return int(session.execute(_COUNT_ATTENDED, {"event_id": event_id}).scalar() or 0)


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
