"""kill -9 during offline check-ins and during a sync, at random moments, many times: nothing
confirmed is lost, the copy passes integrity_check, and running sync again converges."""

from __future__ import annotations

import json
import random
import subprocess
import sys
import time
import uuid

import pytest
from sqlalchemy import func, select, text

from app.station import copy as station_copy
from db.models import Attendance
from db.station_models import OutboxEntry, StationReceipt
from tests.app.station.station_support import open_event, sync

ROUNDS = 6

@pytest.fixture(autouse=True)
def _shared_server_only(backend):
    """A station copies from a shared PostgreSQL; on the SQLite default there is nothing to copy
    or sync (tests/app/station/test_cli_station_copy.py checks that it says so)."""
    if backend != "postgresql":
        pytest.skip("a station copy is made from a shared PostgreSQL server")



def _start(*argv) -> subprocess.Popen:
    return subprocess.Popen(
        [sys.executable, "-m", "tests.app.station.offline_worker", *argv],
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        text=True,
    )


def _kill_after(process: subprocess.Popen, seconds: float) -> list[str]:
    time.sleep(seconds)
    process.kill()
    out, _ = process.communicate(timeout=30)
    return out.splitlines()


def _copy_state(station: str):
    engine = station_copy.open_copy(station)
    try:
        with engine.connect() as connection:
            assert connection.exec_driver_sql("PRAGMA integrity_check").scalar() == "ok"
            queued = [
                json.loads(p)["code"]
                for p in connection.execute(select(OutboxEntry.payload)).scalars()
            ]
            inside = {
                str(p)
                for p in connection.execute(
                    select(Attendance.patron_id).where(Attendance.attended)
                ).scalars()
            }
        return queued, inside
    finally:
        engine.dispose()


def test_kill_during_offline_check_ins_and_during_sync(engine, sessions, database_url_text):
    rng = random.Random(11)
    event, people = open_event(sessions, patrons=60)
    sync(engine, "k1")
    confirmed: set[str] = set()
    for round_ in range(ROUNDS):
        batch = people[round_ * 10 : (round_ + 1) * 10]
        lines = _kill_after(_start("checkins", "k1", event, *batch), rng.uniform(1.0, 3.0))
        confirmed |= {line.split()[1] for line in lines if line.startswith("ok ")}
        queued, inside = _copy_state("k1")
        assert confirmed <= set(queued)  # nothing confirmed is lost
        assert len(queued) == len(set(queued))
        assert set(queued) == inside  # no half-written action: outbox and copy agree
    queued, _ = _copy_state("k1")
    for _ in range(ROUNDS):
        _kill_after(_start("sync", database_url_text, "k1"), rng.uniform(1.0, 4.0))
        _copy_state("k1")
    summary = sync(engine, "k1")
    assert summary.upload.waiting == 0
    with sessions() as session:
        admitted = {
            str(p)
            for p in session.scalars(
                select(Attendance.patron_id).where(
                    Attendance.event_id == uuid.UUID(event), Attendance.attended
                )
            )
        }
        assert admitted == set(queued)
        assert session.scalar(select(func.count()).select_from(StationReceipt)) == len(queued)
        assert session.execute(text("SELECT 1")).scalar() == 1
    assert sync(engine, "k1").upload.uploaded == 0  # converged: nothing more to do
