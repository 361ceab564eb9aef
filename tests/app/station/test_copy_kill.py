"""A refresh killed (kill -9) in the middle leaves the previous copy, whole and usable, and
the next refresh converges."""

from __future__ import annotations

import os
import random
import signal
import subprocess
import sys
import time
from pathlib import Path

from app.station.copy import open_copy, refresh_copy
from db.models import User
from db.session import make_session_factory
from tests.app.station.copy_support import (
    add_patron,
    assert_same,
    copy_contents,
    expected_contents,
)
from tests.app.station.test_copy import server  # noqa: F401 - the fixture

ROOT = Path(__file__).resolve().parents[3]


def _kill_mid_refresh(server_url: str, station: str, rng: random.Random) -> bool:
    """Start a slowed refresh, kill -9 it once it writes; True when it finished first."""
    child = subprocess.Popen(
        [sys.executable, "-m", "tests.app.station.refresh_worker", server_url, station],
        cwd=ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        env=os.environ.copy(),
        text=True,
    )
    try:
        line = child.stdout.readline()
        if line.strip() != "writing":
            child.wait(timeout=60)
            return True
        time.sleep(rng.uniform(0.0, 0.4))
        child.send_signal(signal.SIGKILL)
        child.wait(timeout=30)
        return False
    finally:
        if child.poll() is None:
            child.kill()
        child.stdout.close()


def _check_usable(station: str, expected_either: list[dict]) -> None:
    engine = open_copy(station)
    try:
        with engine.connect() as c:
            assert c.exec_driver_sql("PRAGMA integrity_check").scalar() == "ok"
        assert copy_contents(engine) in expected_either
    finally:
        engine.dispose()


def test_refresh_killed_anywhere_leaves_a_usable_copy(server):  # noqa: F811
    rng = random.Random(11)
    sessions = make_session_factory(server)
    with sessions.begin() as session:
        ids = [add_patron(session, n).id for n in range(200)]
    url = server.url.render_as_string(hide_password=False)
    station = "door-kill"
    open_copy(station, create=True).dispose()
    empty = copy_contents(open_copy(station))
    finished = []
    for _ in range(2):  # killed during the first copy: still empty, still usable
        finished.append(_kill_mid_refresh(url, station, rng))
        _check_usable(station, [empty])
    copy = open_copy(station)
    refresh_copy(server, copy)
    for round_ in range(4):
        before = copy_contents(copy)
        with sessions.begin() as session:
            for patron_id in ids[round_ * 40 : round_ * 40 + 40]:
                session.get(User, patron_id).first_name = f"Round{round_}"
            session.delete(session.get(User, ids[-1 - round_]))
            for n in range(30):
                add_patron(session, f"r{round_}-{n}")
        finished.append(_kill_mid_refresh(url, station, rng))
        _check_usable(station, [before, expected_contents(server)])
        refresh_copy(server, copy)
        assert_same(server, copy)
    copy.dispose()
    assert not any(finished)  # every one was cut in the middle
