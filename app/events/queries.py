"""Reading events for the list and the detail panel: one query, counts included."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime, tzinfo
from enum import StrEnum

from sqlalchemy import Select, case, func, or_, select
from sqlalchemy.orm import Session

from app.events.localtime import local_day_bounds, to_local
from db.models import EVENT_STATUSES, Attendance, Event, User
from db.types import utcnow

MAX_ROWS = 500


class When(StrEnum):
    UPCOMING = "upcoming"  # not over yet: in progress or still to come
    TODAY = "today"  # overlapping the local calendar day
    PAST = "past"  # over
    ALL = "all"


@dataclass(frozen=True)
class EventRow:
    id: uuid.UUID
    name: str
    description: str | None
    location: str
    status: str
    start_time: datetime
    end_time: datetime
    capacity: int | None
    host_id: uuid.UUID
    host_name: str
    host_email: str
    checked_in: int  # rows with attended = true, whether still inside or gone
    registered: int  # every attendance row (RSVPs and walk-ins)

    @property
    def places_left(self) -> int | None:
        return None if self.capacity is None else max(self.capacity - self.checked_in, 0)


def _base_query(event_ids: Select | None = None) -> Select:
    """Events with host and counts. `event_ids` (a select of Event.id) limits the counting to
    those events, so a page of the list does not aggregate the whole attendance table."""
    counts = select(
        Attendance.event_id.label("event_id"),
        func.count().label("registered"),
        func.sum(case((Attendance.attended.is_(True), 1), else_=0)).label("checked_in"),
    )
    if event_ids is not None:
        counts = counts.where(Attendance.event_id.in_(event_ids))
    counts = counts.group_by(Attendance.event_id).subquery()
    return (
        select(
            Event,
            User.first_name,
            User.last_name,
            User.email,
            func.coalesce(counts.c.checked_in, 0),
            func.coalesce(counts.c.registered, 0),
        )
        .join(User, User.id == Event.host_id)
        .outerjoin(counts, counts.c.event_id == Event.id)
    )


def _row(result) -> EventRow:
    event, first, last, email, checked_in, registered = result
    return EventRow(
        id=event.id,
        name=event.name,
        description=event.description,
        location=event.location,
        status=event.status,
        start_time=event.start_time,
        end_time=event.end_time,
        capacity=event.capacity,
        host_id=event.host_id,
        host_name=f"{first} {last}",
        host_email=email,
        checked_in=int(checked_in or 0),
        registered=int(registered or 0),
    )


def list_events(
    session: Session,
    *,
    when: When | str = When.UPCOMING,
    search: str = "",
    status: str | None = None,
    now: datetime | None = None,
    tz: tzinfo | None = None,
    limit: int = MAX_ROWS,
) -> list[EventRow]:
    """Events for the list, each with its checked-in and registered counts, in one query.

    Upcoming and today run in time order, past and all newest first. `search` matches name,
    location or description, case-insensitively, with % and _ taken literally.
    """
    when = When(when)
    now = now or utcnow()
    conditions = []
    if when is When.UPCOMING:
        conditions.append(Event.end_time >= now)
        order = (Event.start_time, Event.name, Event.id)
    elif when is When.TODAY:
        day_start, day_end = local_day_bounds(to_local(now, tz).date(), tz)
        conditions += [Event.start_time < day_end, Event.end_time >= day_start]
        order = (Event.start_time, Event.name, Event.id)
    elif when is When.PAST:
        conditions.append(Event.end_time < now)
        order = (Event.start_time.desc(), Event.name, Event.id)
    else:
        order = (Event.start_time.desc(), Event.name, Event.id)
    if status:
        if status not in EVENT_STATUSES:
            raise ValueError(f"unknown status {status!r}")
        conditions.append(Event.status == status)
    for word in (search or "").split():
        conditions.append(
            or_(
                Event.name.icontains(word, autoescape=True),
                Event.location.icontains(word, autoescape=True),
                Event.description.icontains(word, autoescape=True),
            )
        )
    page = select(Event.id).where(*conditions).order_by(*order).limit(limit)
    query = _base_query(page).where(Event.id.in_(page)).order_by(*order)
    return [_row(r) for r in session.execute(query).all()]


def get_event_row(session: Session, event_id: uuid.UUID) -> EventRow | None:
    result = session.execute(
        _base_query(select(Event.id).where(Event.id == event_id)).where(Event.id == event_id)
    ).first()
    return None if result is None else _row(result)


def checked_in_count(session: Session, event_id: uuid.UUID) -> int:
    return session.scalar(
        select(func.count())
        .select_from(Attendance)
        .where(Attendance.event_id == event_id, Attendance.attended.is_(True))
    )
