"""Data for the admin studio tests: a few named people and events, plus bulk attendance."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta

from sqlalchemy import insert, select, true

from db.models import Attendance, Event, Loyalty, User
from db.types import random_uuid

T0 = datetime(2026, 5, 1, 18, 0, tzinfo=UTC)


def add_people(session, count: int) -> list[uuid.UUID]:
    ids = [uuid.uuid4() for _ in range(count)]
    session.execute(
        insert(User),
        [
            {
                "id": ids[i],
                "email": f"person{i:06d}@example.com",
                "first_name": f"First{i:06d}",
                "last_name": f"Last{i:06d}",
                "phone": None if i % 3 else f"555-{i:04d}",
                "created_at": T0 + timedelta(minutes=i),
                "updated_at": T0 + timedelta(minutes=i),
            }
            for i in range(count)
        ],
    )
    return ids


def add_events(session, hosts: list[uuid.UUID], count: int) -> list[uuid.UUID]:
    ids = [uuid.uuid4() for _ in range(count)]
    session.execute(
        insert(Event),
        [
            {
                "id": ids[i],
                "name": f"Event {i:04d}",
                "status": "scheduled",
                "start_time": T0 + timedelta(days=i),
                "end_time": T0 + timedelta(days=i, hours=2),
                "location": "Main hall",
                "capacity": 100 + i,
                "host_id": hosts[i % len(hosts)],
                "created_at": T0,
                "updated_at": T0,
            }
            for i in range(count)
        ],
    )
    return ids


def add_attendance(session, events, patrons, count: int) -> None:
    """`count` attendance rows, each a distinct (event, patron) pair."""
    rows = []
    for i in range(count):
        event = events[i // len(patrons)]
        rows.append(
            {
                "id": uuid.uuid4(),
                "event_id": event,
                "patron_id": patrons[i % len(patrons)],
                "attended": i % 2 == 0,
                "check_in_time": T0 + timedelta(seconds=i) if i % 2 == 0 else None,
            }
        )
    session.execute(insert(Attendance), rows)


def add_every_pair(session) -> None:
    """One attendance row per (event, person), e.g. 200 events x 500 people = 100,000 rows, made by
    the database itself instead of through 100,000 bound parameter sets."""
    users, events = User.__table__, Event.__table__
    pairs = select(random_uuid(), events.c.id, users.c.id, users.c.id.isnot(None)).select_from(
        events.join(users, true())
    )
    session.execute(
        insert(Attendance.__table__).from_select(["id", "eventId", "patronId", "attended"], pairs)
    )


def add_loyalty(session, patron, count: int) -> None:
    session.execute(
        insert(Loyalty),
        [
            {"id": uuid.uuid4(), "patron_id": patron, "description": f"Visit {i}", "points": i}
            for i in range(count)
        ],
    )


def small_world(session):
    """John Doe hosts 2 events with attendance; everyone else attends a little."""
    people = add_people(session, 30)
    session.execute(
        User.__table__.update()
        .where(User.__table__.c.id == people[0])
        .values(firstName="John", lastName="Doe", email="john@example.com")
    )
    events = add_events(session, [people[0], people[1]], 4)  # people[0] hosts events 0 and 2
    add_attendance(session, events, people[:25], 100)
    add_loyalty(session, people[0], 6)
    session.commit()
    return people, events
