"""The database guide's seed data: John Doe, Jane Smith, the Sunday Service, two check-ins."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from db.models import Attendance, Event, Loyalty, User

SEED_EMAILS = ("john@example.com", "jane@example.com")


@dataclass(frozen=True)
class SeedReport:
    added: bool
    message: str


def seed_guide_data(session: Session) -> SeedReport:
    """Add the guide's seed rows once; a second call adds nothing and says so."""
    existing = session.scalars(select(User.email).where(User.email.in_(SEED_EMAILS))).all()
    if existing:
        return SeedReport(False, "The demo data is already loaded; nothing was added.")

    john = User(email="john@example.com", first_name="John", last_name="Doe", phone="+1234567890")
    jane = User(email="jane@example.com", first_name="Jane", last_name="Smith")
    session.add_all([john, jane])
    session.flush()
    service = Event(
        name="Sunday Service",
        description="Weekly Sunday worship service",
        status="scheduled",
        start_time=datetime(2026, 1, 12, 10, 0, tzinfo=UTC),
        end_time=datetime(2026, 1, 12, 12, 0, tzinfo=UTC),
        location="Main Sanctuary",
        capacity=500,
        host_id=john.id,
    )
    session.add(service)
    session.flush()
    session.add_all(
        [
            Attendance(
                event_id=service.id,
                patron_id=john.id,
                attended=True,
                check_in_time=datetime(2026, 1, 12, 9, 55, tzinfo=UTC),
            ),
            Attendance(
                event_id=service.id,
                patron_id=jane.id,
                attended=True,
                check_in_time=datetime(2026, 1, 12, 10, 5, tzinfo=UTC),
            ),
            Loyalty(
                patron_id=john.id,
                description="Attendance at Sunday Service",
                tier="gold",
                points=10,
            ),
        ]
    )
    session.flush()
    return SeedReport(
        True,
        "Loaded the demo data: 2 people, 1 event (Sunday Service), 2 check-ins, 1 loyalty record.",
    )
