"""Builders and comparisons shared by the station copy tests (plain functions)."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta

from sqlalchemy import Engine, select

from app.settings import KNOWN_SETTINGS
from app.station.copy_tables import COPIED, SPECS, WINDOW_ATTENDANCE, WINDOW_EVENTS
from db.models import Attendance, Event, Loyalty, PatronContact, User
from db.search_index import contact_key


def now() -> datetime:
    return datetime.now(UTC)


def add_patron(session, n: int | str, **extra) -> User:
    patron = User(
        email=f"p{n}-{uuid.uuid4().hex[:6]}@example.com",
        first_name=f"First{n}",
        last_name=f"Last{n}",
        phone=extra.pop("phone", None),
    )
    session.add(patron)
    session.flush()
    return patron


def add_event(session, host: User, start: datetime, name="Sunday Service", status="scheduled"):
    event = Event(
        name=name,
        status=status,
        start_time=start,
        end_time=start + timedelta(hours=2),
        location="Main hall",
        host_id=host.id,
    )
    session.add(event)
    session.flush()
    return event


def admit(session, event: Event, patron: User) -> Attendance:
    row = Attendance(event_id=event.id, patron_id=patron.id, attended=True, check_in_time=now())
    session.add(row)
    session.flush()
    return row


def add_contact(session, patron: User, value: str) -> PatronContact:
    contact = PatronContact(
        patron_id=patron.id,
        kind="email",
        label="work",
        value=value,
        search_key=contact_key("email", value),
    )
    session.add(contact)
    session.flush()
    return contact


def add_points(session, patron: User, points: int) -> Loyalty:
    row = Loyalty(patron_id=patron.id, description="visit", points=points, tier="bronze")
    session.add(row)
    session.flush()
    return row


def _rows(engine: Engine, name: str, where=None) -> set[tuple]:
    table = SPECS[name].table
    query = select(table)
    if where is not None:
        query = query.where(where(table))
    with engine.connect() as connection:
        return {tuple(row) for row in connection.execute(query)}


def in_period(start: datetime, end: datetime) -> bool:
    """The copy's period with the default door margins (two hours each side)."""
    moment = now()
    return end + timedelta(hours=2) >= moment - timedelta(days=1) and start - timedelta(
        hours=2
    ) <= moment + timedelta(days=7)


def expected_contents(server: Engine) -> dict[str, set[tuple]]:
    """What a copy of `server` must hold now, table by table, computed independently."""
    events = _rows(server, "events")
    start, end = (SPECS["events"].columns.index(c) for c in ("startTime", "endTime"))
    kept = {row for row in events if in_period(row[start], row[end])}
    kept_ids = {row[0] for row in kept}
    contents = {}
    for spec in COPIED:
        if spec.scope == WINDOW_EVENTS:
            contents[spec.name] = kept
        elif spec.scope == WINDOW_ATTENDANCE:
            contents[spec.name] = {row for row in _rows(server, spec.name) if row[1] in kept_ids}
        elif spec.name == "settings":  # the door's settings only: never the PIN's hash
            contents[spec.name] = {r for r in _rows(server, spec.name) if r[0] in KNOWN_SETTINGS}
        else:
            contents[spec.name] = _rows(server, spec.name)
    return contents


def copy_contents(copy: Engine) -> dict[str, set[tuple]]:
    return {spec.name: _rows(copy, spec.name) for spec in COPIED}


def assert_same(server: Engine, copy: Engine) -> None:
    expected, actual = expected_contents(server), copy_contents(copy)
    for name in expected:
        assert actual[name] == expected[name], f"{name} differs"
