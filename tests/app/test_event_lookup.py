from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from app.checkin.event_lookup import resolve_event
from app.errors import ValidationError
from app.uuid_text import parse_uuid
from db.models import Event, User


@pytest.fixture
def host(session):
    user = User(email="host@example.com", first_name="Host", last_name="Person")
    session.add(user)
    session.flush()
    return user


def make_event(session, host, name, status="scheduled", days=0):
    start = datetime(2026, 12, 6, 10, tzinfo=UTC) + timedelta(days=days)
    event = Event(
        name=name,
        status=status,
        start_time=start,
        end_time=start + timedelta(hours=2),
        location="Hall",
        host_id=host.id,
    )
    session.add(event)
    session.flush()
    return event


def test_uuid_forms_are_accepted(session, host):
    event = make_event(session, host, "Sunday Service")
    for ref in (str(event.id), event.id.hex.upper(), f"  {event.id}  "):
        assert resolve_event(session, ref).id == event.id
    assert parse_uuid("not-a-uuid") is None


def test_exact_name_of_open_event(session, host):
    make_event(session, host, "Sunday Service", status="completed", days=-7)
    current = make_event(session, host, "Sunday Service")
    assert resolve_event(session, "Sunday Service").id == current.id
    assert resolve_event(session, "sunday SERVICE").id == current.id
    with pytest.raises(ValidationError, match="No scheduled or ongoing event"):
        resolve_event(session, "sunday")


def test_ambiguous_name_lists_candidates(session, host):
    a = make_event(session, host, "Youth Night")
    b = make_event(session, host, "Youth Night", days=7)
    with pytest.raises(ValidationError) as excinfo:
        resolve_event(session, "Youth Night")
    assert str(a.id) in str(excinfo.value) and str(b.id) in str(excinfo.value)


def test_unknown_id_and_blank(session, host):
    with pytest.raises(ValidationError, match="No event has the id"):
        resolve_event(session, "00000000-0000-0000-0000-000000000000")
    with pytest.raises(ValidationError, match="Say which event"):
        resolve_event(session, "   ")
