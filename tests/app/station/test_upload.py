"""The upload (issue 11): two stations admitting overlapping patrons while cut off, synced in
either order and twice; walk-ins, undo and check-out of unknown check-ins; event/patron gone."""

from __future__ import annotations

import json
import uuid
from datetime import timedelta

import pytest
from sqlalchemy import func, select

from app.checkin.outcomes import Outcome
from app.station.actions import CHECK_OUT, UNDO, WALK_IN
from db.models import Attendance, Event, Loyalty, User
from db.station_models import StationReceipt, SyncConflict
from db.types import utcnow
from tests.app.station.station_support import check_in_offline, offline, open_event, sync


@pytest.fixture(autouse=True)
def _shared_server_only(backend):
    """A station copies from a shared PostgreSQL; on the SQLite default there is nothing to copy
    or sync (tests/app/station/test_cli_station_copy.py checks that it says so)."""
    if backend != "postgresql":
        pytest.skip("a station copy is made from a shared PostgreSQL server")



def _conflicts(sessions):
    with sessions() as session:
        return [
            (c.kind, c.patron_id, json.loads(c.stations), c.resolution)
            for c in session.scalars(select(SyncConflict).order_by(SyncConflict.created_at))
        ]


@pytest.mark.parametrize("order", [("s1", "s2"), ("s2", "s1")])
def test_two_stations_overlap_then_sync_in_either_order_twice(engine, sessions, order):
    event, (a, b, c) = open_event(sessions, capacity=2)
    sync(engine, "s1")
    sync(engine, "s2")
    t = utcnow()
    assert check_in_offline("s1", event, a, at=t).outcome is Outcome.CHECKED_IN
    assert check_in_offline("s1", event, b, at=t + timedelta(seconds=5)).outcome.value == (
        "checked_in"
    )
    # s2 admits b earlier than s1 did, and c: three people for two places in all
    assert check_in_offline("s2", event, b, at=t + timedelta(seconds=1)).outcome.value == (
        "checked_in"
    )
    assert check_in_offline("s2", event, c, at=t + timedelta(seconds=2)).outcome.value == (
        "checked_in"
    )
    first, second = order
    for station in (first, second, first, second):
        summary = sync(engine, station)
        assert summary.upload.reachable and summary.upload.waiting == 0
    with sessions() as session:
        rows = session.execute(
            select(Attendance.patron_id, Attendance.check_in_time).where(
                Attendance.event_id == uuid.UUID(event), Attendance.attended
            )
        ).all()
        assert sorted(str(p) for p, _ in rows) == sorted([a, b, c])
        times = {str(p): when for p, when in rows}
        assert times[b] == t + timedelta(seconds=1)  # the earliest scan wins
        for patron in (a, b, c):  # points once per attended event
            awards = session.scalar(
                select(func.count()).where(
                    Loyalty.patron_id == uuid.UUID(patron), Loyalty.points > 0
                )
            )
            assert awards == 1
        assert session.scalar(select(func.count()).select_from(StationReceipt)) == 4
    found = _conflicts(sessions)
    kinds = [k for k, *_ in found]
    assert kinds.count("double_admission") == 1 and kinds.count("over_capacity") == 1
    double = next(f for f in found if f[0] == "double_admission")
    assert str(double[1]) == b and set(double[2]) == {"s1", "s2"}
    over = next(f for f in found if f[0] == "over_capacity")
    assert "1 over capacity" in over[3]


def test_walk_in_created_offline_keeps_its_id_and_merges_a_known_email(engine, sessions):
    event, _ = open_event(sessions)
    sync(engine, "s1")
    fields = {"first_name": "Walk", "last_name": "In", "email": "walk@example.com"}
    made = offline("s1", WALK_IN, event, **fields)
    assert made.outcome is Outcome.CHECKED_IN and not made.existing_patron
    out = offline("s1", CHECK_OUT, event, str(made.patron.id))
    assert out.outcome is Outcome.CHECKED_OUT
    # meanwhile someone registered the same email on the server
    with sessions() as session:
        other = User(email="walk@example.com", first_name="Walk", last_name="Server")
        session.add(other)
        session.commit()
        other_id = other.id
    assert sync(engine, "s1").upload.waiting == 0
    with sessions() as session:
        row = session.scalars(
            select(Attendance).where(Attendance.event_id == uuid.UUID(event))
        ).one()
        assert row.patron_id == other_id and row.check_out_time is not None
    assert [k for k, *_ in _conflicts(sessions)] == ["walk_in_merged"]


