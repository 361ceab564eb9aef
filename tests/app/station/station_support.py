"""Builders for the offline tests: a server with an event open now, station copies, and
offline door actions taken directly on a copy (what the router does when the server is away)."""

from __future__ import annotations

import uuid
from datetime import timedelta

from app.station import copy as station_copy
from app.station.actions import CHECK_IN, DoorAction
from app.station.outbox import act_offline
from app.station.sync import sync_station
from db.session import make_session_factory, run_in_transaction
from db.types import utcnow
from tests.app.checkin_support import make_event, make_patron


def open_event(sessions, *, capacity=None, patrons=3, prefix="p"):
    """A committed event open at the door now, and `patrons` patrons: (event id, [ids])."""
    with sessions() as session:
        event = make_event(session, start=utcnow() - timedelta(minutes=30), capacity=capacity)
        people = [
            make_patron(session, f"P{i}", "Test", email=f"{prefix}{i}@example.com")
            for i in range(patrons)
        ]
        session.commit()
        return str(event.id), [str(p.id) for p in people]


def offline(station: str, method: str, event: str, code: str | None = None, *, at=None, **more):
    """A door action on the station's copy, queued: returns the CheckInResult."""
    engine = station_copy.open_copy(station)
    assert engine is not None, f"no copy for {station}"
    action = DoorAction(method=method, event=event, code=code, station=station, **more)
    try:
        return run_in_transaction(
            make_session_factory(engine),
            lambda s: act_offline(
                s, action, station=station, nonce=uuid.uuid4(), now=at or utcnow()
            ),
        )
    finally:
        engine.dispose()


def check_in_offline(station, event, code, *, at=None):
    return offline(station, CHECK_IN, event, code, at=at)


def sync(server_engine, station):
    return sync_station(server_engine, station)
