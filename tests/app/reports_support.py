"""Hand-made data sets for the report tests; the expected figures are worked out in the tests.

All times are UTC in winter (London = UTC) unless a test says otherwise.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from app.checkin.actions import check_in, check_out, register
from app.checkin.walk_in import walk_in
from db.models import Loyalty
from tests.app.events_support import attend, make_event, make_user

FAIR_START = datetime(2026, 3, 1, 10, 0, tzinfo=UTC)
SERVICE_FIRST = datetime(2026, 1, 4, 10, 0, tzinfo=UTC)  # a Sunday
NOW = datetime(2026, 4, 1, 12, 0, tzinfo=UTC)


def at(minutes: int) -> datetime:
    return FAIR_START + timedelta(minutes=minutes)


def fair(session):
    """The Spring Fair (capacity 8) run through the real door use cases, with a past visit for
    Ann and a visit at a cancelled event for Ben."""
    host = make_user(session, "Host", "Person")
    ann, ben, cat, dan = (make_user(session, n, "Test") for n in ("Ann", "Ben", "Cat", "Dan"))
    prior = make_event(
        session, host, "Prior", status="completed", start=FAIR_START - timedelta(days=28)
    )
    attend(session, prior, ann)
    gala = make_event(
        session, host, "Gala", status="cancelled", start=FAIR_START - timedelta(days=14)
    )
    attend(session, gala, ben)
    event = make_event(session, host, "Spring Fair", status="ongoing", start=FAIR_START, capacity=8)
    door = {"station": "Front desk", "method": "scan"}
    for person in (ann, ben, cat):
        register(session, event.id, person.id, station="Front desk", method="admin", now=at(-60))
    check_in(session, event.id, ann.id, now=at(0), **door)
    check_in(session, event.id, ben.id, now=at(5), **door)
    check_in(session, event.id, dan.id, now=at(12), **door)  # no registration: a walk-in
    check_out(session, event.id, dan.id, now=at(13), **door)
    walk_in(
        session, event.id, "Eve", "New", "eve@example.com", None, station="Front desk", now=at(14)
    )
    check_out(session, event.id, ann.id, now=at(30), **door)
    check_in(session, event.id, ann.id, now=at(40), **door)  # re-entry
    check_out(session, event.id, ann.id, now=at(60), **door)
    session.flush()
    return event


def occurrence(k: int) -> datetime:
    return SERVICE_FIRST + timedelta(days=7 * (k - 1))


def services(session):
    """Sunday Service S1..S12 weekly from 2026-01-04, S11 cancelled; Book Club (7) and Choir (5)."""
    host = make_user(session, "Host", "Person")
    people = {
        n: make_user(session, n, "Test", f"{n.lower()}@example.com")
        for n in ("Ann", "Ben", "Cat", "Dan", "Eve", "Fay", "Gus")
    }
    people["Eve"].phone = "+44 7700 900123"
    s = {
        k: make_event(
            session,
            host,
            "Sunday Service",
            status="cancelled" if k == 11 else "completed",
            start=occurrence(k),
        )
        for k in range(1, 13)
    }
    visits = {
        "Ann": range(1, 13),
        "Ben": (2, 5, 7, 11),  # 11 was cancelled: not a visit
        "Cat": (6, 8),
        "Dan": (3, 4, 5, 6, 12),
        "Eve": (1, 2, 3),
    }
    for name, ks in visits.items():
        for k in ks:
            attend(session, s[k], people[name])
    for k in (9, 10, 12):  # Eve registered for the last three and stayed away
        attend(session, s[k], people["Eve"], attended=False)
    club = [
        make_event(
            session,
            host,
            "Book Club",
            status="completed",
            start=occurrence(1) + timedelta(days=2 + 7 * i),
        )
        for i in range(7)
    ]
    for e in club[:3]:
        attend(session, e, people["Fay"])
    choir = [
        make_event(
            session,
            host,
            "Choir",
            status="completed",
            start=occurrence(1) + timedelta(days=3 + 7 * i),
        )
        for i in range(5)
    ]
    for e in choir[:2]:
        attend(session, e, people["Gus"])
    session.add(
        Loyalty(
            patron_id=people["Ben"].id, description="bonus", points=150, issued_at=occurrence(1)
        )
    )
    session.flush()
    return people, s


def retention_data(session):
    host = make_user(session, "Host", "Person")
    day = lambda m, d, h=10, mi=0: datetime(2026, m, d, h, mi, tzinfo=UTC)  # noqa: E731
    ev = {
        "old": make_event(
            session, host, "Old", status="completed", start=datetime(2025, 12, 20, 10, tzinfo=UTC)
        ),
        "r1": make_event(session, host, "R", status="completed", start=day(1, 10)),
        "x": make_event(session, host, "X", status="cancelled", start=day(1, 20)),
        "r2": make_event(session, host, "R", status="completed", start=day(1, 25)),
        "late": make_event(session, host, "Late", status="completed", start=day(1, 31, 23, 30)),
        "r3": make_event(session, host, "R", status="completed", start=day(2, 20)),
        "r4": make_event(session, host, "R", status="completed", start=day(4, 15)),
    }
    plan = {
        "Old": ("old", "r1"),
        "A": ("r1", "r2"),
        "B": ("r1", "r3"),
        "C": ("r2", "r4"),
        "D": ("r1", "x", "r4"),
        "E": ("x", "r3"),
        "F": ("r3", "r4"),
        "G": ("late",),
    }
    for name, keys in plan.items():
        person = make_user(session, name, "Test")
        for key in keys:
            attend(session, ev[key], person)
        if name == "F":
            attend(session, ev["r1"], person, attended=False)
    session.flush()


def loyalty_data(session):
    day = lambda y, m, d: datetime(y, m, d, 12, tzinfo=UTC)  # noqa: E731
    rows = {
        "L1": [(1200, day(2026, 1, 5), None, None), (-200, day(2026, 2, 10), None, "Mug")],
        "L2": [(600, day(2026, 1, 10), day(2026, 2, 15), None), (120, day(2026, 2, 1), None, None)],
        "L3": [(60, day(2026, 3, 1), None, None), (-10, day(2026, 3, 2), None, None)],
        "L4": [(500, day(2025, 12, 20), None, None)],
    }
    people = {}
    for name, ledger in rows.items():
        person = people[name] = make_user(session, name, "Member", f"{name.lower()}@example.com")
        for points, issued, expires, reward in ledger:
            session.add(
                Loyalty(
                    patron_id=person.id,
                    description="test",
                    points=points,
                    issued_at=issued,
                    expires_at=expires,
                    reward=reward,
                )
            )
    session.flush()
    return people
