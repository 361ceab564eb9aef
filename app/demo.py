"""The demo data offer: an empty database is offered the guide's seed rows, plus an event open
at the door now so that a newcomer's first scan gives a welcome.

`credopass db seed` keeps loading exactly the guide's rows (db.seed); only the in-app *Load demo
data* adds the open event: the guide's Sunday Service is in January 2026, its door long closed.
"""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.door_window import OPEN_STATUSES
from db.models import Event, User
from db.seed import SeedReport, seed_guide_data
from db.types import utcnow

DEMO_EVENT = "Welcome Evening"
DEMO_HOST_EMAIL = "john@example.com"


def database_is_empty(session: Session) -> bool:
    """True when there is no one and nothing to check in to (a first start)."""
    return bool(session.scalar(select(~select(User.id).exists() & ~select(Event.id).exists())))


def load_demo_data(session: Session, *, now=None) -> SeedReport:
    """The guide's rows (once) and an event open now with nobody checked in; says what it
    loaded and how to try it."""
    now = now or utcnow()
    guide = seed_guide_data(session)
    open_now = session.scalar(
        select(Event.id).where(
            Event.name == DEMO_EVENT,
            Event.status.in_(OPEN_STATUSES),
            Event.end_time > now,
        )
    )
    if open_now is not None:
        return guide
    host = session.scalar(select(User.id).where(User.email == DEMO_HOST_EMAIL))
    if host is None:  # someone deleted the guide's John: host it by anyone
        host = session.scalar(select(User.id).limit(1))
    start = now.replace(second=0, microsecond=0) - timedelta(minutes=15)
    session.add(
        Event(
            name=DEMO_EVENT,
            description="Demo event, open at the door now",
            status="ongoing",
            start_time=start,
            end_time=start + timedelta(hours=3),
            location="Main Sanctuary",
            capacity=100,
            host_id=host,
        )
    )
    session.flush()
    try_it = (
        f"{DEMO_EVENT} is open at the door now with nobody checked in: "
        "on the Check-in tab, scan or type jane@example.com."
    )
    if guide.added:
        message = (
            "Loaded the demo data: 2 people (John Doe, Jane Smith), the guide's Sunday Service "
            f"(12 Jan 2026) with 2 check-ins and 1 loyalty record, and {try_it}"
        )
    else:
        message = f"The guide's demo rows were already there; added {try_it}"
    return SeedReport(True, message)
