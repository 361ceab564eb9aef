"""Regenerate the README pictures of issue 13 (offscreen, on a throw-away SQLite file): a pass
card, a children's-event badge, and the check-in screen with its Camera button after a pass
was read from a (generated) camera frame.

.venv/bin/python docs/screenshots/passes_screenshots.py [OUT_DIR]
"""

from __future__ import annotations

import io
import os
import sys
import tempfile
from datetime import timedelta
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from PySide6.QtGui import QImage  # noqa: E402
from PySide6.QtWidgets import QApplication  # noqa: E402

from app.checkin.outcomes import PatronRef  # noqa: E402
from app.database import open_for_app  # noqa: E402
from app.passes import badges  # noqa: E402
from app.passes.cards import card_page  # noqa: E402
from app.passes.png import pass_png  # noqa: E402
from app.passes.store import current_pass  # noqa: E402
from db.engine import DatabaseTarget, sqlite_url  # noqa: E402
from db.models import Event, User  # noqa: E402
from db.session import unit_of_work  # noqa: E402
from db.types import utcnow  # noqa: E402
from ui.kiosk import CheckInScreen  # noqa: E402
from ui.passes.camera import add_camera_button  # noqa: E402
from ui.passes.frame_decoder import FrameDecoder  # noqa: E402
from ui.passes.painter import page_image  # noqa: E402
from ui.theme import apply_theme  # noqa: E402
from ui.worker import DbWorker  # noqa: E402

sys.path.insert(0, str(Path(__file__).parent))
from kiosk_screenshots import settle, wait_until  # noqa: E402


def main() -> int:
    out = Path(sys.argv[1] if len(sys.argv) > 1 else "docs/screenshots")
    app = QApplication(sys.argv[:1])
    apply_theme(app)
    database = open_for_app(
        DatabaseTarget(sqlite_url(Path(tempfile.mkdtemp()) / "demo.db"), "--database-url")
    )
    now = utcnow()
    with unit_of_work(database.sessions) as session:
        mia = User(email="mia@example.com", first_name="Mia", last_name="Stone")
        host = User(email="host@example.com", first_name="Ruth", last_name="Host")
        session.add_all([mia, host])
        session.flush()
        event = Event(
            name="Kids Club",
            status="ongoing",
            start_time=now - timedelta(minutes=20),
            end_time=now + timedelta(hours=1),
            location="Hall B",
            host_id=host.id,
        )
        session.add(event)
        session.flush()
        info = current_pass(session, PatronRef(mia.id, mia.first_name, mia.last_name))
        badges.set_pickup_event(session, event.id, True)
        badge = badges.badge_for(session, event.id, mia.id, station="docs", method="system")
    page_image(card_page(info), 220).save(str(out / "pass.png"))
    page_image(badges.badge_page(badge), 110).save(str(out / "badge.png"))

    worker = DbWorker(database.sessions)
    screen = CheckInScreen(worker, location="SQLite file demo.db", station="Front door")
    add_camera_button(screen.actions_row, screen.submit_scan, screen, lambda: ["webcam"])
    screen.resize(1024, 768)
    screen.show()
    wait_until(lambda: screen.event is not None)
    buffer = io.BytesIO()
    pass_png(info.code, buffer)
    decoder = FrameDecoder()
    decoder.code_read.connect(screen.submit_scan)
    shown = []
    screen.result_shown.connect(shown.append)
    decoder.offer(QImage.fromData(buffer.getvalue()))
    wait_until(lambda: bool(shown))
    settle()
    screen.grab().save(str(out / "camera.png"))
    decoder.close()
    screen.stop()
    worker.shutdown()
    database.dispose()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
