"""Regenerate docs/screenshots/admin.png: the Admin tab with a search, a filter, one staged edit
(yellow) and one refused edit (red), on a throw-away SQLite file, offscreen.

.venv/bin/python docs/screenshots/admin_screenshot.py [OUT_FILE]
"""

from __future__ import annotations

import os
import random
import sys
import tempfile
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from PySide6.QtCore import QEventLoop, QTimer  # noqa: E402
from PySide6.QtWidgets import QApplication  # noqa: E402
from sqlalchemy import update  # noqa: E402

from db import migrate  # noqa: E402
from db.engine import create_app_engine, sqlite_url  # noqa: E402
from db.models import Event, User  # noqa: E402
from db.session import make_session_factory  # noqa: E402
from tests.admin_data import add_events, add_every_pair, add_people  # noqa: E402

FIRST = "Ada Grace John Maria Kwame Aiko Lars Priya Chen Fatima Diego Olga Sam Noor Liam Zoe"
LAST = "Doe Okafor Lindqvist Nakamura Garcia Haddad Novak Patel Rossi Kim Silva Brown"
EVENTS = ("Sunday service", "Youth night", "Choir practice", "Bible study", "Community lunch")


def spin(ms: int) -> None:
    loop = QEventLoop()
    QTimer.singleShot(ms, loop.quit)
    loop.exec()


def build(sessions) -> None:
    rng = random.Random(4)
    with sessions() as session:
        people = add_people(session, 400)
        for i, pid in enumerate(people):
            first, last = rng.choice(FIRST.split()), rng.choice(LAST.split())
            email = f"{first}.{last}{i}@example.org".lower()
            session.execute(
                update(User)
                .where(User.id == pid)
                .values(first_name=first, last_name=last, email=email)
            )
        events = add_events(session, people[:5], 30)
        for i, event in enumerate(events):
            session.execute(
                update(Event).where(Event.id == event).values(name=f"{EVENTS[i % 5]} #{i // 5 + 1}")
            )
        session.commit()
        add_every_pair(session)
        session.commit()


def main(out: Path) -> None:
    app = QApplication([])
    from ui.admin.tab import AdminTab
    from ui.theme import apply_theme
    from ui.worker import DbWorker

    url = sqlite_url(Path(tempfile.mkdtemp()) / "admin.db")
    engine = create_app_engine(url)
    migrate.upgrade(engine)
    sessions = make_session_factory(engine)
    build(sessions)
    apply_theme(app)
    worker = DbWorker(sessions)
    tab = AdminTab(worker, engine, url, "desk-1")
    tab.resize(1400, 800)
    tab.show()
    spin(800)
    browser, model = tab.browser, tab.browser.model
    browser.filter_bar.search.setText("garcia")
    browser.filter_bar._on_search_return_pressed()
    spin(500)
    bar = browser.filter_bar
    bar.column.setCurrentText("phone")
    bar.operator.setCurrentIndex(bar.operator.findData("not_null"))
    bar._on_add_clicked()
    spin(500)
    names = [c.name for c in model.columns]
    model.setData(model.index(1, names.index("firstName")), "Priyanka")
    model.setData(model.index(2, names.index("email")), "not an email")
    browser._on_apply_clicked()
    spin(500)
    browser.grid.setCurrentIndex(model.index(5, 0))
    tab.grab().save(str(out))
    tab.shutdown()
    worker.shutdown()


if __name__ == "__main__":
    main(Path(sys.argv[1]) if len(sys.argv) > 1 else Path(__file__).with_name("admin.png"))
