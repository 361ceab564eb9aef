"""Shared set-up for the kiosk screen tests: a door with an event, two patrons and a fake clock."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import timedelta

from PySide6.QtCore import Qt
from sqlalchemy import func, select

from db.models import Attendance, Event, Loyalty, User
from db.types import utcnow
from ui.kiosk import CheckInScreen
from ui.worker import DbWorker

STATION = "door-1"


class FakeClock:
    """A monotonic clock the test moves by hand (for the 3 s repeat and 60 s undo windows)."""

    def __init__(self):
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now

    def advance(self, seconds: float) -> None:
        self.now += seconds


@dataclass
class Door:
    screen: CheckInScreen
    worker: DbWorker
    sessions: object
    clock: FakeClock
    event_id: uuid.UUID
    jane_id: uuid.UUID
    john_id: uuid.UUID

    # -- database facts, read in their own session ---------------------------------------------

    def attendance(self, patron_id: uuid.UUID) -> Attendance | None:
        with self.sessions() as session:
            return session.scalars(
                select(Attendance).where(
                    Attendance.event_id == self.event_id, Attendance.patron_id == patron_id
                )
            ).first()

    def balance(self, patron_id: uuid.UUID) -> int:
        with self.sessions() as session:
            return int(
                session.scalar(
                    select(func.coalesce(func.sum(Loyalty.points), 0)).where(
                        Loyalty.patron_id == patron_id
                    )
                )
            )

    def count(self, model) -> int:
        with self.sessions() as session:
            return int(session.scalar(select(func.count()).select_from(model)))


def add_door_data(sessions, *, capacity: int | None = 100, status: str = "ongoing"):
    now = utcnow()
    with sessions.begin() as session:
        jane = User(
            email="jane@example.com", first_name="Jane", last_name="Smith", phone="+1 555 123 7890"
        )
        john = User(email="john@example.com", first_name="John", last_name="Doe")
        session.add_all([jane, john])
        session.flush()
        event = Event(
            name="Sunday Service",
            status=status,
            start_time=now - timedelta(minutes=30),
            end_time=now + timedelta(hours=2),
            location="Main Sanctuary",
            capacity=capacity,
            host_id=john.id,
        )
        session.add(event)
        session.flush()
        return event.id, jane.id, john.id


def open_door(
    qtbot, worker: DbWorker, sessions, *, capacity: int | None = 100, refresh_ms=60_000
) -> Door:
    """The screen on a fresh door, talking through `worker` (the shared fixture, or one whose
    sessions a test re-binds to an unreachable database: a pulled network cable)."""
    event_id, jane_id, john_id = add_door_data(sessions, capacity=capacity)
    clock = FakeClock()
    screen = CheckInScreen(
        worker,
        location="SQLite file test.db",
        station=STATION,
        clock=clock,
        banner_ms=60_000,  # results stay up until the next one; tests read them at leisure
        search_delay_ms=20,
        refresh_ms=refresh_ms,
    )
    qtbot.addWidget(screen)
    screen.resize(1024, 768)
    screen.show()
    screen.activateWindow()
    qtbot.waitUntil(lambda: screen.event is not None, timeout=5000)
    return Door(screen, worker, sessions, clock, event_id, jane_id, john_id)


def close_door(door: Door) -> None:
    door.screen.stop()
    door.worker.shutdown(wait=True)


def scan(qtbot, door: Door, text: str):
    """Type like a scanner (characters + Enter) and return the result the screen showed."""
    with qtbot.waitSignal(door.screen.result_shown, timeout=5000) as blocker:
        qtbot.keyClicks(door.screen.input, text)
        qtbot.keyClick(door.screen.input, Qt.Key.Key_Return)
    return blocker.args[0]
