"""Offline door (issue 11): offline check-in on a station copy, sync of 5,000 queued actions,
and the time from a cut to the first offline admission.

Offline only exists for stations against PostgreSQL, so this runs on the PostgreSQL data set's
server only, in a fresh schema of its own with PATRONS patrons (the station copy of the cached
million-patron set is the copy benchmark's business; a check-in on the copy reads by primary
key, so its cost hardly depends on the copy's size). Copies go to a temporary data folder.
Load average is printed with the figures: the machine is shared.
"""

from __future__ import annotations

import os
import tempfile
import time
import uuid
from datetime import timedelta

from sqlalchemy import insert

from app.checkin import check_in
from app.checkin.outcomes import Outcome
from app.database import Database
from app.station import copy as station_copy
from app.station.actions import CHECK_IN, DoorAction
from app.station.outbox import act_offline
from app.station.router import route_door_action
from app.station.sync import sync_station
from app.station.upload import upload
from db import migrate
from db.engine import DatabaseTarget, create_app_engine
from db.models import Event, User
from db.session import make_session_factory, run_in_transaction
from db.types import utcnow
from tests.benchmarks.harness import Result, Skip, single, summary
from tests.conftest import PostgresSchema
from tests.reliability.proxy import TcpProxy

PATRONS = 12_000
OFFLINE_CALLS = 1000
SYNC_ACTIONS = 5000
P99_TARGET_MS = 10
SYNC_TARGET_MS = 15_000
SWITCH_TARGET_MS = 3500


def _load() -> str:
    one, five, _ = os.getloadavg()
    return f"load {one:.1f}/{five:.1f}"


def run(dataset) -> list[Result]:
    if dataset.backend != "postgresql":
        raise Skip("offline applies to stations against PostgreSQL")
    schema = PostgresSchema(dataset.url)
    schema.create()
    saved = os.environ.get("XDG_DATA_HOME")
    folder = tempfile.TemporaryDirectory(prefix="credopass-bench-offline-")
    os.environ["XDG_DATA_HOME"] = folder.name
    server = create_app_engine(schema.url)
    try:
        migrate.upgrade(server)
        patrons, events = _fill(server)
        sync_station(server, "bench")
        results = _offline_and_sync(server, patrons, events)
        results += _switch(schema.url, patrons, events[2])
        return results
    finally:
        server.dispose()
        schema.drop()
        folder.cleanup()
        if saved is None:
            os.environ.pop("XDG_DATA_HOME", None)
        else:
            os.environ["XDG_DATA_HOME"] = saved


def _fill(server) -> tuple[list[uuid.UUID], list[uuid.UUID]]:
    now = utcnow()
    patrons = [uuid.uuid4() for _ in range(PATRONS)]
    rows = [
        {"id": p, "email": f"b{i}@example.com", "firstName": f"B{i}", "lastName": "Bench"}
        for i, p in enumerate(patrons)
    ]
    events = [uuid.uuid4() for _ in range(3)]
    with server.begin() as connection:
        connection.execute(insert(User.__table__), rows)
        for i, event in enumerate(events):
            connection.execute(
                insert(Event.__table__),
                {
                    "id": event,
                    "name": f"Offline bench {i}",
                    "status": "ongoing",
                    "startTime": now - timedelta(hours=1),
                    "endTime": now + timedelta(hours=3),
                    "location": "Bench",
                    "hostId": patrons[0],
                },
            )
    return patrons, events


def _offline_and_sync(server, patrons, events) -> list[Result]:
    copy_engine = station_copy.open_copy("bench")
    local = make_session_factory(copy_engine)
    offline_event, online_event = str(events[0]), events[1]
    samples = []
    try:
        for i in range(SYNC_ACTIONS):
            action = DoorAction(CHECK_IN, offline_event, str(patrons[i]), station="bench")
            started = time.perf_counter()
            result = run_in_transaction(
                local,
                lambda s, a=action: act_offline(
                    s, a, station="bench", nonce=uuid.uuid4(), now=utcnow()
                ),
            )
            if i < OFFLINE_CALLS:
                samples.append((time.perf_counter() - started) * 1000)
            if result.outcome is not Outcome.CHECKED_IN:
                raise RuntimeError(f"offline check-in refused: {result.message}")
        started = time.perf_counter()
        uploaded = upload(server, copy_engine)
        sync_ms = (time.perf_counter() - started) * 1000
        if uploaded.uploaded != SYNC_ACTIONS or uploaded.waiting:
            raise RuntimeError(f"sync left work: {uploaded}")
    finally:
        copy_engine.dispose()
    sessions = make_session_factory(server)
    started = time.perf_counter()
    for i in range(SYNC_ACTIONS):
        code = str(patrons[i])
        run_in_transaction(
            sessions,
            lambda s, c=code: check_in(s, online_event, c, station="bench", method="scan"),
        )
    online_ms = (time.perf_counter() - started) * 1000
    ratio = sync_ms / online_ms
    return [
        summary(
            "offline check-in (station copy)",
            "postgresql",
            samples,
            p99_target=P99_TARGET_MS,
            note=f"copy of {PATRONS:,} patrons; {_load()}",
        ),
        Result(
            "sync of 5,000 queued check-ins",
            "postgresql",
            sync_ms,
            sync_ms,
            ratio,
            f"<= {SYNC_TARGET_MS / 1000:g} s",
            sync_ms <= SYNC_TARGET_MS,
            f"online loop of the same check-ins {online_ms / 1000:.1f} s; ratio = sync/online; "
            f"{_load()}",
            1,
        ),
    ]


def _switch(url, patrons, event) -> list[Result]:
    """A kiosk-like station (pooled connection, warmed by an online check-in) loses the server
    in three ways; the time from the loss to the offline admission, worst of the three."""
    worst, notes = 0.0, []
    for n, failure in enumerate(("refuse", "black_hole", "cut")):
        proxy = TcpProxy(url.host or "127.0.0.1", url.port or 5432)
        engine = create_app_engine(url.set(host="127.0.0.1", port=proxy.port))
        database = Database(DatabaseTarget(engine.url, "benchmark"), engine, None)
        database.sessions = make_session_factory(engine)
        try:
            warm = DoorAction(CHECK_IN, str(event), str(patrons[-1 - 2 * n]), station="bench")
            if route_door_action(lambda d=database: d, warm, station="bench").queued:
                raise RuntimeError("the server did not answer before the cut")
            getattr(proxy, failure)()
            if failure == "cut":
                proxy.refuse()  # the reset connection, and the server stays away
            action = DoorAction(CHECK_IN, str(event), str(patrons[-2 - 2 * n]), station="bench")
            started = time.perf_counter()
            routed = route_door_action(lambda d=database: d, action, station="bench")
            elapsed = (time.perf_counter() - started) * 1000
        finally:
            engine.dispose()
            proxy.close()
        if not routed.queued or routed.result.outcome is not Outcome.CHECKED_IN:
            raise RuntimeError(f"no offline admission after {failure}: {routed.result.message}")
        worst = max(worst, elapsed)
        notes.append(f"{failure} {elapsed / 1000:.2f} s")
    return [
        single(
            "cut to first offline admission",
            "postgresql",
            worst,
            target_ms=SWITCH_TARGET_MS,
            note="worst of " + ", ".join(notes) + f"; {_load()}",
        )
    ]
