"""The main window opens on a database, offers demo data when empty, and loads it."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLabel
from sqlalchemy import func, insert, select

from app.checkin.outcomes import Outcome
from app.database import open_for_app
from db import migrate
from db.engine import DatabaseTarget, create_app_engine
from db.models import User
from db.search_index import patron_search_stale
from ui.main_window import MainWindow


@pytest.fixture
def window(qtbot, backend, database_url):
    if backend == "postgresql":  # the app never migrates PostgreSQL by itself
        migrate_engine = create_app_engine(database_url)
        migrate.upgrade(migrate_engine)
        migrate_engine.dispose()
    database = open_for_app(DatabaseTarget(database_url, "--database-url"))
    window = MainWindow(database, station="door-1")
    qtbot.addWidget(window)
    window.show()
    yield window
    window.shutdown()
    database.dispose()


def test_tabs_and_status_line(window):
    titles = [window.tabs.tabText(i) for i in range(window.tabs.count())]
    assert titles == ["Check-in", "Events", "Reports", "Admin"]
    status_texts = " ".join(w.text() for w in window.statusBar().findChildren(QLabel))
    assert "door-1" in status_texts
    assert "Database:" in status_texts


def test_empty_database_offers_demo_data_and_loads_it(qtbot, window):
    qtbot.waitUntil(window.empty_bar.isVisible, timeout=5000)
    with qtbot.waitSignal(window.demo_data_loaded, timeout=5000):
        qtbot.mouseClick(window.load_demo_button, Qt.MouseButton.LeftButton)
    assert not window.empty_bar.isVisible()
    with window.database.sessions() as session:
        assert session.scalar(select(func.count()).select_from(User)) == 2
    # It says what it loaded, and the first scan at the event open now is a welcome.
    assert "Welcome Evening is open at the door now" in window.statusBar().currentMessage()
    screen = window.checkin_screen
    qtbot.waitUntil(lambda: screen.event and screen.event.name == "Welcome Evening", timeout=5000)
    with qtbot.waitSignal(screen.result_shown, timeout=5000) as blocker:
        qtbot.keyClicks(screen.input, "jane@example.com")
        qtbot.keyClick(screen.input, Qt.Key.Key_Return)
    assert blocker.args[0].outcome is Outcome.CHECKED_IN
    assert screen.banner.title == "Welcome, Jane!"


def test_patrons_written_by_another_program_get_their_search_keys(qtbot, backend, database_url):
    if backend == "postgresql":
        migrate_engine = create_app_engine(database_url)
        migrate.upgrade(migrate_engine)
        migrate_engine.dispose()
    database = open_for_app(DatabaseTarget(database_url, "--database-url"))
    with database.sessions.begin() as session:  # as the web service would: no search keys
        session.execute(
            insert(User),
            [
                {"email": f"w{i}@example.org", "first_name": "W", "last_name": "Web"}
                for i in range(3)
            ],
        )
    window = MainWindow(database, station="door-1")
    qtbot.addWidget(window)
    try:

        def stale():
            with database.sessions() as session:
                return session.scalar(select(func.count()).select_from(patron_search_stale))

        qtbot.waitUntil(lambda: stale() == 0, timeout=10_000)
        # and again in a few minutes (once the result is back on the GUI thread)
        qtbot.waitUntil(window.search_upkeep_timer.isActive, timeout=5000)
        assert window.search_upkeep_timer.remainingTime() > 60_000
    finally:
        window.shutdown()
        database.dispose()
