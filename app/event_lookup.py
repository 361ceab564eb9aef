"""Finding the event a command or a screen means: by UUID, or by the exact name of an open event."""

from __future__ import annotations

import uuid

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.errors import ValidationError
from db.models import Event

OPEN_STATUSES = ("scheduled", "ongoing")


def parse_uuid(text: str) -> uuid.UUID | None:
    """A UUID in any case, with or without hyphens, surrounding whitespace ignored."""
    cleaned = text.strip().replace("-", "")
    if len(cleaned) != 32:
        return None
    try:
        return uuid.UUID(hex=cleaned)
    except ValueError:
        return None


def resolve_event(session: Session, ref: str, *, open_only: bool = True) -> Event:
    """The event named by `ref`: its UUID, or the exact name of a scheduled/ongoing event
    (any status when `open_only` is False). Raises ValidationError (field "event") when there is
    no such event or the name is ambiguous; the message lists the candidates."""
    ref = (ref or "").strip()
    if not ref:
        raise ValidationError({"event": "Say which event: its id or its exact name."})
    event_id = parse_uuid(ref)
    if event_id is not None:
        event = session.get(Event, event_id)
        if event is None:
            raise ValidationError({"event": f"No event has the id {event_id}."})
        return event
    query = select(Event).where(Event.name == ref).order_by(Event.start_time)
    if open_only:
        query = query.where(Event.status.in_(OPEN_STATUSES))
    candidates = session.scalars(query).all()
    if not candidates:
        kind = "scheduled or ongoing event" if open_only else "event"
        raise ValidationError({"event": f"No {kind} is called {ref!r}."})
    if len(candidates) > 1:
        listing = "; ".join(
            f"{e.id} ({e.start_time:%Y-%m-%d %H:%M} UTC, {e.status})" for e in candidates
        )
        raise ValidationError(
            {"event": f"{len(candidates)} events are called {ref!r}; use the id of one: {listing}"}
        )
    return candidates[0]
