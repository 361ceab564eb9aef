"""Check-in, check-out and registration rules (issue 3), on SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import timedelta

import pytest

from app.checkin.actions import check_in, check_out, register
from app.checkin.outcomes import Outcome
from db.models import Attendance, Loyalty
from tests.app.checkin_support import T0, count, make_event, make_patron, register_row

DOOR = {"station": "front", "method": "scan"}


def test_registered_patron_is_flipped_to_attended_with_an_award(session):
    event = make_event(session)
    jane = make_patron(session)
    row = register_row(session, event, jane)

    result = check_in(session, event.id, str(jane.id), now=T0, **DOOR)

    assert result.outcome is Outcome.CHECKED_IN
    assert result.message == "Welcome, Jane!"
    assert (result.patron.id, result.patron.first_name, result.patron.last_name) == (
        jane.id,
        "Jane",
        "Doe",
    )
    assert (result.event.id, result.event.name) == (event.id, "Sunday Service")
    assert result.check_in_time == T0 and result.check_out_time is None
    assert (result.points, result.balance, result.tier) == (10, 10, "bronze")
    session.refresh(row)
    assert row.attended is True and row.check_in_time == T0
    award = session.query(Loyalty).one()
    assert award.description == "Attendance at Sunday Service"
    assert award.points == 10 and award.tier == "bronze"
    assert award.issued_at == T0 and award.expires_at == T0 + timedelta(days=365)


def test_patron_without_a_row_gets_one(session):
    event = make_event(session)
    jane = make_patron(session)
    result = check_in(session, event.id, jane.id, now=T0, **DOOR)
    assert result.outcome is Outcome.CHECKED_IN
    assert count(session, Attendance, Attendance.attended.is_(True)) == 1


def test_checking_in_again_is_idempotent(session):
    event = make_event(session)
    jane = make_patron(session)
    check_in(session, event.id, jane.id, now=T0, **DOOR)
    later = T0 + timedelta(minutes=5)

    again = check_in(session, event.id, jane.id, now=later, **DOOR)

    assert again.outcome is Outcome.ALREADY_CHECKED_IN
    assert again.check_in_time == T0
    assert again.message.startswith("Jane was already checked in at ")
    assert again.points == 0 and again.balance == 10
    assert not again.outcome.is_refusal and again.outcome.is_repeat
    assert count(session, Loyalty) == 1 and count(session, Attendance) == 1


def test_re_entry_keeps_first_time_and_gives_no_points(session):
    event = make_event(session)
    jane = make_patron(session)
    check_in(session, event.id, jane.id, now=T0, **DOOR)
    out = check_out(session, event.id, jane.id, now=T0 + timedelta(hours=1), **DOOR)
    assert out.outcome is Outcome.CHECKED_OUT

    back = check_in(session, event.id, jane.id, now=T0 + timedelta(hours=2), **DOOR)

    assert back.outcome is Outcome.RE_ENTERED
    assert back.message == "Welcome back, Jane!"
    assert back.check_in_time == T0 and back.check_out_time is None
    assert back.points == 0 and back.balance == 10
    assert count(session, Loyalty) == 1


def test_only_scheduled_and_ongoing_events_admit(session):
    messages = {
        "draft": "Sunday Service is not published yet, so it is not open at the door",
        "completed": "Sunday Service has finished",
        "cancelled": "Sunday Service was cancelled",
        "scheduled": "Welcome, Jane!",
        "ongoing": "Welcome, Jane!",
    }
    jane = make_patron(session)
    for status, message in messages.items():
        event = make_event(session, status=status)
        result = check_in(session, event.id, jane.id, now=T0, **DOOR)
        assert result.message == message
        if status in ("scheduled", "ongoing"):
            assert result.outcome is Outcome.CHECKED_IN
        else:
            assert result.outcome is Outcome.EVENT_NOT_OPEN and result.outcome.is_refusal
    assert count(session, Attendance) == 2 and count(session, Loyalty) == 2


def test_capacity_counts_attended_rows_only(session):
    event = make_event(session, capacity=2)
    # Registrations (attended = false) do not take a seat.
    for i in range(3):
        register_row(session, event, make_patron(session, "Reg", f"Nr{i}"))
    first, second, third = (make_patron(session, "P", f"N{i}") for i in range(3))
    assert check_in(session, event.id, first.id, now=T0, **DOOR).outcome is Outcome.CHECKED_IN
    check_out(session, event.id, first.id, now=T0, **DOOR)  # a checked-out patron still counts
    assert check_in(session, event.id, second.id, now=T0, **DOOR).outcome is Outcome.CHECKED_IN

    full = check_in(session, event.id, third.id, now=T0, **DOOR)

    assert full.outcome is Outcome.EVENT_FULL
    assert full.message == "Sunday Service is full: 2 of 2"
    assert full.patron.id == third.id and full.points == 0
    # Re-entry of someone already counted is not blocked by the limit.
    assert check_in(session, event.id, first.id, now=T0, **DOOR).outcome is Outcome.RE_ENTERED


def test_null_capacity_is_unlimited(session):
    event = make_event(session, capacity=None)
    for i in range(5):
        patron = make_patron(session, "P", f"N{i}")
        assert check_in(session, event.id, patron.id, now=T0, **DOOR).outcome is Outcome.CHECKED_IN


def test_capacity_message_uses_real_count(session):
    event = make_event(session, capacity=500)
    for i in range(3):
        check_in(session, event.id, make_patron(session, "P", f"N{i}").id, now=T0, **DOOR)
    event.capacity = 3
    session.flush()
    result = check_in(session, event.id, make_patron(session).id, now=T0, **DOOR)
    assert result.message == "Sunday Service is full: 3 of 3"


def test_patron_codes_in_any_form(session):
    event = make_event(session)
    jane = make_patron(session, email="jane@example.com")
    codes = [
        str(jane.id),
        str(jane.id).upper(),
        jane.id.hex,
        jane.id.hex.upper(),
        f"  {jane.id}\t\n",
        "  Jane@EXAMPLE.com ",
    ]
    outcomes = [check_in(session, event.id, code, now=T0, **DOOR).outcome for code in codes]
    assert outcomes == [Outcome.CHECKED_IN] + [Outcome.ALREADY_CHECKED_IN] * 5


def test_unknown_codes_are_not_found(session):
    event = make_event(session)
    make_patron(session, email="jane@example.com")
    for code in ("", "   ", "nobody", "jane@", "12345678-1234", "x" * 5000, None):
        result = check_in(session, event.id, code, now=T0, **DOOR)
        assert result.outcome is Outcome.NOT_FOUND and result.outcome.is_refusal
        assert result.patron is None and result.event.id == event.id
    assert count(session, Attendance) == 0


def test_unknown_uuid_is_not_found(session):
    event = make_event(session)
    result = check_in(session, event.id, "00000000-0000-4000-8000-000000000000", now=T0, **DOOR)
    assert result.outcome is Outcome.NOT_FOUND


def test_missing_event_is_a_refusal(session):
    jane = make_patron(session)
    for ref in ("00000000-0000-4000-8000-000000000000", "not a uuid"):
        result = check_in(session, ref, jane.id, now=T0, **DOOR)
        assert result.outcome is Outcome.EVENT_NOT_FOUND and result.outcome.is_refusal


def test_naive_now_is_refused(session):
    event = make_event(session)
    with pytest.raises(ValueError, match="time zone"):
        check_in(session, event.id, make_patron(session).id, now=T0.replace(tzinfo=None), **DOOR)


def test_bad_method_is_a_programming_error(session):
    event = make_event(session)
    with pytest.raises(ValueError, match="method"):
        check_in(session, event.id, "x", station="front", method="telepathy")


# -- check-out ----------------------------------------------------------------------------------


def test_check_out_rules(session):
    event = make_event(session)
    jane = make_patron(session)
    assert check_out(session, event.id, jane.id, now=T0, **DOOR).outcome is Outcome.NOT_CHECKED_IN
    register_row(session, event, jane)
    not_in = check_out(session, event.id, jane.id, now=T0, **DOOR)
    assert not_in.outcome is Outcome.NOT_CHECKED_IN and not_in.outcome.is_refusal
    assert not_in.message == "Jane is not checked in to Sunday Service"

    check_in(session, event.id, jane.id, now=T0, **DOOR)
    leave = T0 + timedelta(hours=1)
    out = check_out(session, event.id, jane.id, now=leave, **DOOR)
    assert out.outcome is Outcome.CHECKED_OUT and out.message == "Goodbye, Jane!"
    assert out.check_in_time == T0 and out.check_out_time == leave

    twice = check_out(session, event.id, jane.id, now=leave + timedelta(minutes=1), **DOOR)
    assert twice.outcome is Outcome.ALREADY_CHECKED_OUT and not twice.outcome.is_refusal
    assert twice.check_out_time == leave
    assert twice.message.startswith("Jane already checked out at ")


def test_check_out_is_never_before_check_in(session):
    event = make_event(session)
    jane = make_patron(session)
    check_in(session, event.id, jane.id, now=T0, **DOOR)
    out = check_out(session, event.id, jane.id, now=T0 - timedelta(minutes=3), **DOOR)
    assert out.check_out_time == T0


def test_check_out_after_the_event_closed_is_late_only(session):
    event = make_event(session)
    jane = make_patron(session)
    check_in(session, event.id, jane.id, now=T0, **DOOR)
    event.status = "completed"
    session.flush()
    refused = check_out(session, event.id, jane.id, now=T0, **DOOR)
    assert refused.outcome is Outcome.EVENT_NOT_OPEN
    assert refused.message == "Sunday Service has finished"
    late = check_out(session, event.id, jane.id, now=T0, late=True, **DOOR)
    assert late.outcome is Outcome.CHECKED_OUT


# -- registration -------------------------------------------------------------------------------


def test_register_creates_a_registration_once(session):
    event = make_event(session)
    jane = make_patron(session)
    result = register(session, event.id, jane.id, now=T0, **DOOR)
    assert result.outcome is Outcome.REGISTERED
    assert result.message == "Jane Doe is registered for Sunday Service"
    row = session.query(Attendance).one()
    assert row.attended is False and row.check_in_time is None

    again = register(session, event.id, jane.id, now=T0, **DOOR)
    assert again.outcome is Outcome.ALREADY_REGISTERED and not again.outcome.is_refusal
    assert count(session, Attendance) == 1 and count(session, Loyalty) == 0


def test_registration_ignores_capacity(session):
    event = make_event(session, capacity=1)
    check_in(session, event.id, make_patron(session, "A", "A").id, now=T0, **DOOR)
    for i in range(3):
        patron = make_patron(session, "R", f"N{i}")
        assert register(session, event.id, patron.id, now=T0, **DOOR).outcome is Outcome.REGISTERED


def test_register_for_a_checked_in_patron_says_so(session):
    event = make_event(session)
    jane = make_patron(session)
    check_in(session, event.id, jane.id, now=T0, **DOOR)
    result = register(session, event.id, jane.id, now=T0, **DOOR)
    assert result.outcome is Outcome.ALREADY_REGISTERED
    assert "already checked in to Sunday Service" in result.message


def test_register_refused_for_finished_events(session):
    jane = make_patron(session)
    for status in ("completed", "cancelled"):
        event = make_event(session, status=status)
        result = register(session, event.id, jane.id, now=T0, **DOOR)
        assert result.outcome is Outcome.EVENT_NOT_OPEN
    assert count(session, Attendance) == 0


def test_result_json_shape(session):
    event = make_event(session)
    jane = make_patron(session)
    data = check_in(session, event.id, jane.id, now=T0, **DOOR).to_json()
    assert data == {
        "outcome": "checked_in",
        "message": "Welcome, Jane!",
        "patron": {"id": str(jane.id), "firstName": "Jane", "lastName": "Doe"},
        "event": {"id": str(event.id), "name": "Sunday Service"},
        "checkInTime": "2026-12-06T10:00:00+00:00",
        "checkOutTime": None,
        "points": 10,
        "balance": 10,
        "tier": "bronze",
    }
