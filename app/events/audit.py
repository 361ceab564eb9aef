"""The audit row every event action leaves behind (who did what, from which station).

`detail` is JSON text, the same form the check-in engine writes, so one reader handles both.
"""

from __future__ import annotations

import json
import uuid
from dataclasses import dataclass

from sqlalchemy.orm import Session

from db.models import AuditLog


@dataclass(frozen=True)
class Actor:
    """Who is acting: the station name and how (`admin` for the Events tab, `cli` for scripts)."""

    station: str = "events"
    method: str = "admin"


DEFAULT_ACTOR = Actor()


def record(
    session: Session,
    actor: Actor,
    action: str,
    outcome: str,
    event_id: uuid.UUID | None,
    **detail,
) -> None:
    station = "".join(ch for ch in actor.station if ch.isprintable()).strip() or "events"
    session.add(
        AuditLog(
            station=station[:100],
            method=actor.method,
            action=action,
            outcome=outcome,
            event_id=event_id,
            detail=json.dumps(detail, sort_keys=True, default=str) if detail else None,
        )
    )


def detail_value(text: str | None, key: str) -> str | None:
    try:
        value = json.loads(text or "")
    except ValueError:
        return None
    return value.get(key) if isinstance(value, dict) else None
