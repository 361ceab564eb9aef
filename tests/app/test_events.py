"""Creating, editing, validating and listing events (both backends)."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import select

from app.errors import ValidationError
from app.events import (
    When,
    create_event,
    find_hosts,
    list_events,
    resolve_host,
    update_event,
    validate_event,
)
from db.models import AuditLog, Event
from tests.app.events_support import START, attend, event_input, make_event, make_user


class FakeHost:
    id = uuid.uuid4()


@pytest.fixture
def host(session):
    return make_user(session, "John", "Doe", "john@example.com")


def test_create_stores_a_draft_with_clean_fields(session, host):
    row = create_event(session, event_input(host, name="  Sunday Service  ", capacity=" 500 "))
    assert row.name == "Sunday Service"
    assert row.status == "draft"
    assert row.capacity == 500
    assert row.start_time == START
    assert row.host_name == "John Doe" and row.host_email == "john@example.com"
    assert (row.checked_in, row.registered) == (0, 0)
    log = session.scalars(select(AuditLog).where(AuditLog.event_id == row.id)).one()
    assert (log.action, log.outcome, log.method) == ("event_create", "ok", "admin")


def test_empty_capacity_is_unlimited(session, host):
    assert create_event(session, event_input(host, capacity="")).capacity is None
    assert create_event(session, event_input(host, capacity=None)).capacity is None
    assert create_event(session, event_input(host, capacity=0)).capacity == 0


@pytest.mark.parametrize(
    ("changes", "field", "words"),
    [
        ({"name": "   "}, "name", "Give the event a name"),
        ({"name": "x" * 201}, "name", "200 characters"),
        ({"location": ""}, "location", "Give the event a location"),
        ({"location": "y" * 201}, "location", "200 characters"),
        ({"end_time": START}, "end_time", "end must be after the start"),
        ({"end_time": START - timedelta(minutes=1)}, "end_time", "end must be after the start"),
        ({"start_time": None}, "start_time", "Give a date and time"),
        ({"start_time": datetime(2026, 12, 6, 10)}, "start_time", "no time zone"),
        ({"capacity": "-1"}, "capacity", "whole number"),
        ({"capacity": "2.5"}, "capacity", "whole number"),
        ({"capacity": "lots"}, "capacity", "whole number"),
        ({"capacity": -3}, "capacity", "whole number"),
        ({"host_id": None}, "host", "Pick the host"),
    ],
)
def test_every_rule_is_checked(changes, field, words):
    # The rules are pure: checked without a database (the next test proves nothing is written).
    with pytest.raises(ValidationError) as excinfo:
        validate_event(event_input(FakeHost, **changes))
    assert words in excinfo.value.errors[field]
    assert set(excinfo.value.errors) == {field}


def test_invalid_input_writes_nothing(session, host):
    with pytest.raises(ValidationError):
        create_event(session, event_input(host, end_time=START))
    assert session.scalars(select(Event)).all() == []
    assert session.scalars(select(AuditLog)).all() == []


def test_all_problems_are_reported_at_once(session, host):
    with pytest.raises(ValidationError) as excinfo:
        create_event(session, event_input(host, name="", location="", capacity="x"))
    assert set(excinfo.value.errors) == {"name", "location", "capacity"}


def test_exactly_200_characters_is_fine(session, host):
    row = create_event(session, event_input(host, name="n" * 200, location="l" * 200))
    assert len(row.name) == 200


def test_edit_changes_fields_and_keeps_status(session, host):
    event = make_event(session, host, status="scheduled")
    row = update_event(
        session,
        event.id,
        event_input(host, name="Evening Service", location="Chapel", capacity="40"),
    )
    assert (row.name, row.location, row.capacity, row.status) == (
        "Evening Service",
        "Chapel",
        40,
        "scheduled",
    )


def test_capacity_cannot_go_below_the_checked_in_count(session, host):
    event = make_event(session, host, capacity=10)
    for i in range(3):
        attend(session, event, make_user(session, f"P{i}", "Patron"), minutes=i)
    attend(session, event, make_user(session, "Reg", "Only"), attended=False)
    with pytest.raises(ValidationError) as excinfo:
        update_event(session, event.id, event_input(host, capacity="2"))
    assert "3 people are already checked in" in excinfo.value.errors["capacity"]
    assert update_event(session, event.id, event_input(host, capacity="3")).capacity == 3


def test_unknown_host_is_refused(session, host):
    with pytest.raises(ValidationError) as excinfo:
        create_event(session, event_input(host, host_id=uuid.uuid4()))
    assert "host" in excinfo.value.errors


def test_hosts_are_found_by_name_or_email_never_by_id(session, host):
    make_user(session, "Jane", "Smith", "jane@example.com")
    assert [h.email for h in find_hosts(session, "jan")] == ["jane@example.com"]
    assert [h.email for h in find_hosts(session, "john d")] == ["john@example.com"]
    assert [h.email for h in find_hosts(session, "SMI")] == ["jane@example.com"]
    assert find_hosts(session, str(host.id)) == []
    assert find_hosts(session, "%") == []
    assert resolve_host(session, "JOHN@example.com").id == host.id
    assert resolve_host(session, "Jane Smith").email == "jane@example.com"
    make_user(session, "Jane", "Smithers", "js@example.com")
    with pytest.raises(ValidationError, match="several people"):
        resolve_host(session, "jane s")
    with pytest.raises(ValidationError, match="Nobody"):
        resolve_host(session, "nobody here")


def test_list_filters_by_time_status_and_text_with_counts(session, host):
    tz = ZoneInfo("Europe/London")
    now = datetime(2026, 12, 6, 12, 0, tzinfo=UTC)
    past = make_event(session, host, "Advent Lunch", "completed", start=now - timedelta(days=7))
    today = make_event(session, host, "Sunday Service", "ongoing", start=now - timedelta(hours=1))
    later = make_event(
        session, host, "Carol Night", "scheduled", start=now + timedelta(days=3), location="Hall"
    )
    draft = make_event(session, host, "100% Youth_Night", "draft", start=now + timedelta(days=9))
    attend(session, today, make_user(session, "A", "One"))
    attend(session, today, make_user(session, "B", "Two"), attended=False)

    def names(**kw):
        return [r.name for r in list_events(session, now=now, tz=tz, **kw)]

    assert names(when=When.UPCOMING) == [today.name, later.name, draft.name]
    assert names(when="today") == [today.name]
    assert names(when="past") == [past.name]
    assert names(when="all") == [draft.name, later.name, today.name, past.name]
    assert names(when="all", status="draft") == [draft.name]
    assert names(when="all", search="hall") == [later.name]
    assert names(when="all", search="carol HALL") == [later.name]
    assert names(when="all", search="100%") == [draft.name]
    assert names(when="all", search="_") == [draft.name]
    row = list_events(session, when="today", now=now, tz=tz)[0]
    assert (row.checked_in, row.registered) == (1, 2)
    assert row.places_left is None


def test_today_means_the_local_calendar_day(session, host):
    tz = ZoneInfo("America/New_York")
    # 23:30 local on Dec 5 is 04:30 UTC on Dec 6: not "today" on Dec 6 in New York.
    make_event(
        session,
        host,
        "Late Vigil",
        start=datetime(2026, 12, 6, 4, 30, tzinfo=UTC),
        end=datetime(2026, 12, 6, 4, 50, tzinfo=UTC),
    )
    make_event(session, host, "Morning", start=datetime(2026, 12, 6, 15, 0, tzinfo=UTC))
    now = datetime(2026, 12, 6, 14, 0, tzinfo=UTC)
    assert [r.name for r in list_events(session, when="today", now=now, tz=tz)] == ["Morning"]


def test_host_search_ignores_accents_and_shows_full_email(session, host):
    make_user(session, "José", "Núñez", "jose@example.com")
    found = find_hosts(session, "jose nu")
    assert [(h.name, h.email) for h in found] == [("José Núñez", "jose@example.com")]