def test_undo_and_check_out_of_a_check_in_the_server_never_had(engine, sessions):
    event, (a, b, _c) = open_event(sessions)
    sync(engine, "s1")
    assert check_in_offline("s1", event, a).outcome is Outcome.CHECKED_IN
    assert offline("s1", UNDO, event, a).outcome is Outcome.UNDONE
    assert sync(engine, "s1").upload.conflicts == 0  # check-in then its undo: both apply
    with sessions() as session:
        assert session.scalar(select(func.count()).select_from(Attendance)) == 0
        assert session.scalar(select(func.sum(Loyalty.points))) == 0
    # b admitted on s1's copy, but a supervisor undid it on the server before s1 synced
    # its check-out: the check-out refers to a check-in the server no longer has
    sync(engine, "s1")
    assert check_in_offline("s1", event, b).outcome is Outcome.CHECKED_IN
    assert offline("s1", CHECK_OUT, event, b).outcome is Outcome.CHECKED_OUT
    from app.checkin import actions as checkin
    from app.station import copy as station_copy
    from app.station.outbox import next_waiting
    from app.station.upload import apply_queued
    from db.session import make_session_factory, run_in_transaction

    copy_engine = station_copy.open_copy("s1")
    with make_session_factory(copy_engine)() as session:
        first, _second = next_waiting(session)
    copy_engine.dispose()
    run_in_transaction(sessions, lambda s: apply_queued(s, first, {}))
    run_in_transaction(
        sessions,
        lambda s: checkin.undo_check_in(s, event, b, station="admin", supervisor=True),
    )
    assert sync(engine, "s1").upload.waiting == 0
    kinds = [k for k, *_ in _conflicts(sessions)]
    assert kinds == ["unknown_check_in"]


def test_event_cancelled_or_deleted_and_patron_deleted_meanwhile(engine, sessions):
    event, (a, b, c) = open_event(sessions)
    gone_event, _ = open_event(sessions, patrons=0)
    sync(engine, "s1")
    assert check_in_offline("s1", event, a).outcome is Outcome.CHECKED_IN
    assert check_in_offline("s1", event, b).outcome is Outcome.CHECKED_IN
    assert check_in_offline("s1", gone_event, c).outcome is Outcome.CHECKED_IN
    with sessions() as session:
        session.get(Event, uuid.UUID(event)).status = "cancelled"
        session.delete(session.get(User, uuid.UUID(b)))
        session.delete(session.get(Event, uuid.UUID(gone_event)))
        session.commit()
    summary = sync(engine, "s1")
    assert summary.upload.waiting == 0 and summary.upload.uploaded == 3
    kinds = sorted(k for k, *_ in _conflicts(sessions))
    assert kinds == ["event_closed", "event_deleted", "patron_deleted"]
    with sessions() as session:  # the admission at the cancelled event is kept (forced)
        row = session.scalars(select(Attendance).where(Attendance.patron_id == uuid.UUID(a)))
        assert row.one().attended


def test_a_sync_run_again_acknowledges_what_the_server_has(engine, sessions):
    event, (a, *_rest) = open_event(sessions)
    sync(engine, "s1")
    check_in_offline("s1", event, a)
    # the server applied it but the copy never heard back (a crash between the two commits)
    from app.station import copy as station_copy
    from app.station.outbox import next_waiting
    from app.station.upload import apply_queued
    from db.session import make_session_factory, run_in_transaction

    copy_engine = station_copy.open_copy("s1")
    with make_session_factory(copy_engine)() as session:
        (queued,) = next_waiting(session)
    copy_engine.dispose()
    run_in_transaction(sessions, lambda s: apply_queued(s, queued, {}))
    summary = sync(engine, "s1")
    assert (summary.upload.uploaded, summary.upload.acknowledged) == (0, 1)
    with sessions() as session:
        assert session.scalar(select(func.count()).select_from(Attendance)) == 1


def test_a_station_share_of_the_places_bounds_its_offline_admissions(engine, sessions):
    from app import settings

    event, people = open_event(sessions, capacity=5, patrons=5)
    with sessions() as session:
        settings.set_setting(session, settings.OFFLINE_CAPACITY_SHARE, 50)
        row = Attendance(event_id=uuid.UUID(event), patron_id=uuid.UUID(people[0]))
        row.attended, row.check_in_time = True, utcnow()
        session.add(row)
        session.commit()
    sync(engine, "s1")  # one inside at the last sync: 4 places left, s1 may fill half
    run = [check_in_offline("s1", event, p).outcome for p in people[1:]]
    assert run == [Outcome.CHECKED_IN, Outcome.CHECKED_IN, Outcome.EVENT_FULL, Outcome.EVENT_FULL]
