"""The station copy: a SQLite file with what the door needs, one per station.

STAND-IN (helper "sync"): the names and contracts of docs/brief "offline" (default_station,
validate_station, copy_path, open_copy, refresh_copy, last_synced_at), implemented simply: every
refresh copies everything again, with no change tracking. The real, incremental copy replaces
this module at merge; nothing else may depend on its internals.
"""

from __future__ import annotations

import re
import socket
import time
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path

from platformdirs import user_data_dir
from sqlalchemy import Engine, delete, insert, select

from app.errors import ValidationError
from db.engine import APP_NAME, create_app_engine, make_private_folder, sqlite_url
from db.models import Attendance, Event, Loyalty, PatronContact, PatronPass, Setting, User
from db.types import utcnow

MAX_STATION_LENGTH = 64
_STATION_CHARACTERS = re.compile(r"[^A-Za-z0-9._-]")
LAST_SYNC_KEY = "station_copy_last_sync"
# Never copied: the admin PIN and anything else secret (the copy only serves the door).
_SECRET_SETTING = re.compile(r"pin|secret|password|token", re.IGNORECASE)
_BATCH = 2000


@dataclass(frozen=True)
class RefreshSummary:
    patrons: int
    events: int
    attendance: int
    deleted: int
    seconds: float
    first: bool


def default_station() -> str:
    cleaned = _STATION_CHARACTERS.sub("-", socket.gethostname())[:MAX_STATION_LENGTH]
    return cleaned.strip(".-") or "station"


def validate_station(name: str) -> str:
    name = (name or "").strip()
    if not name or len(name) > MAX_STATION_LENGTH or _STATION_CHARACTERS.search(name):
        raise ValidationError(
            {
                "station": f"a station name is 1 to {MAX_STATION_LENGTH} letters, digits, "
                "dots, dashes or underscores"
            }
        )
    if name in (".", ".."):
        raise ValidationError({"station": "a station name cannot be '.' or '..'"})
    return name


def copy_path(station: str) -> Path:
    folder = Path(user_data_dir(APP_NAME, appauthor=False)) / "stations"
    return folder / f"{validate_station(station)}.sqlite3"


def open_copy(station: str, *, create: bool = False) -> Engine | None:
    path = copy_path(station)
    if not path.exists():
        if not create:
            return None
        make_private_folder(path.parent.parent)
        make_private_folder(path.parent)
    engine = create_app_engine(sqlite_url(path))
    from db import migrate  # noqa: PLC0415 (Alembic only when a copy is opened)

    if migrate.current_revision(engine) != migrate.head_revision():
        migrate.upgrade(engine)
    return engine


def last_synced_at(copy_engine: Engine) -> datetime | None:
    with copy_engine.connect() as connection:
        value = connection.execute(
            select(Setting.value).where(Setting.key == LAST_SYNC_KEY)
        ).scalar()
    return datetime.fromisoformat(value) if value else None


# Parents before children; deleted in the reverse order.
_TABLES = (User, PatronContact, PatronPass, Loyalty, Event, Attendance)


def refresh_copy(server_engine: Engine, copy_engine: Engine, *, progress=None) -> RefreshSummary:
    """Replace the copy's door data by the server's (the outbox and conflicts stay)."""
    started = time.perf_counter()
    first = last_synced_at(copy_engine) is None
    now = utcnow()
    counts = dict.fromkeys(("users", "events", "attendance"), 0)
    with server_engine.connect() as source, copy_engine.begin() as target:
        target.exec_driver_sql("DELETE FROM audit_log")
        deleted = 0
        for model in reversed(_TABLES):
            deleted += target.execute(delete(model.__table__)).rowcount or 0
        target.execute(delete(Setting.__table__))
        event_ids = select(Event.id).where(
            Event.end_time >= now - timedelta(days=1), Event.start_time <= now + timedelta(days=7)
        )
        queries = {
            User: select(User.__table__),
            PatronContact: select(PatronContact.__table__),
            PatronPass: select(PatronPass.__table__),
            Loyalty: select(Loyalty.__table__),
            Event: select(Event.__table__).where(Event.id.in_(event_ids)),
            Attendance: select(Attendance.__table__).where(Attendance.event_id.in_(event_ids)),
        }
        done = 0
        for model in _TABLES:
            result = source.execute(queries[model])
            while rows := result.fetchmany(_BATCH):
                target.execute(insert(model.__table__), [dict(r._mapping) for r in rows])
                counts[model.__tablename__] = counts.get(model.__tablename__, 0) + len(rows)
                done += len(rows)
                if progress is not None:
                    progress(done, None)
        for row in source.execute(select(Setting.__table__)):
            if not _SECRET_SETTING.search(row.key):
                target.execute(insert(Setting.__table__), dict(row._mapping))
        target.execute(insert(Setting.__table__), {"key": LAST_SYNC_KEY, "value": now.isoformat()})
    # The users triggers marked every copied patron stale; rebuilding the keys once is cheaper
    # than searching them unindexed.
    from db.search_index import rebuild_search_index  # noqa: PLC0415
    from db.session import make_session_factory, unit_of_work  # noqa: PLC0415

    with unit_of_work(make_session_factory(copy_engine)) as session:
        rebuild_search_index(session)
    return RefreshSummary(
        patrons=counts["users"],
        events=counts["events"],
        attendance=counts["attendance"],
        deleted=deleted,
        seconds=time.perf_counter() - started,
        first=first,
    )
