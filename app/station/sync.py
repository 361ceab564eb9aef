"""`station sync` and `station status` as use cases: upload first, then refresh the copy.

sync_station(server_engine, station) -> SyncSummary
station_status(open_server, station) -> dict
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import Engine, delete, insert, select

from app.station import conflicts
from app.station import copy as station_copy
from app.station.outbox import waiting
from app.station.upload import UploadSummary, upload
from db.session import make_session_factory, unit_of_work
from db.station_models import SyncConflict


@dataclass
class SyncSummary:
    station: str
    upload: UploadSummary
    refreshed: bool = False
    patrons: int = 0
    events: int = 0

    def to_json(self) -> dict:
        up = self.upload
        return {
            "station": self.station,
            "outcome": "synced" if up.reachable and up.waiting == 0 else "unreachable",
            "uploaded": up.uploaded,
            "acknowledged": up.acknowledged,
            "conflicts": up.conflicts,
            "waiting": up.waiting,
            "refreshed": self.refreshed,
            "patrons": self.patrons,
            "events": self.events,
            "error": up.error,
        }


def sync_station(server_engine: Engine, station: str, *, progress=None) -> SyncSummary:
    """Upload the outbox, then (only when nothing is left waiting) refresh the copy: a refresh
    over queued actions would drop this station's own offline admissions from the copy."""
    copy_engine = station_copy.open_copy(station, create=True)
    try:
        summary = SyncSummary(station, upload(server_engine, copy_engine))
        if summary.upload.reachable and summary.upload.waiting == 0:
            refreshed = station_copy.refresh_copy(server_engine, copy_engine, progress=progress)
            summary.refreshed = True
            summary.patrons, summary.events = refreshed.patrons, refreshed.events
            mirror_conflicts(server_engine, copy_engine)
        return summary
    finally:
        copy_engine.dispose()


def mirror_conflicts(server_engine: Engine, copy_engine: Engine) -> None:
    """The unseen conflicts, kept in the copy too, so `station status` can count them offline."""
    with server_engine.connect() as source:
        rows = [
            dict(r._mapping)
            for r in source.execute(
                select(SyncConflict.__table__).where(SyncConflict.seen_at.is_(None))
            )
        ]
    with copy_engine.begin() as target:
        target.execute(delete(SyncConflict.__table__))
        if rows:
            target.execute(insert(SyncConflict.__table__), rows)


def station_status(open_server, station: str) -> dict:
    from app.station.router import server_unreachable  # noqa: PLC0415

    status = {"station": station, "mode": "online", "waiting": 0, "lastSync": None}
    online_conflicts = None
    try:
        database = open_server()
        if database.backend == "sqlite":  # its own file: always online, nothing to sync
            with unit_of_work(database.sessions, write=False) as session:
                status["conflicts"] = conflicts.count_unseen(session)
            return status
        with unit_of_work(database.sessions, write=False) as session:
            online_conflicts = conflicts.count_unseen(session)
    except Exception as exc:
        if not server_unreachable(exc):
            raise
        status["mode"] = "offline"
    engine = station_copy.open_copy(station)
    if engine is not None:
        try:
            with unit_of_work(make_session_factory(engine), write=False) as session:
                status["waiting"] = waiting(session)
                local_conflicts = conflicts.count_unseen(session)
            synced = station_copy.last_synced_at(engine)
            status["lastSync"] = synced.isoformat() if synced else None
        finally:
            engine.dispose()
    else:
        local_conflicts = 0
    status["conflicts"] = online_conflicts if online_conflicts is not None else local_conflicts
    return status
