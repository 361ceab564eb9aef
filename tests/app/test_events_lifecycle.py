"""Status transitions, repeat series across daylight saving, duplicate and delete."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import func, select

from app.errors import ValidationError
from app.events import (
    StatusAction,
    allowed_actions,
    cancellation_reason,
    change_status,
    delete_event,
    duplicate_event,
    occurrence_times,
    repeat_event,
    update_event,
)
from db.models import Attendance, AuditLog, Event
from tests.app.events_support import attend, event_input, make_event, make_user

NEW_YORK = ZoneInfo("America/New_York")
LONDON = ZoneInfo("Europe/London")


@pytest.fixture
def host(session):
    return make_user(session, "John", "Doe", "john@example.com")


def status_of(session, event):
    session.expire_all()
    return session.get(Event, event.id).status


def test_the_happy_path(session, host):
    event = make_event(session, host, status="draft")
    for action, expected in [
        (StatusAction.PUBLISH, "scheduled"),
        (StatusAction.START, "ongoing"),
        (StatusAction.CLOSE, "completed"),
    ]:
        change = change_status(session, event.id, action)
        assert change.changed and change.event.status == expected
        assert status_of(session, event) == expected


REFUSED = [
    ("draft", "start"),
    ("draft", "close"),
    ("scheduled", "publish"),
    ("scheduled", "close"),
    ("ongoing", "publish"),
    ("ongoing", "start"),
    ("completed", "publish"),
    ("completed", "start"),
    ("completed", "close"),
    ("completed", "cancel"),
    ("cancelled", "publish"),
    ("cancelled", "start"),
    ("cancelled", "cancel"),
]


def test_refused_moves_change_nothing_and_are_logged(session, host):
    for status, action in REFUSED:  # one database for all cases keeps the suite quick
        event = make_event(session, host, name=f"{status} {action}", status=status)
        change = change_status(session, event.id, action, reason="weather")
        assert not change.changed, (status, action)
        assert change.message.startswith("Cannot ")
        assert status_of(session, event) == status
        log = session.scalars(select(AuditLog).where(AuditLog.event_id == event.id)).one()
        assert log.outcome == "refused"


@pytest.mark.parametrize("status", ["draft", "scheduled", "ongoing"])
def test_cancel_from_any_state_but_completed_keeps_the_reason(session, host, status):
    event = make_event(session, host, status=status)
    change = change_status(session, event.id, "cancel", reason="  Snow storm  ")
    assert change.changed and status_of(session, event) == "cancelled"
    assert cancellation_reason(session, event.id) == "Snow storm"
    assert "Snow storm" in change.message


def test_cancel_needs_a_reason(session, host):
    event = make_event(session, host)
    with pytest.raises(ValidationError) as excinfo:
        change_status(session, event.id, "cancel", reason="  ")
    assert "reason" in excinfo.value.errors
    assert status_of(session, event) == "scheduled"


def test_allowed_actions():
    assert allowed_actions("draft") == [StatusAction.PUBLISH, StatusAction.CANCEL]
    assert allowed_actions("scheduled") == [StatusAction.START, StatusAction.CANCEL]
    assert allowed_actions("ongoing") == [StatusAction.CLOSE, StatusAction.CANCEL]
    assert allowed_actions("completed") == []
    assert allowed_actions("cancelled") == []


def test_closing_keeps_registered_absent_rows_as_no_shows(session, host):
    event = make_event(session, host, status="ongoing")
    attend(session, event, make_user(session, "Came", "In"))
    attend(session, event, make_user(session, "No", "Show"), attended=False)
    change_status(session, event.id, "close")
    rows = session.scalars(select(Attendance).where(Attendance.event_id == event.id)).all()
    assert sorted(r.attended for r in rows) == [False, True]


@pytest.mark.parametrize(
    ("tz", "first_local"),
    [
        (NEW_YORK, datetime(2027, 2, 7, 10, 0)),  # clocks go forward on 14 March 2027
        (LONDON, datetime(2027, 2, 14, 10, 0)),  # clocks go forward on 28 March 2027
    ],
)
def test_weekly_series_of_12_keeps_local_time_across_dst(session, host, tz, first_local):
    start = first_local.replace(tzinfo=tz).astimezone(UTC)
    event = make_event(session, host, status="scheduled", start=start, capacity=500)
    copies = repeat_event(session, event.id, every_days=7, count=12, tz=tz)
    assert len(copies) == 12
    offsets = set()
    for k, row in enumerate(copies, start=1):
        local_start = row.start_time.astimezone(tz)
        assert local_start.replace(tzinfo=None) == first_local + timedelta(weeks=k)
        assert row.end_time.astimezone(tz).hour == 12
        assert (row.status, row.capacity, row.name) == ("scheduled", 500, event.name)
        offsets.add(local_start.utcoffset())
    assert len(offsets) == 2  # the series really crossed the change
    assert session.scalar(select(func.count()).select_from(Event)) == 13


def test_series_across_autumn_change_and_every_n_days():
    tz = LONDON
    start = datetime(2026, 10, 18, 9, 30, tzinfo=tz).astimezone(UTC)
    times = occurrence_times(start, start + timedelta(hours=1), every_days=3, count=6, tz=tz)
    assert [s.astimezone(tz).strftime("%d %H:%M") for s, _ in times] == [
        "21 09:30",
        "24 09:30",
        "27 09:30",
        "30 09:30",
        "02 09:30",
        "05 09:30",
    ]
    assert times[2][0] - times[1][0] == timedelta(days=3, hours=1)  # 25-hour day inside


def test_series_copies_are_independent(session, host):
    event = make_event(session, host, status="draft")
    first, second = repeat_event(session, event.id, every_days=7, count=2, tz=LONDON)
    assert first.status == "draft"
    update_event(
        session,
        first.id,
        event_input(host, name="Special", start_time=first.start_time, end_time=first.end_time),
    )
    session.expire_all()
    assert session.get(Event, second.id).name == "Sunday Service"
    assert session.get(Event, event.id).name == "Sunday Service"


@pytest.mark.parametrize(("every", "count"), [(0, 12), (7, 0), (7, 105), (400, 2)])
def test_series_limits(session, host, every, count):
    event = make_event(session, host)
    with pytest.raises(ValidationError):
        repeat_event(session, event.id, every_days=every, count=count)
    assert session.scalar(select(func.count()).select_from(Event)) == 1


def test_duplicate_is_a_draft_copy_without_attendance(session, host):
    event = make_event(session, host, status="ongoing", capacity=50, description="Bring a friend")
    attend(session, event, make_user(session, "A", "One"))
    copy = duplicate_event(session, event.id)
    assert copy.id != event.id
    assert copy.name == "Sunday Service (copy)"
    assert (copy.status, copy.capacity, copy.description) == ("draft", 50, "Bring a friend")
    assert (copy.start_time, copy.location, copy.host_id) == (
        event.start_time,
        event.location,
        host.id,
    )
    assert (copy.checked_in, copy.registered) == (0, 0)
    long = make_event(session, host, name="n" * 200)
    assert len(duplicate_event(session, long.id).name) == 200


def test_delete_refused_with_attendance_then_allowed_without(session, host):
    event = make_event(session, host)
    attend(session, event, make_user(session, "A", "One"))
    attend(session, event, make_user(session, "B", "Two"), attended=False)
    result = delete_event(session, event.id)
    assert not result.deleted
    assert "1 check-in and 1 registration" in result.message
    assert "cancel it instead" in result.message
    assert session.get(Event, event.id) is not None

    empty = make_event(session, host, name="Nobody came")
    result = delete_event(session, empty.id)
    assert result.deleted and result.message == "Deleted Nobody came."
    session.expire_all()
    assert session.get(Event, empty.id) is None
    logs = session.scalars(select(AuditLog).where(AuditLog.action == "event_delete")).all()
    assert sorted(log.outcome for log in logs) == ["ok", "refused"]
