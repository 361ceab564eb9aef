"""A slow or unreachable database: the screen keeps taking keys, says so in words, and retries."""

from __future__ import annotations

import threading

import pytest
from PySide6.QtCore import Qt, QTimer
from sqlalchemy import create_engine

from app.checkin.outcomes import Outcome
from db.engine import sqlite_url
from db.session import make_session_factory
from tests.conftest import postgres_base_url, unreachable_postgres_url
from tests.ui.kiosk_support import close_door, open_door, scan
from ui.kiosk.banner import BannerState
from ui.worker import DbWorker


@pytest.fixture
def dead_engine(backend, tmp_path):
    """A real engine whose database cannot be reached (no mock: the connect itself fails)."""
    if backend == "sqlite":
        engine = create_engine(sqlite_url(tmp_path / "unplugged-drive" / "credopass.db"))
    else:
        url = unreachable_postgres_url(postgres_base_url())
        engine = create_engine(url, connect_args={"connect_timeout": 2})
    yield engine
    engine.dispose()


def _event_loop_ticks(qtbot, count: int) -> None:
    """Prove the GUI thread's event loop is running by counting a fast timer's ticks."""
    ticks = []
    timer = QTimer()
    timer.timeout.connect(lambda: ticks.append(1))
    timer.start(5)
    try:
        qtbot.waitUntil(lambda: len(ticks) >= count, timeout=3000)
    finally:
        timer.stop()


def test_slow_database_never_freezes_typing(qtbot, worker, sessions):
    door = open_door(qtbot, worker, sessions)
    stuck = threading.Event()
    try:
        # The door lane is busy (a slow PostgreSQL, a long lock wait): jobs queue behind it.
        door.worker.run(door.worker, lambda: stuck.wait(10), transaction=False)
        qtbot.keyClicks(door.screen.input, str(door.jane_id))
        qtbot.keyClick(door.screen.input, Qt.Key.Key_Return)
        assert door.screen.banner.state is BannerState.BUSY
        qtbot.keyClicks(door.screen.input, "john")
        _event_loop_ticks(qtbot, 10)
        assert door.screen.input.text() == "john"  # every key arrived while the worker waited
        assert door.attendance(door.jane_id) is None
        with qtbot.waitSignal(door.screen.result_shown, timeout=5000) as blocker:
            stuck.set()
        assert blocker.args[0].outcome is Outcome.CHECKED_IN
    finally:
        stuck.set()
        close_door(door)


def test_unreachable_database_says_so_retries_and_recovers(qtbot, sessions, engine, dead_engine):
    worker_sessions = make_session_factory(engine)  # re-bound below: the cable is pulled
    door = open_door(qtbot, DbWorker(worker_sessions), sessions, refresh_ms=100)
    screen = door.screen
    try:
        qtbot.waitUntil(lambda: "Connected" in screen.status_line.text, timeout=5000)
        worker_sessions.configure(bind=dead_engine)  # the network cable is pulled

        with qtbot.waitSignal(screen.message_shown, timeout=10_000) as blocker:
            qtbot.keyClicks(screen.input, str(door.jane_id))
            qtbot.keyClick(screen.input, Qt.Key.Key_Return)
        assert blocker.args[0] == "Not recorded"
        assert screen.banner.state is BannerState.REFUSAL
        assert "Cannot reach the database" in screen.banner.detail
        assert "Traceback" not in screen.banner.detail
        qtbot.waitUntil(lambda: "unreachable" in screen.status_line.text, timeout=5000)
        assert door.attendance(door.jane_id) is None

        qtbot.keyClicks(screen.input, "still typing")
        _event_loop_ticks(qtbot, 5)
        assert screen.input.text() == "still typing"
        qtbot.keyClick(screen.input, Qt.Key.Key_Escape)

        worker_sessions.configure(bind=engine)  # plugged back in: the periodic retry notices
        qtbot.waitUntil(lambda: "Connected" in screen.status_line.text, timeout=10_000)
        door.clock.advance(5)
        assert scan(qtbot, door, str(door.jane_id)).outcome is Outcome.CHECKED_IN
    finally:
        close_door(door)
