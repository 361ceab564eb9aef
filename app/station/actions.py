"""A door action as data: what the greeter asked for, runnable on the server, on a station copy,
or later from the outbox, always through the same use cases (app.checkin.actions, app.checkin.walk_in).

    DoorAction(method, event, code, ...)      what was asked (event: id or name; code: as scanned)
    perform(session, action, now) -> CheckInResult
    queued_payload(action, result) -> dict    what the outbox keeps: the event and patron the
                                              copy resolved, so the server acts on the same ones
"""

from __future__ import annotations

import uuid
from dataclasses import asdict, dataclass
from datetime import datetime

from sqlalchemy.orm import Session

from app.checkin import actions as checkin
from app.checkin.event_lookup import parse_uuid, resolve_door_event
from app.checkin.outcomes import CheckInResult, Outcome
from app.checkin.walk_in import walk_in

CHECK_IN = "check_in"
CHECK_OUT = "check_out"
WALK_IN = "walk_in"
REGISTER = "register"
UNDO = "undo"
METHODS = (CHECK_IN, CHECK_OUT, WALK_IN, REGISTER, UNDO)

# Outcomes that changed something: only those are queued (a refusal or an idempotent repeat
# on the copy changed nothing the server needs to hear about).
EFFECTS = frozenset(
    {
        Outcome.CHECKED_IN,
        Outcome.RE_ENTERED,
        Outcome.CHECKED_OUT,
        Outcome.REGISTERED,
        Outcome.UNDONE,
    }
)


@dataclass(frozen=True)
class DoorAction:
    method: str  # one of METHODS
    event: str  # event id, or its name (resolved where the action runs)
    code: str | None = None  # pass code, patron id or email (not for a walk-in)
    station: str = "cli"  # the audit log's station
    source: str = "cli"  # the audit method: scan, search, walk_in, admin, cli
    late: bool = False
    supervisor: bool = False
    first_name: str | None = None
    last_name: str | None = None
    email: str | None = None
    phone: str | None = None
    patron_id: str | None = None  # a walk-in's new patron id (kept from the copy)
    new_patron: bool = False  # a walk-in the copy did not know: created offline
    exact_event: bool = False  # `event` is the id the copy resolved: use it as it is

    def to_json(self) -> dict:
        return {k: v for k, v in asdict(self).items() if v not in (None, False)}

    @classmethod
    def from_json(cls, data: dict) -> DoorAction:
        return cls(**data)


def event_id_of(session: Session, action: DoorAction, now: datetime, note=None) -> uuid.UUID:
    """The event the action means: its id as given, else by name as the door commands do
    (`note(text)` hears which one, when several share the name)."""
    key = parse_uuid(action.event)
    if key is not None and action.exact_event:
        return key
    choice = resolve_door_event(session, action.event, now=now, late=action.late)
    if choice.note and note is not None:
        note(choice.note)
    return choice.event.id


def perform(session: Session, action: DoorAction, now: datetime, note=None) -> CheckInResult:
    event_id = event_id_of(session, action, now, note)
    common = {"station": action.station, "now": now}
    if action.method == WALK_IN:
        patron_id = uuid.UUID(action.patron_id) if action.patron_id else None
        return walk_in(
            session,
            event_id,
            action.first_name or "",
            action.last_name or "",
            action.email or "",
            action.phone,
            patron_id=patron_id,
            **common,
        )
    late = {"late": True} if action.late else {}
    if action.method == UNDO:
        return checkin.undo_check_in(
            session,
            event_id,
            action.code,
            supervisor=action.supervisor or action.late,
            method=action.source,
            **late,
            **common,
        )
    use_case = {
        CHECK_IN: checkin.check_in,
        CHECK_OUT: checkin.check_out,
        REGISTER: checkin.register,
    }[action.method]
    return use_case(session, event_id, action.code, method=action.source, **late, **common)


def queued_payload(action: DoorAction, result: CheckInResult) -> dict:
    """The action as the outbox keeps it: the copy's event and patron ids instead of a name or
    an email, so that the upload acts on exactly the ones the greeter saw."""
    data = action.to_json()
    if result.event is not None:
        data["event"] = str(result.event.id)
        data["exact_event"] = True
    if result.patron is not None:
        if action.method == WALK_IN:
            data["patron_id"] = str(result.patron.id)
            if not result.existing_patron:
                data["new_patron"] = True
        else:
            data["code"] = str(result.patron.id)
    return data
