"""Helpers shared by the events tests: a host, events, attendance rows."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from app.events import EventInput
from db.models import Attendance, Event, User

START = datetime(2026, 12, 6, 15, 0, tzinfo=UTC)


def make_user(session, first="Host", last="Person", email=None):
    user = User(
        email=email or f"{first}.{last}@example.com".lower(), first_name=first, last_name=last
    )
    session.add(user)
    session.flush()
    return user


def make_event(session, host, name="Sunday Service", status="scheduled", start=START, **kw):
    event = Event(
        name=name,
        status=status,
        start_time=start,
        end_time=kw.pop("end", start + timedelta(hours=2)),
        location=kw.pop("location", "Main Sanctuary"),
        host_id=host.id,
        **kw,
    )
    session.add(event)
    session.flush()
    return event


def attend(session, event, patron, minutes=0, attended=True, out_minutes=None):
    row = Attendance(
        event_id=event.id,
        patron_id=patron.id,
        attended=attended,
        check_in_time=event.start_time + timedelta(minutes=minutes) if attended else None,
        check_out_time=(
            event.start_time + timedelta(minutes=out_minutes) if out_minutes is not None else None
        ),
    )
    session.add(row)
    session.flush()
    return row


def event_input(host, **changes) -> EventInput:
    values = dict(
        name="Sunday Service",
        location="Main Sanctuary",
        start_time=START,
        end_time=START + timedelta(hours=2),
        host_id=host.id,
        description="Weekly service",
        capacity="500",
    )
    values.update(changes)
    return EventInput(**values)
