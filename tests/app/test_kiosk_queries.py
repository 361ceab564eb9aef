"""Today's events for the kiosk picker, the default event, and the live headcount."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from app.checkin.queries import (
    Headcount,
    default_event,
    headcount,
    local_day_bounds,
    open_events,
)
from db.models import Attendance, Event, User

NOW = datetime(2026, 3, 8, 15, 0, tzinfo=UTC)  # a Sunday afternoon
BERLIN = ZoneInfo("Europe/Berlin")


def _event(host, name, status, start, hours=2, capacity=None):
    return Event(
        name=name,
        status=status,
        start_time=start,
        end_time=start + timedelta(hours=hours),
        location="Hall",
        capacity=capacity,
        host_id=host.id,
    )


@pytest.fixture
def host(session):
    user = User(email="host@example.com", first_name="Hal", last_name="Host")
    session.add(user)
    session.flush()
    return user


def test_todays_open_events_first_and_closed_ones_left_out(session, host):
    session.add_all(
        [
            _event(host, "Evening prayer", "scheduled", NOW + timedelta(hours=3)),
            _event(host, "Morning service", "ongoing", NOW - timedelta(hours=5), hours=6),
            _event(host, "Draft", "draft", NOW),
            _event(host, "Done", "completed", NOW - timedelta(hours=1)),
            _event(host, "Cancelled", "cancelled", NOW),
            _event(host, "Next week", "scheduled", NOW + timedelta(days=7)),
            _event(host, "Yesterday", "scheduled", NOW - timedelta(days=1, hours=2)),
        ]
    )
    session.flush()
    events = open_events(session, now=NOW, zone=UTC)
    assert [e.name for e in events] == ["Morning service", "Evening prayer"]
    assert [e.today for e in events] == [True, True]
    assert default_event(events, NOW).name == "Morning service"


def test_the_picker_offers_events_open_at_the_door_or_opening_within_hours(session, host):
    # Issue 10: a January event left *scheduled* is no longer offered in December, nor one
    # next week; one whose door opens within PICKER_AHEAD is, with its opening time.
    session.add_all(
        [
            _event(host, "Last January", "scheduled", datetime(2026, 1, 11, 10, tzinfo=UTC)),
            _event(host, "Ended 90 min ago", "scheduled", NOW - timedelta(hours=3.5), hours=2),
            _event(host, "Ended 3 h ago", "scheduled", NOW - timedelta(hours=5), hours=2),
            _event(host, "Opens in 11 h", "scheduled", NOW + timedelta(hours=13)),
            _event(host, "Opens in 13 h", "scheduled", NOW + timedelta(hours=15)),
            _event(host, "Started early", "ongoing", NOW + timedelta(hours=20)),
        ]
    )
    session.flush()
    events = {e.name: e for e in open_events(session, now=NOW, zone=UTC)}
    assert set(events) == {"Ended 90 min ago", "Opens in 11 h", "Started early"}
    assert events["Ended 90 min ago"].is_open(NOW)
    assert not events["Opens in 11 h"].is_open(NOW)
    assert events["Opens in 11 h"].opens_at == NOW + timedelta(hours=11)
    assert events["Started early"].is_open(NOW)


def test_default_is_next_today_when_nothing_runs(session, host):
    session.add_all(
        [
            _event(host, "Finished early", "scheduled", NOW - timedelta(hours=4), hours=1),
            _event(host, "Late", "scheduled", NOW + timedelta(hours=5)),
            _event(host, "Soon", "scheduled", NOW + timedelta(hours=1)),
        ]
    )
    session.flush()
    events = open_events(session, now=NOW, zone=UTC)
    assert default_event(events, NOW).name == "Soon"
    assert default_event([e for e in events if e.name == "Finished early"], NOW) is None


def test_today_follows_the_station_time_zone(session, host):
    # 23:30 UTC on the 8th is already the 9th in Berlin.
    session.add(
        _event(host, "Night", "scheduled", datetime(2026, 3, 8, 23, 30, tzinfo=UTC), hours=0.25)
    )
    session.flush()
    evening_8th = datetime(2026, 3, 8, 22, 30, tzinfo=UTC)  # 23:30 in Berlin, still the 8th
    in_utc = open_events(session, now=evening_8th, zone=UTC)
    assert [e.name for e in in_utc if e.today] == ["Night"]
    in_berlin = open_events(session, now=evening_8th, zone=BERLIN)
    assert [e.name for e in in_berlin if e.today] == []


def test_local_day_bounds():
    start, end = local_day_bounds(datetime(2026, 3, 9, 8, 0, tzinfo=BERLIN), BERLIN)
    assert start == datetime(2026, 3, 9, 0, 0, tzinfo=BERLIN)
    assert end - start == timedelta(days=1)


def test_headcount_counts_checked_in_and_inside(session, host):
    event = _event(host, "Service", "ongoing", NOW, capacity=3)
    session.add(event)
    people = [User(email=f"p{i}@example.com", first_name=f"P{i}", last_name="X") for i in range(4)]
    session.add_all(people)
    session.flush()
    assert headcount(session, event.id) == Headcount(0, 0, 3)
    session.add_all(
        [
            Attendance(event_id=event.id, patron_id=people[0].id, attended=True, check_in_time=NOW),
            Attendance(
                event_id=event.id,
                patron_id=people[1].id,
                attended=True,
                check_in_time=NOW,
                check_out_time=NOW + timedelta(minutes=30),
            ),
            Attendance(event_id=event.id, patron_id=people[2].id, attended=False),
        ]
    )
    session.flush()
    count = headcount(session, event.id)
    assert count == Headcount(checked_in=2, inside=1, capacity=3)
    assert count.places_left == 1 and not count.is_full
    assert count.summary() == "2 checked in · 1 place left · 1 inside now"
    session.add(
        Attendance(event_id=event.id, patron_id=people[3].id, attended=True, check_in_time=NOW)
    )
    session.flush()
    assert headcount(session, event.id).summary() == "3 checked in · Full · 2 inside now"


def test_headcount_without_capacity(session, host):
    event = _event(host, "Open house", "scheduled", NOW)
    session.add(event)
    session.flush()
    count = headcount(session, event.id)
    assert count.places_left is None and not count.is_full
    assert count.summary() == "0 checked in · 0 inside now"
