"""Regenerate docs/screenshots/reports.png: the Reports tab showing a Sunday Service's trend
over the last 12 weeks (offscreen, on a throw-away SQLite file, times in Europe/London).

.venv/bin/python docs/screenshots/reports_screenshot.py [OUT_FILE]
"""

from __future__ import annotations

import os
import random
import sys
import tempfile
import time
from datetime import timedelta
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
os.environ["TZ"] = "Europe/London"

from PySide6.QtWidgets import QApplication  # noqa: E402

from app.database import open_for_app  # noqa: E402
from db.engine import DatabaseTarget, sqlite_url  # noqa: E402
from db.models import Attendance, Event, User  # noqa: E402
from db.session import unit_of_work  # noqa: E402
from db.types import utcnow  # noqa: E402
from ui.main_window import MainWindow  # noqa: E402
from ui.theme import apply_theme  # noqa: E402

WEEKS = 12
PEOPLE = 90


def populate(sessions) -> None:
    rng = random.Random(14)
    now = utcnow().replace(hour=10, minute=0, second=0, microsecond=0)
    last_sunday = now - timedelta(days=(now.weekday() + 1) % 7 or 7)
    with unit_of_work(sessions) as s:
        host = User(email="grace.okafor@example.com", first_name="Grace", last_name="Okafor")
        s.add(host)
        s.flush()
        services = []
        for k in range(WEEKS):
            start = last_sunday - timedelta(weeks=WEEKS - 1 - k)
            event = Event(
                name="Sunday Service",
                status="completed",
                start_time=start,
                end_time=start + timedelta(hours=2),
                location="Main Sanctuary",
                capacity=120,
                host_id=host.id,
            )
            s.add(event)
            services.append(event)
        s.flush()
        for i in range(PEOPLE):
            user = User(email=f"member{i}@example.com", first_name=f"Member{i}", last_name="Lee")
            s.add(user)
            s.flush()
            joined = rng.choice([0] * 6 + list(range(WEEKS)))  # most were there from the start
            faithful = rng.uniform(0.3, 0.95)
            drifting = i % 11 == 0
            for k, event in enumerate(services):
                came = k >= joined and rng.random() < faithful and not (drifting and k >= 8)
                registered = rng.random() < 0.15
                if came or registered:
                    t = event.start_time + timedelta(minutes=rng.randint(-20, 15))
                    s.add(
                        Attendance(
                            event_id=event.id,
                            patron_id=user.id,
                            attended=came,
                            check_in_time=t if came else None,
                            check_out_time=t + timedelta(minutes=rng.randint(60, 130))
                            if came
                            else None,
                        )
                    )


def spin(app, seconds):
    end = time.monotonic() + seconds
    while time.monotonic() < end:
        app.processEvents()
        time.sleep(0.02)


def main(out: Path) -> None:
    with tempfile.TemporaryDirectory() as folder:
        database = open_for_app(
            DatabaseTarget(sqlite_url(Path(folder) / "demo.db"), "--database-url")
        )
        populate(database.sessions)
        app = QApplication.instance() or QApplication([])
        apply_theme(app)
        window = MainWindow(database, station="office")
        window.resize(1024, 768)
        window.show()
        window.tabs.setCurrentWidget(window.reports_tab)
        spin(app, 3)
        window.grab().save(str(out))
        window.shutdown()
        database.dispose()
    print(f"wrote {out}")


if __name__ == "__main__":
    main(Path(sys.argv[1]) if len(sys.argv) > 1 else Path(__file__).with_name("reports.png"))
