"""The station copy's durable outbox: door actions taken offline, waiting for their upload.

`act_offline` runs the action on the copy and appends its outbox row in the SAME SQLite
transaction (WAL, synchronous=FULL, BEGIN IMMEDIATE): after a crash either both are there or
neither, so a confirmed action is never lost and no half-written one is left behind.
"""

from __future__ import annotations

import json
import uuid
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, select, update
from sqlalchemy.orm import Session

from app import settings
from app.checkin.door import DOOR_POLICY, DoorEvent, DoorPolicy, count_attended
from app.checkin.outcomes import CheckInResult, Outcome
from app.station.actions import (
    CHECK_IN,
    EFFECTS,
    UNDO,
    WALK_IN,
    DoorAction,
    perform,
    queued_payload,
)
from db.station_models import OutboxEntry
from db.types import utcnow

_ADMITTING = (CHECK_IN, WALK_IN)


@dataclass(frozen=True)
class Queued:
    """One outbox row as the upload reads it."""

    seq: int
    nonce: uuid.UUID
    station: str
    action: DoorAction
    scanned_at: datetime
    outcome: str


def act_offline(
    session: Session,
    action: DoorAction,
    *,
    station: str,
    nonce: uuid.UUID,
    now: datetime,
    note=None,
) -> CheckInResult:
    """The action on the copy, queued when it changed something. The caller's unit of work
    commits both together."""
    session.info[DOOR_POLICY] = DoorPolicy(capacity=_offline_capacity(station))
    try:
        result = perform(session, action, now, note)
    finally:
        session.info.pop(DOOR_POLICY, None)
    if result.outcome in EFFECTS:
        session.add(
            OutboxEntry(
                nonce=nonce,
                station=station,
                method=action.method,
                payload=json.dumps(queued_payload(action, result)),
                scanned_at=now,
                outcome=result.outcome.value,
            )
        )
        session.flush()
    return result


def _offline_capacity(station: str):
    """The capacity a station applies offline: the event's, or, with the setting
    `offline_capacity_share_percent`, the headcount at the last sync plus its share of the
    places that were left then (rounded down: a share never lets two stations overfill)."""

    def capacity(session: Session, event: DoorEvent) -> int | None:
        if event.capacity is None:
            return None
        share = settings.get_setting(session, settings.OFFLINE_CAPACITY_SHARE)
        if share is None:
            return event.capacity
        mine = offline_admissions(session, station, event.id)
        at_sync = max(0, count_attended(session, event.id) - mine)
        left = max(0, event.capacity - at_sync)
        return at_sync + (left * share) // 100

    return capacity


def offline_admissions(session: Session, station: str, event_id: uuid.UUID) -> int:
    """This station's admissions to the event still waiting in the outbox (undos deducted)."""
    rows = session.execute(
        select(OutboxEntry.method, OutboxEntry.outcome, OutboxEntry.payload).where(
            OutboxEntry.station == station, OutboxEntry.sent_at.is_(None)
        )
    ).all()
    admitted = 0
    for method, outcome, payload in rows:
        if json.loads(payload).get("event") != str(event_id):
            continue
        if method in _ADMITTING and outcome == Outcome.CHECKED_IN.value:
            admitted += 1
        elif method == UNDO and outcome == Outcome.UNDONE.value:
            admitted -= 1
    return max(0, admitted)


def waiting(session: Session) -> int:
    return int(session.scalar(select(func.count()).where(OutboxEntry.sent_at.is_(None))) or 0)


def next_waiting(session: Session, limit: int = 100) -> list[Queued]:
    rows = session.scalars(
        select(OutboxEntry)
        .where(OutboxEntry.sent_at.is_(None))
        .order_by(OutboxEntry.seq)
        .limit(limit)
    ).all()
    return [
        Queued(
            r.seq,
            r.nonce,
            r.station,
            DoorAction.from_json(json.loads(r.payload)),
            r.scanned_at,
            r.outcome,
        )
        for r in rows
    ]


def mark_sent(session: Session, seq: int, result: dict) -> None:
    session.execute(
        update(OutboxEntry)
        .where(OutboxEntry.seq == seq)
        .values(sent_at=utcnow(), result=json.dumps(result))
    )


def walk_in_ids(session: Session) -> dict[str, str]:
    """Copy patron id -> server patron id, for walk-ins the server merged into a patron it
    already had (later actions of this station name the copy's id)."""
    mapping = {}
    rows = session.execute(
        select(OutboxEntry.payload, OutboxEntry.result).where(
            OutboxEntry.method == WALK_IN, OutboxEntry.result.is_not(None)
        )
    ).all()
    for payload, result in rows:
        mine = json.loads(payload).get("patron_id")
        theirs = json.loads(result).get("patronId")
        if mine and theirs and mine != theirs:
            mapping[mine] = theirs
    return mapping
