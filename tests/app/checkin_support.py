"""Small builders shared by the check-in engine tests (plain functions, no fixtures)."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta

from sqlalchemy import func, select

from db.models import Attendance, AuditLog, Event, Loyalty, User

T0 = datetime(2026, 12, 6, 10, 0, tzinfo=UTC)


def make_patron(session, first="Jane", last="Doe", email=None, phone=None) -> User:
    patron = User(
        email=email or f"{first}.{last}@example.com".lower(),
        first_name=first,
        last_name=last,
        phone=phone,
    )
    session.add(patron)
    session.flush()
    return patron


def make_event(
    session, host=None, name="Sunday Service", status="scheduled", capacity=None, start=T0
):
    """An event of two hours from `start` (T0 by default; a test without a clock of its own
    passes `utcnow()` so that the door window is open now)."""
    host = host or make_patron(
        session, "Host", "Person", email=f"host-{uuid.uuid4().hex[:12]}@example.com"
    )
    event = Event(
        name=name,
        status=status,
        start_time=start,
        end_time=start + timedelta(hours=2),
        location="Main hall",
        capacity=capacity,
        host_id=host.id,
    )
    session.add(event)
    session.flush()
    return event


def register_row(session, event, patron) -> Attendance:
    row = Attendance(event_id=event.id, patron_id=patron.id, attended=False)
    session.add(row)
    session.flush()
    return row


def add_points(session, patron, points, *, expires=None, issued=None) -> Loyalty:
    row = Loyalty(
        patron_id=patron.id,
        description="test points",
        points=points,
        issued_at=issued or T0 - timedelta(days=1),
        expires_at=expires,
    )
    session.add(row)
    session.flush()
    return row


def count(session, model, *where) -> int:
    return session.scalar(select(func.count()).select_from(model).where(*where))


def table_counts(session) -> dict[str, int]:
    return {m.__tablename__: count(session, m) for m in (User, Attendance, Loyalty, AuditLog)}


def audit_rows(session, **filters) -> list[AuditLog]:
    query = select(AuditLog).order_by(AuditLog.created_at)
    for key, value in filters.items():
        query = query.where(getattr(AuditLog, key) == value)
    return list(session.scalars(query))
