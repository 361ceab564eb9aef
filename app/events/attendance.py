"""Who came to an event, and the live figures of the door (for the organizer, full details)."""

from __future__ import annotations

import csv
import io
import uuid
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta, tzinfo

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.events.localtime import format_local, to_local, zone
from app.no_email import shown_email
from db.models import Attendance, Event, User
from db.search_fold import fold
from db.types import utcnow

INSIDE, LEFT, REGISTERED = "inside", "left", "registered"
STATE_LABELS = {INSIDE: "Inside", LEFT: "Left", REGISTERED: "Not come yet"}
BUCKET_MINUTES = 10
MAX_BUCKETS = 144  # a day of 10-minute bars is plenty for a small chart
EPOCH = datetime(1970, 1, 1, tzinfo=UTC)


@dataclass(frozen=True)
class AttendanceRow:
    patron_id: uuid.UUID
    first_name: str
    last_name: str
    email: str
    phone: str | None
    attended: bool
    check_in_time: datetime | None
    check_out_time: datetime | None

    @property
    def name(self) -> str:
        return f"{self.first_name} {self.last_name}"

    @property
    def state(self) -> str:
        if not self.attended:
            return REGISTERED
        return LEFT if self.check_out_time else INSIDE


@dataclass(frozen=True)
class AttendanceList:
    rows: list[AttendanceRow]  # matching the search, checked-in first by time, then the rest
    checked_in: int  # counts cover the whole event, whatever the search
    inside: int
    not_come: int

    @property
    def total(self) -> int:
        return self.checked_in + self.not_come


def _matches(row: AttendanceRow, words: list[str]) -> bool:
    haystack = fold(f"{row.first_name} {row.last_name} {row.email} {row.phone or ''}")
    return all(word in haystack for word in words)


def attendance_list(session: Session, event_id: uuid.UUID, *, search: str = "") -> AttendanceList:
    """Everyone with an attendance row for the event. One event's rows are a few hundred or
    thousand at most, so they are read in one go and searched here (counts stay whole)."""
    rows = [
        AttendanceRow(*r)
        for r in session.execute(
            select(
                User.id,
                User.first_name,
                User.last_name,
                User.email,
                User.phone,
                Attendance.attended,
                Attendance.check_in_time,
                Attendance.check_out_time,
            )
            .join(User, User.id == Attendance.patron_id)
            .where(Attendance.event_id == event_id)
        )
    ]
    rows.sort(
        key=lambda r: (
            0 if r.attended else 1,
            (r.check_in_time or EPOCH) if r.attended else EPOCH,
            r.last_name.lower(),
            r.first_name.lower(),
        )
    )
    checked_in = sum(1 for r in rows if r.attended)
    inside = sum(1 for r in rows if r.state == INSIDE)
    words = fold(search or "").split()
    shown = [r for r in rows if _matches(r, words)] if words else rows
    return AttendanceList(shown, checked_in, inside, len(rows) - checked_in)


@dataclass(frozen=True)
class LiveFigures:
    event_id: uuid.UUID
    name: str
    status: str
    checked_in: int
    inside: int
    capacity: int | None
    arrivals: list[tuple[datetime, int]]  # (bucket start in UTC, arrivals), 10-minute buckets

    @property
    def places_left(self) -> int | None:
        return None if self.capacity is None else max(self.capacity - self.checked_in, 0)


def floor_bucket(moment: datetime, tz: tzinfo, minutes: int = BUCKET_MINUTES) -> datetime:
    """Start, in UTC, of the local slot holding `moment` (local so that a zone with a :45 offset
    still gets bars at :00, :10, ...). UTC so that slots compare as instants: aware datetimes in
    one ZoneInfo compare by wall time and would merge the two 01:30s of an autumn night."""
    local = to_local(moment, tz)
    slot = local.replace(minute=local.minute - local.minute % minutes, second=0, microsecond=0)
    return slot.astimezone(UTC)


def arrivals_per_bucket(
    times: list[datetime],
    *,
    start: datetime,
    until: datetime,
    tz: tzinfo | None = None,
    minutes: int = BUCKET_MINUTES,
) -> list[tuple[datetime, int]]:
    """Check-ins per slot, empty slots from `start` to `until` included so the time axis is
    even. At most MAX_BUCKETS slots: the most recent ones."""
    tz = zone(tz)
    counts: dict[datetime, int] = {}
    for t in times:
        key = floor_bucket(t, tz, minutes)
        counts[key] = counts.get(key, 0) + 1
    first = floor_bucket(min([start, *times]), tz, minutes)
    last = floor_bucket(max([until, *times]), tz, minutes)
    step = timedelta(minutes=minutes)
    slots = set(counts)
    cursor = max(first, last - step * (MAX_BUCKETS - 1))
    while cursor <= last:
        slots.add(floor_bucket(cursor, tz, minutes))
        cursor += step
    return [(s, counts.get(s, 0)) for s in sorted(slots)[-MAX_BUCKETS:]]


def live_figures(
    session: Session,
    event_id: uuid.UUID,
    *,
    now: datetime | None = None,
    tz: tzinfo | None = None,
) -> LiveFigures | None:
    """Checked in, inside now, capacity and arrivals per 10 minutes; None if the event is gone."""
    event = session.get(Event, event_id, populate_existing=True)
    if event is None:
        return None
    now = now or utcnow()
    rows = session.execute(
        select(Attendance.check_in_time, Attendance.check_out_time).where(
            Attendance.event_id == event_id, Attendance.attended.is_(True)
        )
    ).all()
    times = [r.check_in_time for r in rows if r.check_in_time is not None]
    until = min(max(now, event.start_time), event.end_time)
    arrivals = arrivals_per_bucket(times, start=event.start_time, until=until, tz=tz)
    return LiveFigures(
        event_id=event.id,
        name=event.name,
        status=event.status,
        checked_in=len(rows),
        inside=sum(1 for r in rows if r.check_out_time is None),
        capacity=event.capacity,
        arrivals=arrivals,
    )


CSV_HEADER = ["First name", "Last name", "Email", "Phone", "Status", "Checked in", "Checked out"]


def attendance_csv(rows: list[AttendanceRow], tz: tzinfo | None = None) -> str:
    """The list as CSV text (local times, ISO-like so spreadsheets sort them)."""
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(CSV_HEADER)
    fmt = "%Y-%m-%d %H:%M:%S"
    for r in rows:
        writer.writerow(
            [
                _safe_cell(r.first_name),
                _safe_cell(r.last_name),
                _safe_cell(shown_email(r.email)),  # a placeholder address says "no email"
                _safe_cell(r.phone or ""),
                STATE_LABELS[r.state],
                format_local(r.check_in_time, tz, fmt),
                format_local(r.check_out_time, tz, fmt),
            ]
        )
    return out.getvalue()


def _safe_cell(text: str) -> str:
    # A cell starting with = + - @ is run as a formula by spreadsheets (CSV injection).
    return "'" + text if text[:1] in ("=", "+", "-", "@") else text
