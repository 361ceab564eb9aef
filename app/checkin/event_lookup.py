"""Finding the event a command or a screen means: by UUID, or by its name (any case).

`resolve_event` is for organizer commands; `resolve_door_event` for the door commands, where a
weekly series has many events of one name and the one meant is the one open at the door now.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from app import settings
from app.door_window import OPEN_STATUSES, DoorWindow, event_date
from app.errors import ValidationError
from app.uuid_text import parse_uuid
from db.models import Event
from db.types import utcnow


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
    query = _named(ref)
    if open_only:
        query = query.where(Event.status.in_(OPEN_STATUSES))
    candidates = session.scalars(query).all()
    if not candidates:
        kind = "scheduled or ongoing event" if open_only else "event"
        raise ValidationError({"event": f"No {kind} is called {ref!r}."})
    if len(candidates) > 1:
        raise _ambiguous(ref, candidates)
    return candidates[0]


def _named(ref: str):
    # lower() on both sides: PostgreSQL folds any letter, SQLite's lower() only ASCII ones.
    return (
        select(Event)
        .where(func.lower(Event.name) == ref.lower())
        .order_by(Event.start_time, Event.id)
    )


def _ambiguous(ref: str, candidates, what: str = "events are called") -> ValidationError:
    listing = "; ".join(
        f"{e.id} ({e.start_time:%Y-%m-%d %H:%M} UTC, {e.status})" for e in candidates
    )
    return ValidationError(
        {"event": f"{len(candidates)} {what} {ref!r}; use the id of one: {listing}"}
    )


@dataclass(frozen=True)
class DoorChoice:
    """The event a door command acts on, and a sentence saying which when the name had several."""

    event: Event
    note: str | None = None


def resolve_door_event(
    session: Session, ref: str, *, now: datetime | None = None, late: bool = False
) -> DoorChoice:
    """The event a door command means. By name (any case), among several of that name: the one
    open at the door now; refused only when more than one is open. With none open, the next to
    open (the door then says when), else the latest one; with `late` (a supervisor recording
    after the door closed), the latest that has started."""
    ref = (ref or "").strip()
    if parse_uuid(ref) is not None or not ref:
        return DoorChoice(resolve_event(session, ref, open_only=False))
    candidates = session.scalars(_named(ref)).all()
    if not candidates:
        raise ValidationError({"event": f"No event is called {ref!r}."})
    if len(candidates) == 1:
        return DoorChoice(candidates[0])
    now = now or utcnow()
    before, after = settings.door_margins(session)

    def window(e: Event) -> DoorWindow:
        return DoorWindow(e.name, e.status, e.start_time, e.end_time, before, after)

    open_now = [e for e in candidates if window(e).is_open(now)]
    if len(open_now) > 1:
        raise _ambiguous(ref, open_now, "events open at the door now are called")
    if open_now:
        chosen, why = open_now[0], "the one open at the door now"
    elif late:
        started = [e for e in candidates if e.start_time <= now and e.status != "cancelled"]
        chosen, why = (started or candidates)[-1], "the latest that has started"
    else:
        coming = [e for e in candidates if window(e).opens_at > now and e.status in ("scheduled",)]
        chosen = coming[0] if coming else candidates[-1]
        why = "none is open at the door now; the next to open" if coming else "the latest"
    when = event_date(chosen.start_time, now)
    note = f"{len(candidates)} events are called {chosen.name}: using {when} ({why})."
    return DoorChoice(chosen, note)
