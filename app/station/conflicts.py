"""The conflict report: what the time apart made wrong, and what the upload did about it.

Kinds (db.station_models.CONFLICT_KINDS): double_admission, over_capacity, event_closed,
event_deleted, patron_deleted, walk_in_merged, unknown_check_in, refused. Each record names the
patron, the event, the stations and the times, and a resolution in words.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field, replace
from datetime import datetime

from sqlalchemy import func, select, update
from sqlalchemy.orm import Session

from db.station_models import SyncConflict
from db.types import utcnow


@dataclass(frozen=True)
class Conflict:
    kind: str
    patron_id: object = None
    patron_name: str | None = None
    event_id: object = None
    event_name: str | None = None
    stations: list = field(default_factory=list)
    times: list = field(default_factory=list)
    resolution: str = ""
    nonce: object = None

    @classmethod
    def about(cls, queued, result, event) -> Conflict:
        patron = result.patron
        name = f"{patron.first_name} {patron.last_name}" if patron is not None else None
        if name is None and queued.action.first_name:
            name = f"{queued.action.first_name} {queued.action.last_name or ''}".strip()
        return cls(
            kind="refused",
            patron_id=patron.id if patron is not None else _uuid(queued.action.code),
            patron_name=name,
            event_id=event.id if event is not None else _uuid(queued.action.event),
            event_name=event.name if event is not None else None,
            stations=[queued.station],
            times=[queued.scanned_at.isoformat()],
            nonce=queued.nonce,
        )

    def kind_(self, kind: str, resolution: str) -> Conflict:
        return replace(self, kind=kind, resolution=resolution)


def _uuid(text):
    from app.checkin.event_lookup import parse_uuid  # noqa: PLC0415

    return parse_uuid(text or "")


def record(session: Session, conflict: Conflict) -> None:
    session.add(
        SyncConflict(
            kind=conflict.kind,
            patron_id=conflict.patron_id,
            patron_name=conflict.patron_name,
            event_id=conflict.event_id,
            event_name=conflict.event_name,
            stations=json.dumps(conflict.stations),
            times=json.dumps(conflict.times),
            resolution=conflict.resolution,
            nonce=conflict.nonce,
        )
    )


def over_capacity(session: Session, base: Conflict, attended: int, capacity: int) -> None:
    """One open record per event, updated as more offline admissions arrive."""
    text = (
        f"{attended} admitted for {capacity} places: {attended - capacity} over capacity. "
        "Offline admissions are kept (they happened at the door); the stations could not see "
        "each other's admissions while cut off"
    )
    existing = session.scalars(
        select(SyncConflict).where(
            SyncConflict.kind == "over_capacity",
            SyncConflict.event_id == base.event_id,
            SyncConflict.seen_at.is_(None),
        )
    ).first()
    if existing is None:
        record(session, replace(base, kind="over_capacity", resolution=text, patron_id=None))
        return
    stations = json.loads(existing.stations)
    times = json.loads(existing.times)
    stations += [s for s in base.stations if s not in stations]
    times += base.times
    existing.stations, existing.times = json.dumps(stations), json.dumps(times)
    existing.resolution = text


def _when(value: datetime) -> str:
    return value.astimezone().strftime("%Y-%m-%d %H:%M:%S")


def double_admission(kept: tuple, dropped: tuple) -> str:
    return (
        f"Admitted at two stations: kept the earliest check-in ({kept[0]}, {_when(kept[1])}); "
        f"the other ({dropped[0]}, {_when(dropped[1])}) is recorded here, no second points"
    )


def event_closed(queued, event) -> str:
    return (
        f"Kept as a forced record: admitted at {queued.station} at {_when(queued.scanned_at)} "
        f"while offline, and the event was {event.status} on the server meanwhile. The "
        "person was at the door, so the attendance stands; change it in the Admin tab if not"
    )


def event_deleted(queued) -> str:
    return (
        f"Not recorded: the event was deleted on the server before {queued.station}'s "
        f"{queued.action.method.replace('_', '-')} of {_when(queued.scanned_at)} arrived; "
        "there is no event left to attach it to. It is kept only in this report"
    )


def patron_deleted(queued) -> str:
    return (
        f"Not recorded: the patron was deleted on the server before {queued.station}'s "
        f"{queued.action.method.replace('_', '-')} of {_when(queued.scanned_at)} arrived"
    )


def walk_in_merged(queued, result) -> str:
    return (
        f"The walk-in's email ({queued.action.email}) already belonged to a patron on the "
        "server: merged into that patron (no duplicate created); the station's new patron "
        "record is replaced by the existing one at the next copy refresh"
    )


def unknown_check_in(queued) -> str:
    what = "undo" if queued.action.method == "undo" else "check-out"
    return (
        f"Not applied: {queued.station}'s {what} of {_when(queued.scanned_at)} refers to a "
        "check-in the server never had (it was made on another station's copy, or undone)"
    )


# -- reading the report -------------------------------------------------------------------------


def count_unseen(session: Session) -> int:
    return int(session.scalar(select(func.count()).where(SyncConflict.seen_at.is_(None))) or 0)


def listing(session: Session, *, unseen_only: bool = False) -> list[dict]:
    query = select(SyncConflict).order_by(SyncConflict.created_at, SyncConflict.id)
    if unseen_only:
        query = query.where(SyncConflict.seen_at.is_(None))
    return [to_json(c) for c in session.scalars(query)]


def mark_seen(session: Session) -> int:
    result = session.execute(
        update(SyncConflict).where(SyncConflict.seen_at.is_(None)).values(seen_at=utcnow())
    )
    return result.rowcount or 0


def to_json(conflict: SyncConflict) -> dict:
    return {
        "id": str(conflict.id),
        "kind": conflict.kind,
        "patron": {
            "id": str(conflict.patron_id) if conflict.patron_id else None,
            "name": conflict.patron_name,
        },
        "event": {
            "id": str(conflict.event_id) if conflict.event_id else None,
            "name": conflict.event_name,
        },
        "stations": json.loads(conflict.stations),
        "times": json.loads(conflict.times),
        "resolution": conflict.resolution,
        "createdAt": conflict.created_at.isoformat() if conflict.created_at else None,
        "seen": conflict.seen_at is not None,
    }
