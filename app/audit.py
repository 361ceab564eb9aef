"""The audit log: one row for every door action and every refusal.

It is both the failed-scan log (outcome `not_found` with the code as typed, cleaned) and the
answer to "who checked this person in, where, how". `detail` is JSON text holding what an undo
needs to restore the previous state.
"""

from __future__ import annotations

import json
import uuid
from datetime import datetime

from sqlalchemy import insert, select
from sqlalchemy.orm import Session

from app.errors import ValidationError
from db.models import AUDIT_METHODS, AuditLog
from db.types import new_id, utcnow

MAX_STATION_LENGTH = 100
_INSERT = insert(AuditLog.__table__)


def clean_station(station: str) -> str:
    """Station names come from configuration or a command line; keep them printable and short."""
    cleaned = "".join(ch for ch in str(station or "") if ch.isprintable()).strip()
    if not cleaned:
        raise ValidationError({"station": "A station name is required."})
    return cleaned[:MAX_STATION_LENGTH]


def check_method(method: str) -> str:
    if method not in AUDIT_METHODS:
        raise ValueError(f"method must be one of {', '.join(AUDIT_METHODS)}, not {method!r}")
    return method


def write(
    session: Session,
    *,
    station: str,
    method: str,
    action: str,
    outcome: str,
    event_id: uuid.UUID | None = None,
    patron_id: uuid.UUID | None = None,
    code: str | None = None,
    detail: dict | None = None,
    now: datetime | None = None,
) -> uuid.UUID:
    """Add one audit row to the caller's transaction (never committed here); returns its id.
    A Core insert, not an ORM object: the door writes one per scan."""
    row_id = new_id()
    values = {
        "id": row_id,
        "createdAt": now or utcnow(),
        "station": clean_station(station),
        "method": check_method(method),
        "action": action,
        "outcome": str(outcome),
        "eventId": event_id,
        "patronId": patron_id,
        "code": code,
        "detail": json.dumps(detail, sort_keys=True, default=str) if detail else None,
    }
    session.flush()  # rows the caller added first (a new patron, an edited event) go in first
    session.execute(_INSERT, values)
    return row_id


def detail_of(row: AuditLog) -> dict:
    """The row's `detail` as a dict ({} when absent or unreadable)."""
    if not row.detail:
        return {}
    try:
        value = json.loads(row.detail)
    except ValueError:
        return {}
    return value if isinstance(value, dict) else {}


def latest(
    session: Session,
    *,
    event_id: uuid.UUID,
    patron_id: uuid.UUID,
    action: str,
    outcomes: tuple[str, ...],
) -> AuditLog | None:
    """The newest row for this event and patron with one of `outcomes`."""
    query = (
        select(AuditLog)
        .where(
            AuditLog.event_id == event_id,
            AuditLog.patron_id == patron_id,
            AuditLog.action == action,
            AuditLog.outcome.in_([str(o) for o in outcomes]),
        )
        .order_by(AuditLog.created_at.desc())
        .limit(1)
    )
    return session.scalars(query).first()


def recent(
    session: Session,
    *,
    limit: int = 50,
    station: str | None = None,
    event_id: uuid.UUID | None = None,
) -> list[AuditLog]:
    """The newest rows first, optionally for one station and/or one event."""
    query = select(AuditLog).order_by(AuditLog.created_at.desc()).limit(limit)
    if station is not None:
        query = query.where(AuditLog.station == station)
    if event_id is not None:
        query = query.where(AuditLog.event_id == event_id)
    return list(session.scalars(query))
