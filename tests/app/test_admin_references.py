"""The foreign-key picker's search: people by name or email, events by name with their date."""

from __future__ import annotations

import pytest

from app.admin.labels import event_label, find_references
from db.models import Event
from tests.admin_data import small_world


@pytest.fixture
def world(session):
    return small_world(session)


def test_find_references_searches_people_by_name_or_email_and_events_by_name(session, world):
    people, events = world
    assert find_references(session, "users", "john@exa") == [
        (people[0], "John Doe <john@example.com>")
    ]
    assert (people[0], "John Doe <john@example.com>") in find_references(session, "users", "Doe")
    assert len(find_references(session, "users", "First0000")) <= 20
    assert find_references(session, "users", "j") == []  # too short to search
    found = find_references(session, "events", "event 0001")
    event = session.get(Event, found[0][0])
    # with its date: a weekly series shares one name
    assert [name for _id, name in found] == [event_label("Event 0001", event.start_time)]
    assert found[0][1].startswith("Event 0001 (")
