"""The kiosk's event picker (issue 10): only events open at the door, and live.

"Another station" is a second engine on the same database writing directly, as the web service
on a shared PostgreSQL would.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import update

from db.engine import create_app_engine
from db.models import Event
from db.session import make_session_factory
from db.types import utcnow
from tests.ui.kiosk_support import close_door, open_door, scan
from ui.kiosk.banner import BannerState
from ui.kiosk.screen import REFRESH_MS


@pytest.fixture
def elsewhere(database_url):
    """Sessions of another process on the same database (its own engine and connections)."""
    engine = create_app_engine(database_url)
    yield make_session_factory(engine)
    engine.dispose()


def add_event(sessions, host_id, name, start, status="scheduled"):
    with sessions.begin() as session:
        event = Event(
            name=name,
            status=status,
            start_time=start,
            end_time=start + timedelta(hours=2),
            location="Hall B",
            host_id=host_id,
        )
        session.add(event)
        session.flush()
        return event.id


def names(door):
    return [e.name for e in door.screen.event_bar.events]


def test_the_picker_refreshes_within_ten_seconds():
    assert REFRESH_MS <= 10_000


def test_only_events_open_at_the_door_or_opening_soon_are_offered(qtbot, worker, sessions):
    door = open_door(qtbot, worker, sessions, refresh_ms=100)
    try:
        add_event(sessions, door.john_id, "Last January", datetime(2026, 1, 11, 10, tzinfo=UTC))
        add_event(sessions, door.john_id, "Next month", utcnow() + timedelta(days=30))
        add_event(sessions, door.john_id, "Tonight", utcnow() + timedelta(hours=5))
        qtbot.waitUntil(lambda: "Tonight" in names(door), timeout=5000)
        assert sorted(names(door)) == ["Sunday Service", "Tonight"]
        labels = [
            door.screen.event_combo.itemText(i) for i in range(door.screen.event_combo.count())
        ]
        assert any("Tonight" in label and "door opens" in label for label in labels)
    finally:
        close_door(door)


def test_events_published_elsewhere_appear_and_the_choice_is_kept(qtbot, worker, sessions, elsewhere):
    door = open_door(qtbot, worker, sessions, refresh_ms=100)
    try:
        new_id = add_event(elsewhere, door.john_id, "Choir", utcnow(), status="draft")
        with elsewhere.begin() as session:
            session.execute(update(Event).where(Event.id == new_id).values(status="scheduled"))
        qtbot.waitUntil(lambda: "Choir" in names(door), timeout=5000)
        assert door.screen.event.id == door.event_id  # the greeter's choice stays
        with elsewhere.begin() as session:
            session.execute(update(Event).where(Event.id == new_id).values(name="Choir practice"))
        qtbot.waitUntil(lambda: "Choir practice" in names(door), timeout=5000)
        with elsewhere.begin() as session:
            session.execute(update(Event).where(Event.id == new_id).values(status="cancelled"))
        qtbot.waitUntil(lambda: "Choir practice" not in names(door), timeout=5000)
        assert door.screen.event.id == door.event_id
        result = scan(qtbot, door, str(door.jane_id))
        assert result.event.id == door.event_id
    finally:
        close_door(door)


def test_the_chosen_event_closing_elsewhere_is_said_on_the_banner(qtbot, worker, sessions, elsewhere):
    door = open_door(qtbot, worker, sessions, refresh_ms=100)
    try:
        with elsewhere.begin() as session:
            session.execute(
                update(Event).where(Event.id == door.event_id).values(status="completed")
            )
        qtbot.waitUntil(lambda: door.screen.event is None, timeout=5000)
        assert door.screen.banner.state is BannerState.REFUSAL
        assert door.screen.banner.title == "Sunday Service is closed at the door"
        assert names(door) == []
    finally:
        close_door(door)
