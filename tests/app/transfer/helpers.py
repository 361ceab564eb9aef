"""Small data builders for the transfer tests (Core inserts: fast, both backends)."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta

from sqlalchemy import insert

from db.models import Attendance, Event, User

T0 = datetime(2026, 3, 1, 18, 30, 15, 123456, tzinfo=UTC)


def add_users(session, count: int, *, prefix: str = "user") -> list[uuid.UUID]:
    ids = [uuid.uuid4() for _ in range(count)]
    rows = [
        {
            "id": ids[i],
            "email": f"{prefix}{i}@example.org",
            "firstName": "Zoë" if i % 2 else "José",
            "lastName": f'Müller, "{i}"\nsecond line' if i == 1 else f"Ødegård{i}",
            "phone": None if i % 3 else f"+41 79 {i:06d}",
            "createdAt": T0 + timedelta(minutes=i),
            "updatedAt": T0 + timedelta(minutes=i, seconds=1),
        }
        for i in range(count)
    ]
    if rows:
        session.execute(insert(User.__table__), rows)
    return ids


def add_attendance(session, patrons: int, events: int = 1) -> int:
    users = add_users(session, patrons, prefix="att")
    event_ids = [uuid.uuid4() for _ in range(events)]
    session.execute(
        insert(Event.__table__),
        [
            {
                "id": eid,
                "name": f"Event {n}",
                "status": "scheduled",
                "startTime": T0,
                "endTime": T0 + timedelta(hours=2),
                "location": "Hall",
                "hostId": users[0],
                "createdAt": T0,
                "updatedAt": T0,
            }
            for n, eid in enumerate(event_ids)
        ],
    )
    rows = [
        {
            "id": uuid.uuid4(),
            "eventId": eid,
            "patronId": uid,
            "attended": bool(i % 2),
            "checkInTime": T0 + timedelta(seconds=i) if i % 2 else None,
            "checkOutTime": None,
        }
        for eid in event_ids
        for i, uid in enumerate(users)
    ]
    session.execute(insert(Attendance.__table__), rows)
    return len(rows)
