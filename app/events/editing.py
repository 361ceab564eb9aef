"""Create, edit, duplicate and delete events; pick hosts by name or email."""

from __future__ import annotations

import uuid
from dataclasses import dataclass

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from app.errors import ValidationError
from app.events.audit import DEFAULT_ACTOR, Actor, record
from app.events.queries import EventRow, checked_in_count, get_event_row
from app.events.validation import MAX_TEXT, EventInput, validate_event
from app.no_email import NO_EMAIL, is_placeholder_email
from app.search import search_patrons
from db.models import Attendance, Event, User


@dataclass(frozen=True)
class HostChoice:
    id: uuid.UUID
    name: str
    email: str

    @property
    def label(self) -> str:
        if is_placeholder_email(self.email):  # a child or a household member: "no email"
            return f"{self.name} ({NO_EMAIL})"
        return f"{self.name} <{self.email}>"


@dataclass(frozen=True)
class DeleteResult:
    deleted: bool
    message: str


def lock_event(session: Session, event_id: uuid.UUID) -> Event:
    """The event row, locked for the rest of the transaction (PostgreSQL; SQLite's write
    transaction is already exclusive), so a check-in cannot slip between a count and a write."""
    event = session.get(Event, event_id, with_for_update=True, populate_existing=True)
    if event is None:
        raise ValidationError({"event": "That event no longer exists."})
    return event


def _host_exists(session: Session, host_id: uuid.UUID | None) -> None:
    if host_id is not None and session.get(User, host_id) is None:
        raise ValidationError({"host": "That host no longer exists; pick another."})


def find_hosts(session: Session, query: str, *, limit: int = 20) -> list[HostChoice]:
    """People for the host (or supervisor check-in) picker, found by name or email the way the
    kiosk finds them (accent- and case-insensitive, exact matches first). Organizers see full
    emails. A pasted id is not a way to pick someone here, so scan-code hits are left out."""
    return [
        HostChoice(m.id, f"{m.first_name} {m.last_name}", m.email or "")
        for m in search_patrons(session, query, limit=limit, reveal=True)
        if m.matched_by != "code"
    ]


def resolve_host(session: Session, text: str) -> HostChoice:
    """Exactly one host for what a script typed (email, or a unique name); ValidationError else."""
    text = (text or "").strip()
    if not text:
        raise ValidationError({"host": "Pick the host by name or email."})
    by_email = session.execute(
        select(User.id, User.first_name, User.last_name, User.email).where(
            User.email == text.lower()
        )
    ).first()
    if by_email:
        return HostChoice(
            by_email.id, f"{by_email.first_name} {by_email.last_name}", by_email.email
        )
    matches = [h for h in find_hosts(session, text, limit=6) if h.name.lower() == text.lower()]
    matches = matches or find_hosts(session, text, limit=6)
    if len(matches) == 1:
        return matches[0]
    if not matches:
        raise ValidationError({"host": f"Nobody is called or has the email {text!r}."})
    listing = ", ".join(h.label for h in matches[:5])
    raise ValidationError({"host": f"{text!r} matches several people; use the email: {listing}"})


def create_event(
    session: Session, data: EventInput, *, status: str = "draft", actor: Actor = DEFAULT_ACTOR
) -> EventRow:
    """A new event (a draft unless told otherwise: publishing is its own action)."""
    clean = validate_event(data)
    _host_exists(session, clean.host_id)
    event = Event(status=status, **clean.__dict__)
    session.add(event)
    session.flush()
    record(session, actor, "event_create", "ok", event.id, name=event.name, status=status)
    return get_event_row(session, event.id)


def update_event(
    session: Session, event_id: uuid.UUID, data: EventInput, *, actor: Actor = DEFAULT_ACTOR
) -> EventRow:
    """Change an event's fields (not its status). Capacity may not fall below the check-ins."""
    event = lock_event(session, event_id)
    clean = validate_event(data, checked_in=checked_in_count(session, event_id))
    _host_exists(session, clean.host_id)
    changed = [k for k, v in clean.__dict__.items() if getattr(event, k) != v]
    for key, value in clean.__dict__.items():
        setattr(event, key, value)
    session.flush()
    record(session, actor, "event_update", "ok", event.id, changed=changed)
    return get_event_row(session, event.id)


def copy_name(name: str) -> str:
    suffix = " (copy)"
    return name[: MAX_TEXT - len(suffix)] + suffix


def duplicate_event(
    session: Session, event_id: uuid.UUID, *, actor: Actor = DEFAULT_ACTOR
) -> EventRow:
    """A draft copy with the same details and times and no attendance, named "... (copy)"."""
    source = session.get(Event, event_id)
    if source is None:
        raise ValidationError({"event": "That event no longer exists."})
    copy = Event(
        name=copy_name(source.name),
        description=source.description,
        status="draft",
        start_time=source.start_time,
        end_time=source.end_time,
        location=source.location,
        capacity=source.capacity,
        host_id=source.host_id,
    )
    session.add(copy)
    session.flush()
    record(session, actor, "event_duplicate", "ok", copy.id, source=source.id)
    return get_event_row(session, copy.id)


def delete_event(
    session: Session, event_id: uuid.UUID, *, actor: Actor = DEFAULT_ACTOR
) -> DeleteResult:
    """Delete an event nobody registered for or attended; otherwise refuse and say why (the
    attendance is the record of who came, so such an event is cancelled instead)."""
    event = lock_event(session, event_id)
    attended, total = session.execute(
        select(
            func.count().filter(Attendance.attended.is_(True)),
            func.count(),
        ).where(Attendance.event_id == event_id)
    ).one()
    if total:
        parts = []
        if attended:
            parts.append(f"{attended} check-in{'s' if attended != 1 else ''}")
        if total - attended:
            n = total - attended
            parts.append(f"{n} registration{'s' if n != 1 else ''}")
        message = (
            f"{event.name} has {' and '.join(parts)}, so it cannot be deleted; "
            "cancel it instead to keep the record of who came."
        )
        record(session, actor, "event_delete", "refused", event.id, message=message)
        return DeleteResult(False, message)
    name = event.name
    record(session, actor, "event_delete", "ok", event.id, name=name, id=event_id)
    session.flush()
    session.delete(event)
    session.flush()
    return DeleteResult(True, f"Deleted {name}.")
