"""Regenerate docs/screenshots/events.png: the Events tab during a service, while a kiosk checks
two more people in (offscreen, on a throw-away SQLite file, times shown in Europe/London).

.venv/bin/python docs/screenshots/events_screenshot.py [OUT_FILE]
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

from app.checkin import actions as checkin  # noqa: E402
from app.database import open_for_app  # noqa: E402
from db.engine import DatabaseTarget, sqlite_url  # noqa: E402
from db.models import Attendance, Event, User  # noqa: E402
from db.session import unit_of_work  # noqa: E402
from db.types import utcnow  # noqa: E402
from ui.main_window import MainWindow  # noqa: E402
from ui.theme import apply_theme  # noqa: E402

FIRST = "Ann Bob Cy Di Ed Flo Gus Hana Ivo Jo Kai Lu Mo Ned Ola Pia Quin Rae Sol Tia Uma Vic"
LAST = "Lee Marsh Ortiz Patel Quinn Reyes Shaw Tran Uddin Vance Wong Xu Young Zane Ames Bell Cho"
LAST += " Dunn Eze Ford Gill Hale"


def populate(sessions):
    now = utcnow().replace(second=0, microsecond=0)
    rng = random.Random(7)
    with unit_of_work(sessions) as s:
        host = User(email="grace.okafor@example.com", first_name="Grace", last_name="Okafor")
        s.add(host)
        s.flush()
        start = now - timedelta(minutes=35)
        service = Event(
            name="Sunday Service",
            status="ongoing",
            start_time=start,
            end_time=start + timedelta(hours=2),
            location="Main Sanctuary",
            capacity=120,
            host_id=host.id,
        )
        s.add(service)
        for d, (name, status, place, cap) in enumerate(
            [
                ("Choir Practice", "draft", "Chapel", None),
                ("Youth Night", "scheduled", "Hall B", 40),
                ("Bible Study", "scheduled", "Room 3", 25),
            ]
        ):
            t = now + timedelta(days=2 + 2 * d)
            s.add(
                Event(
                    name=name,
                    status=status,
                    start_time=t,
                    end_time=t + timedelta(hours=2),
                    location=place,
                    capacity=cap,
                    host_id=host.id,
                )
            )
        s.flush()
        late = []
        for i, (first, last) in enumerate(zip(FIRST.split(), LAST.split(), strict=True)):
            user = User(
                email=f"{first}.{last}@example.com".lower(), first_name=first, last_name=last
            )
            s.add(user)
            s.flush()
            if i < 18:
                t = start - timedelta(minutes=25) + timedelta(minutes=rng.randint(0, 55))
                out = t + timedelta(minutes=20) if i % 7 == 0 else None
                s.add(
                    Attendance(
                        event_id=service.id,
                        patron_id=user.id,
                        attended=True,
                        check_in_time=t,
                        check_out_time=out,
                    )
                )
            else:
                s.add(Attendance(event_id=service.id, patron_id=user.id, attended=False))
                late.append(user.id)
        return service.id, late[:2]


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
        event_id, arriving = populate(database.sessions)
        app = QApplication.instance() or QApplication([])
        apply_theme(app)
        window = MainWindow(database, station="office")
        window.resize(1280, 800)
        window.show()
        window.tabs.setCurrentWidget(window.events_tab)
        spin(app, 2)
        with unit_of_work(database.sessions) as s:  # the kiosk at the door
            for patron_id in arriving:
                checkin.check_in(s, event_id, patron_id, station="door-1", method="scan")
        spin(app, 6)  # the tab refreshes its figures by itself
        window.grab().save(str(out))
        window.shutdown()
        database.dispose()
    print(f"wrote {out}")


if __name__ == "__main__":
    main(Path(sys.argv[1]) if len(sys.argv) > 1 else Path(__file__).with_name("events.png"))
