"""Regenerate the kiosk screenshots for the README (offscreen, on a throw-away SQLite file).

.venv/bin/python docs/screenshots/kiosk_screenshots.py [OUT_DIR] [WIDTHxHEIGHT]
"""

from __future__ import annotations

import os
import sys
import tempfile
from datetime import timedelta
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from PySide6.QtCore import QCoreApplication, QEventLoop, QTimer  # noqa: E402
from PySide6.QtTest import QTest  # noqa: E402
from PySide6.QtWidgets import QApplication  # noqa: E402

from app.database import open_for_app  # noqa: E402
from db.engine import DatabaseTarget, sqlite_url  # noqa: E402
from db.models import Event, User  # noqa: E402
from db.session import unit_of_work  # noqa: E402
from db.types import utcnow  # noqa: E402
from ui.main_window import MainWindow  # noqa: E402
from ui.theme import apply_theme  # noqa: E402


def wait_until(predicate, timeout_ms=5000) -> None:
    loop_left = timeout_ms
    while not predicate() and loop_left > 0:
        QCoreApplication.processEvents(QEventLoop.ProcessEventsFlag.AllEvents, 50)
        QTest.qWait(20)
        loop_left -= 20
    if not predicate():
        raise SystemExit("timed out waiting for the screen")


def settle(ms=300) -> None:
    QTest.qWait(ms)


def main() -> int:
    out = Path(sys.argv[1] if len(sys.argv) > 1 else "docs/screenshots")
    width, height = map(int, (sys.argv[2] if len(sys.argv) > 2 else "1024x768").split("x"))
    app = QApplication(sys.argv[:1])
    apply_theme(app)
    folder = Path(tempfile.mkdtemp())
    database = open_for_app(DatabaseTarget(sqlite_url(folder / "demo.db"), "--database-url"))
    now = utcnow()
    with unit_of_work(database.sessions) as session:
        jane = User(email="jane@example.com", first_name="Jane", last_name="Smith")
        john = User(
            email="john@example.com", first_name="John", last_name="Doe", phone="+1234567890"
        )
        session.add_all([jane, john])
        session.flush()
        session.add(
            Event(
                name="Sunday Service",
                status="ongoing",
                start_time=now - timedelta(minutes=20),
                end_time=now + timedelta(minutes=100),
                location="Main Sanctuary",
                capacity=500,
                host_id=john.id,
            )
        )
        jane_id = str(jane.id)
    window = MainWindow(database, station="front-door")
    window.resize(width, height)
    window.show()
    screen = window.checkin_screen
    screen.banner.show_ms = 600_000  # keep each state on screen for its picture
    wait_until(lambda: screen.event is not None and screen.headcount_label.text())
    settle()
    out.mkdir(parents=True, exist_ok=True)
    window.grab().save(str(out / "kiosk-ready.png"))

    shown = []
    screen.result_shown.connect(shown.append)
    QTest.keyClicks(screen.input, jane_id)
    QTest.keyClick(screen.input, "\r")
    wait_until(lambda: len(shown) == 1)
    settle()
    window.grab().save(str(out / "kiosk-welcome.png"))

    QTest.keyClicks(screen.input, "jane")
    QTest.keyClick(screen.input, "\r")
    wait_until(lambda: len(shown) == 2)
    settle()
    window.grab().save(str(out / "kiosk-already.png"))

    QTest.keyClicks(screen.input, "0f3c2a9e-6b1d-4c8e-9a47-5d2e8b1f7c30")
    QTest.keyClick(screen.input, "\r")
    wait_until(lambda: len(shown) == 3)
    settle()
    window.grab().save(str(out / "kiosk-refused.png"))

    # Check-out mode: the band across the top and the banner's own wording.
    QTest.keyClick(screen.input, "\x1b")
    screen.checkout_toggle.click()
    settle()
    window.grab().save(str(out / "kiosk-checkout.png"))
    QTimer.singleShot(0, app.quit)
    window.kiosk_mode.kiosk = False
    window.shutdown()
    database.dispose()
    print(f"saved 5 screenshots in {out}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
