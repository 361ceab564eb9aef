"""Small read-only queries the check-in screen needs: which events to offer, and the headcount.

Everything returned is a plain value (no ORM objects), so the GUI thread can hold it safely.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime, time, timedelta, tzinfo

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from db.models import Attendance, Event
from db.types import utcnow

OPEN_STATUSES = ("scheduled", "ongoing")


@dataclass(frozen=True)
class KioskEvent:
    id: uuid.UUID
    name: str
    status: str
    start_time: datetime
    end_time: datetime
    location: str
    capacity: int | None
    today: bool  # happens (at least partly) on the station's local today

    def is_running(self, now: datetime) -> bool:
        return self.status == "ongoing" or self.start_time <= now < self.end_time


@dataclass(frozen=True)
class Headcount:
    checked_in: int  # attended rows, whether or not they left since
    inside: int  # checked in and not checked out
    capacity: int | None

    @property
    def places_left(self) -> int | None:
        if self.capacity is None:
            return None
        return max(self.capacity - self.checked_in, 0)

    @property
    def is_full(self) -> bool:
        return self.capacity is not None and self.checked_in >= self.capacity

    def summary(self) -> str:
        """ "312 checked in · 188 places left · 240 inside now", "Full", or without capacity."""
        parts = [f"{self.checked_in} checked in"]
        if self.is_full:
            parts.append("Full")
        elif self.places_left is not None:
            parts.append(f"{self.places_left} place{'' if self.places_left == 1 else 's'} left")
        parts.append(f"{self.inside} inside now")
        return " · ".join(parts)


def local_day_bounds(now: datetime, zone: tzinfo | None = None) -> tuple[datetime, datetime]:
    """Start and end of the local calendar day containing `now` (aware datetimes)."""
    local = now.astimezone(zone)
    start = datetime.combine(local.date(), time.min, tzinfo=local.tzinfo)
    return start, start + timedelta(days=1)


def open_events(
    session: Session, *, now: datetime | None = None, zone: tzinfo | None = None
) -> list[KioskEvent]:
    """Scheduled and ongoing events: today's first (by start time), then the others.

    `zone` is the station's time zone (default: the computer's); "today" is its calendar day.
    """
    now = now or utcnow()
    day_start, day_end = local_day_bounds(now, zone)
    rows = session.scalars(
        select(Event).where(Event.status.in_(OPEN_STATUSES)).order_by(Event.start_time, Event.name)
    ).all()
    events = [
        KioskEvent(
            id=e.id,
            name=e.name,
            status=e.status,
            start_time=e.start_time,
            end_time=e.end_time,
            location=e.location,
            capacity=e.capacity,
            today=e.start_time < day_end and e.end_time > day_start,
        )
        for e in rows
    ]
    return [e for e in events if e.today] + [e for e in events if not e.today]


def todays_events(
    session: Session, *, now: datetime | None = None, zone: tzinfo | None = None
) -> list[KioskEvent]:
    return [e for e in open_events(session, now=now, zone=zone) if e.today]


def default_event(events: list[KioskEvent], now: datetime) -> KioskEvent | None:
    """The event running now, else the next one today that has not ended, else None."""
    today = [e for e in events if e.today]
    running = [e for e in today if e.is_running(now)]
    if running:
        return min(running, key=lambda e: e.start_time)
    upcoming = [e for e in today if e.end_time > now]
    if upcoming:
        return min(upcoming, key=lambda e: e.start_time)
    return None


def headcount(session: Session, event_id: uuid.UUID) -> Headcount:
    capacity = session.scalar(select(Event.capacity).where(Event.id == event_id))
    checked_in, inside = session.execute(
        select(
            func.count(Attendance.id),
            func.count(Attendance.id).filter(Attendance.check_out_time.is_(None)),
        ).where(Attendance.event_id == event_id, Attendance.attended.is_(True))
    ).one()
    return Headcount(checked_in=int(checked_in), inside=int(inside), capacity=capacity)
