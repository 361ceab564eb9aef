"""Door windows (issue 10): every door action only from opening to closing time."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from app import settings
from app.audit import detail_of
from app.checkin.actions import check_in, check_out, register, undo_check_in
from app.checkin.outcomes import Outcome
from app.checkin.walk_in import walk_in
from app.errors import ValidationError
from db.models import User
from tests.app.checkin_support import T0, audit_rows, count, make_event, make_patron

DOOR = {"station": "front", "method": "scan"}
OPENS = T0 - timedelta(hours=2)  # T0 is the start; the event lasts two hours
CLOSES = T0 + timedelta(hours=4)


@pytest.fixture(autouse=True)
def _utc_wall_clock(monkeypatch):
    # The messages say local time; the tests read them in UTC.
    monkeypatch.setenv("TZ", "UTC")


def test_the_door_opens_two_hours_before_the_start(session):
    event = make_event(session)
    jane = make_patron(session)
    early = check_in(session, event.id, jane.id, now=OPENS - timedelta(minutes=1), **DOOR)
    assert early.outcome is Outcome.EVENT_NOT_OPEN
    assert early.message == "Sunday Service opens at the door on 6 Dec at 08:00"
    assert early.patron.id == jane.id
    assert check_in(session, event.id, jane.id, now=OPENS, **DOOR).outcome is Outcome.CHECKED_IN


def test_the_door_closes_two_hours_after_the_end(session):
    event = make_event(session)
    jane, john = make_patron(session), make_patron(session, "John")
    assert check_in(session, event.id, jane.id, now=CLOSES, **DOOR).outcome is Outcome.CHECKED_IN
    late = check_in(session, event.id, john.id, now=CLOSES + timedelta(seconds=1), **DOOR)
    assert late.outcome is Outcome.EVENT_NOT_OPEN
    assert late.message == "Sunday Service closed on 6 Dec at 14:00"


def test_a_january_event_left_scheduled_takes_nothing_in_december(session):
    event = make_event(session, start=datetime(2026, 1, 11, 12, 0, tzinfo=UTC))
    jane = make_patron(session)
    result = check_in(session, event.id, jane.id, now=T0, **DOOR)
    assert result.outcome is Outcome.EVENT_NOT_OPEN
    assert result.message == "Sunday Service closed on 11 Jan at 16:00"
    next_year = make_event(session, name="New Year", start=datetime(2027, 1, 3, 10, tzinfo=UTC))
    result = check_in(session, next_year.id, jane.id, now=T0, **DOOR)
    assert result.message == "New Year opens at the door on 3 Jan 2027 at 08:00"


def test_start_check_in_opens_the_door_before_the_margin(session):
    event = make_event(session, status="ongoing")
    jane = make_patron(session)
    now = OPENS - timedelta(hours=5)
    assert check_in(session, event.id, jane.id, now=now, **DOOR).outcome is Outcome.CHECKED_IN


def test_margins_are_organization_settings(session):
    settings.set_setting(session, settings.DOOR_OPENS_MINUTES_BEFORE, "30")
    settings.set_setting(session, settings.DOOR_CLOSES_MINUTES_AFTER, "0")
    event = make_event(session)
    jane, john = make_patron(session), make_patron(session, "John")
    now = T0 - timedelta(minutes=31)
    assert check_in(session, event.id, jane.id, now=now, **DOOR).outcome is Outcome.EVENT_NOT_OPEN
    end = T0 + timedelta(hours=2)
    assert check_in(session, event.id, jane.id, now=end, **DOOR).outcome is Outcome.CHECKED_IN
    after = check_in(session, event.id, john.id, now=end + timedelta(seconds=1), **DOOR)
    assert after.message == "Sunday Service closed on 6 Dec at 12:00"
    with pytest.raises(ValidationError):
        settings.set_setting(session, settings.DOOR_OPENS_MINUTES_BEFORE, "-5")


def test_every_door_action_is_refused_outside_the_window(session):
    event = make_event(session)
    jane = make_patron(session)
    check_in(session, event.id, jane.id, now=T0, **DOOR)
    after = CLOSES + timedelta(minutes=1)
    actions = [
        lambda: check_out(session, event.id, jane.id, now=after, **DOOR),
        lambda: register(session, event.id, make_patron(session, "Reg").id, now=after, **DOOR),
        lambda: undo_check_in(session, event.id, jane.id, now=after, station="front"),
        lambda: check_in(session, event.id, "nobody@example.com", now=after, **DOOR),
    ]
    for action in actions:
        result = action()
        assert result.outcome is Outcome.EVENT_NOT_OPEN, result
        assert result.message == "Sunday Service closed on 6 Dec at 14:00"


def test_a_walk_in_outside_the_window_creates_nobody(session):
    event = make_event(session)
    before = count(session, User)
    later = CLOSES + timedelta(hours=1)
    result = walk_in(session, event.id, "Ann", "New", "a@example.com", None, station="f", now=later)
    assert result.outcome is Outcome.EVENT_NOT_OPEN
    assert count(session, User) == before


def test_a_supervisor_records_a_late_attendance_audited_as_late(session):
    event = make_event(session)
    jane = make_patron(session)
    later = CLOSES + timedelta(days=1)
    result = check_in(
        session, event.id, jane.id, now=later, late=True, station="office", method="admin"
    )
    assert result.outcome is Outcome.CHECKED_IN
    (row,) = audit_rows(session, action="check_in")
    assert detail_of(row)["late"] is True
    in_window = make_event(session, name="Open now")
    check_in(session, in_window.id, jane.id, now=T0, late=True, station="office", method="admin")
    rows = audit_rows(session, action="check_in", event_id=in_window.id)
    assert "late" not in detail_of(rows[0])


def test_a_late_attendance_at_a_cancelled_event_is_refused(session):
    event = make_event(session, status="cancelled")
    jane = make_patron(session)
    result = check_in(session, event.id, jane.id, now=T0, late=True, **DOOR)
    assert result.outcome is Outcome.EVENT_NOT_OPEN
    assert result.message == "Sunday Service was cancelled"
