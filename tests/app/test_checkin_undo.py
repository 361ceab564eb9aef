"""Undo of a check-in: same station inside the window for greeters, anything for supervisors."""

from __future__ import annotations

from datetime import timedelta

from app import settings
from app.checkin.actions import check_in, check_out, undo_check_in
from app.checkin.outcomes import Outcome
from app.loyalty import balance
from db.models import Attendance, Loyalty
from tests.app.checkin_support import T0, count, make_event, make_patron, register_row


def _checked_in(session, *, registered=True, station="front"):
    event = make_event(session)
    jane = make_patron(session)
    if registered:
        register_row(session, event, jane)
    result = check_in(session, event.id, jane.id, station=station, method="scan", now=T0)
    assert result.outcome is Outcome.CHECKED_IN
    return event, jane


def test_undo_restores_a_registration_and_reverses_points(session):
    event, jane = _checked_in(session)
    result = undo_check_in(
        session, event.id, jane.id, station="front", now=T0 + timedelta(seconds=30)
    )

    assert result.outcome is Outcome.UNDONE and result.message == "Check-in of Jane Doe undone"
    assert result.points == -10 and result.balance == 0 and result.tier == "bronze"
    row = session.query(Attendance).one()
    assert row.attended is False and row.check_in_time is None and row.check_out_time is None
    reversal = session.query(Loyalty).filter(Loyalty.points < 0).one()
    award = session.query(Loyalty).filter(Loyalty.points > 0).one()
    assert reversal.points == -10 and reversal.description == "Undo: Attendance at Sunday Service"
    assert reversal.expires_at == award.expires_at


def test_undo_of_a_walk_in_removes_the_row(session):
    event, jane = _checked_in(session, registered=False)
    result = undo_check_in(session, event.id, jane.id, station="front", now=T0)
    assert result.outcome is Outcome.UNDONE
    assert result.check_in_time is None
    assert count(session, Attendance) == 0
    assert balance(session, jane.id, T0) == 0


def test_greeter_cannot_undo_another_stations_check_in(session):
    event, jane = _checked_in(session, station="front")
    refused = undo_check_in(session, event.id, jane.id, station="side", now=T0)
    assert refused.outcome is Outcome.UNDO_NOT_ALLOWED and refused.outcome.is_refusal
    assert "front" in refused.message and "supervisor" in refused.message
    assert session.query(Attendance).one().attended is True

    done = undo_check_in(session, event.id, jane.id, station="side", supervisor=True, now=T0)
    assert done.outcome is Outcome.UNDONE


def test_undo_window_is_sixty_seconds_by_default_and_a_setting(session):
    event, jane = _checked_in(session)
    at_limit = undo_check_in(
        session, event.id, jane.id, station="front", now=T0 + timedelta(seconds=61)
    )
    assert at_limit.outcome is Outcome.UNDO_NOT_ALLOWED
    assert "60 seconds" in at_limit.message

    settings.set_setting(session, settings.UNDO_WINDOW_SECONDS, 120)
    inside = undo_check_in(
        session, event.id, jane.id, station="front", now=T0 + timedelta(seconds=61)
    )
    assert inside.outcome is Outcome.UNDONE


def test_supervisor_may_undo_an_old_check_in(session):
    event, jane = _checked_in(session)
    result = undo_check_in(
        session, event.id, jane.id, station="office", supervisor=True, now=T0 + timedelta(hours=3)
    )
    assert result.outcome is Outcome.UNDONE


def test_undo_twice_and_undo_of_nobody(session):
    event, jane = _checked_in(session)
    assert (
        undo_check_in(session, event.id, jane.id, station="front", now=T0).outcome is Outcome.UNDONE
    )
    again = undo_check_in(session, event.id, jane.id, station="front", now=T0)
    assert again.outcome is Outcome.NOT_CHECKED_IN
    assert count(session, Loyalty) == 2  # award and one reversal, not two

    stranger = make_patron(session, "Sam", "Other")
    nothing = undo_check_in(session, event.id, stranger.id, station="front", now=T0)
    assert nothing.outcome is Outcome.NOT_CHECKED_IN
    unknown = undo_check_in(session, event.id, "who?", station="front", now=T0)
    assert unknown.outcome is Outcome.NOT_FOUND


def test_check_in_after_undo_can_be_undone_again(session):
    event, jane = _checked_in(session)
    undo_check_in(session, event.id, jane.id, station="front", now=T0)
    later = T0 + timedelta(minutes=10)
    again = check_in(session, event.id, jane.id, station="front", method="scan", now=later)
    assert again.outcome is Outcome.CHECKED_IN and again.balance == 10
    result = undo_check_in(session, event.id, jane.id, station="front", now=later)
    assert result.outcome is Outcome.UNDONE and result.balance == 0
    assert session.query(Attendance).one().attended is False


def test_undo_after_check_out_returns_to_registered(session):
    event, jane = _checked_in(session)
    check_out(session, event.id, jane.id, station="front", method="scan", now=T0)
    result = undo_check_in(session, event.id, jane.id, station="front", now=T0)
    assert result.outcome is Outcome.UNDONE
    row = session.query(Attendance).one()
    assert (row.attended, row.check_in_time, row.check_out_time) == (False, None, None)


def test_check_in_without_a_door_record_cannot_be_undone(session):
    event = make_event(session)
    jane = make_patron(session)
    row = register_row(session, event, jane)
    row.attended, row.check_in_time = True, T0  # as an import or an admin edit would leave it
    session.flush()
    result = undo_check_in(session, event.id, jane.id, station="front", supervisor=True, now=T0)
    assert result.outcome is Outcome.UNDO_NOT_ALLOWED and "Admin tab" in result.message
    assert session.query(Attendance).one().attended is True
