"""Set-up for the Events tab tests: a host, today's ongoing event with attendance, and others."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from zoneinfo import ZoneInfo

from db.models import Attendance, Event, User
from db.session import unit_of_work
from db.types import utcnow
from ui.events import EventsTab
from ui.worker import DbWorker

TZ = ZoneInfo("Europe/London")


@dataclass
class Scene:
    tab: EventsTab
    worker: DbWorker
    sessions: object
    today_id: object
    past_id: object
    draft_id: object
    people: dict


def add_user(session, first, last):
    user = User(email=f"{first}.{last}@example.com".lower(), first_name=first, last_name=last)
    session.add(user)
    session.flush()
    return user


def build_scene(qtbot, worker: DbWorker, sessions, refresh_ms=60_000) -> Scene:
    now = utcnow().replace(microsecond=0)
    with unit_of_work(sessions) as s:
        host = add_user(s, "Grace", "Okafor")
        start = now - timedelta(minutes=40)
        today = Event(
            name="Sunday Service",
            status="ongoing",
            start_time=start,
            end_time=start + timedelta(hours=3),
            location="Main Sanctuary",
            capacity=10,
            host_id=host.id,
        )
        past = Event(
            name="Advent Lunch",
            status="completed",
            start_time=now - timedelta(days=3),
            end_time=now - timedelta(days=3) + timedelta(hours=2),
            location="Hall A",
            host_id=host.id,
        )
        draft = Event(
            name="Youth Night",
            status="draft",
            start_time=now + timedelta(days=4),
            end_time=now + timedelta(days=4, hours=2),
            location="Hall B",
            host_id=host.id,
        )
        s.add_all([today, past, draft])
        s.flush()
        people = {}
        for i, (first, last) in enumerate([("Ann", "Lee"), ("Bob", "Marsh"), ("Cy", "Ortiz")]):
            user = add_user(s, first, last)
            people[first] = user.id
            s.add(
                Attendance(
                    event_id=today.id,
                    patron_id=user.id,
                    attended=True,
                    check_in_time=start - timedelta(minutes=5) + timedelta(minutes=12 * i),
                )
            )
        for first, last in [("Di", "Patel"), ("Ed", "Quinn")]:
            user = add_user(s, first, last)
            people[first] = user.id
            s.add(Attendance(event_id=today.id, patron_id=user.id, attended=False))
        people["Flo"] = add_user(s, "Flo", "Reyes").id
        ids = today.id, past.id, draft.id
    tab = EventsTab(worker, "office", tz=TZ, refresh_ms=refresh_ms)
    qtbot.addWidget(tab)
    tab.resize(1300, 820)
    tab.show()
    scene = Scene(tab, worker, sessions, *ids, people)
    wait_for_event(qtbot, scene, ids[0])
    return scene


def wait_for_event(qtbot, scene: Scene, event_id) -> None:
    tab = scene.tab
    qtbot.waitUntil(
        lambda: (
            tab.selected_event() is not None
            and tab.selected_event().id == event_id
            and tab.attendance.listing is not None
            and tab.live.figures is not None
            and tab.live.figures.event_id == event_id
        ),
        timeout=5000,
    )
