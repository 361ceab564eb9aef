"""Repeating an event: every N days for the next N occurrences, each a normal, separate row.

Occurrences keep the LOCAL wall-clock time: the 10:00 Sunday service stays at 10:00 after the
clocks change, so the UTC time moves by an hour. Adding days in UTC would be off by one hour
for half the year.
"""

from __future__ import annotations

import uuid
from datetime import datetime, timedelta, tzinfo

from sqlalchemy.orm import Session

from app.errors import ValidationError
from app.events.audit import DEFAULT_ACTOR, Actor, record
from app.events.localtime import local_to_utc, to_local, zone
from app.events.queries import EventRow, get_event_row
from db.models import Event

MAX_OCCURRENCES = 104
MAX_INTERVAL_DAYS = 365


def occurrence_times(
    start: datetime, end: datetime, *, every_days: int, count: int, tz: tzinfo | None = None
) -> list[tuple[datetime, datetime]]:
    """(start, end) in UTC of the next `count` occurrences after the given one."""
    tz = zone(tz)
    local_start = to_local(start, tz).replace(tzinfo=None)
    local_end = to_local(end, tz).replace(tzinfo=None)
    times = []
    for k in range(1, count + 1):
        step = timedelta(days=every_days * k)
        times.append((local_to_utc(local_start + step, tz), local_to_utc(local_end + step, tz)))
    return times


def repeat_event(
    session: Session,
    event_id: uuid.UUID,
    *,
    every_days: int = 7,
    count: int = 12,
    tz: tzinfo | None = None,
    actor: Actor = DEFAULT_ACTOR,
) -> list[EventRow]:
    """Create `count` copies, `every_days` apart, after the event. Copies of a published event
    are scheduled; copies of a draft or cancelled one are drafts. Attendance is not copied."""
    errors = {}
    if not isinstance(every_days, int) or not 1 <= every_days <= MAX_INTERVAL_DAYS:
        errors["every_days"] = f"Repeat every 1 to {MAX_INTERVAL_DAYS} days."
    if not isinstance(count, int) or not 1 <= count <= MAX_OCCURRENCES:
        errors["count"] = f"Make 1 to {MAX_OCCURRENCES} occurrences."
    if errors:
        raise ValidationError(errors)
    source = session.get(Event, event_id)
    if source is None:
        raise ValidationError({"event": "That event no longer exists."})
    status = "draft" if source.status in ("draft", "cancelled") else "scheduled"
    copies = []
    for start, end in occurrence_times(
        source.start_time, source.end_time, every_days=every_days, count=count, tz=tz
    ):
        copy = Event(
            name=source.name,
            description=source.description,
            status=status,
            start_time=start,
            end_time=end,
            location=source.location,
            capacity=source.capacity,
            host_id=source.host_id,
        )
        session.add(copy)
        copies.append(copy)
    session.flush()
    record(
        session,
        actor,
        "event_repeat",
        "ok",
        source.id,
        count=count,
        every_days=every_days,
        first=copies[0].id,
    )
    return [get_event_row(session, c.id) for c in copies]
