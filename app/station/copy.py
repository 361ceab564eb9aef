"""A station's own SQLite copy of what the door needs, for when the server does not answer.

One file per station name in the user data folder (`stations/<name>.sqlite3`, 0600 in a 0700
folder), created by the same migrations as any CredoPass database. It holds every patron
(with their contacts, passes, search keys and loyalty ledger), the events whose door window
meets the period from yesterday to a week ahead with their attendance, and the organization
settings the door rules read. Nothing else: no audit log, no PIN, no console role.
`refresh_copy` brings it up to date from the server (see app/station/copy_refresh.py).
"""

from __future__ import annotations

import re
import socket
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from platformdirs import user_data_dir
from sqlalchemy import Engine

from app.errors import ValidationError
from db.engine import APP_NAME, backend_of, create_app_engine, make_private_folder, sqlite_url

STATIONS_FOLDER = "stations"
COPY_SUFFIX = ".sqlite3"
MAX_STATION_LENGTH = 64
_STATION = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]{0,63}")


class NothingToCopy(Exception):
    """The database is not a shared server (the local SQLite file): a station on it is always
    online on its own file, there is no copy to make."""


@dataclass(frozen=True)
class RefreshSummary:
    patrons: int  # patron rows written (a first copy: all of them)
    events: int
    attendance: int
    deleted: int  # rows removed from the copy (deleted on the server, or out of the period)
    seconds: float
    first: bool  # a first (complete) copy rather than the changes since the last one
    other: int = 0  # contacts, passes, loyalty, search keys, settings


def default_station() -> str:
    """The computer's name, cut to what a station name may hold."""
    cleaned = re.sub(r"[^A-Za-z0-9._-]+", "-", socket.gethostname()).lstrip("._-")
    return cleaned[:MAX_STATION_LENGTH] or "station"


def validate_station(name: str) -> str:
    """The name as given when a copy's file may carry it; otherwise ValidationError."""
    if not isinstance(name, str) or not _STATION.fullmatch(name):
        raise ValidationError(
            {
                "station": f"{name!r} cannot name a station: use 1 to {MAX_STATION_LENGTH} "
                "letters, digits, '.', '_' or '-', starting with a letter or a digit"
            }
        )
    return name


def copy_path(station: str) -> Path:
    folder = Path(user_data_dir(APP_NAME, appauthor=False)) / STATIONS_FOLDER
    return folder / f"{validate_station(station)}{COPY_SUFFIX}"


def open_copy(station: str, *, create: bool = False) -> Engine | None:
    """The copy's engine, migrated to this version's schema; None when there is no copy and
    `create` is False."""
    from db import migrate  # noqa: PLC0415 - Alembic is heavy; only opening a copy needs it

    path = copy_path(station)
    if not path.exists() and not create:
        return None
    make_private_folder(path.parent.parent)
    make_private_folder(path.parent)
    path.parent.chmod(0o700)  # the folder may predate us with the umask's mode
    engine = create_app_engine(sqlite_url(path))  # creates the file 0600; WAL, synchronous=FULL
    if migrate.current_revision(engine) != migrate.head_revision():
        migrate.upgrade(engine)
    return engine


def refresh_copy(server_engine: Engine, copy_engine: Engine, *, progress=None) -> RefreshSummary:
    """Bring the copy up to date: a first copy when it has none from this server, else the
    changes since the last refresh, deletions included. `progress(done, total)` is called from
    this thread. Raises NothingToCopy when the server is not PostgreSQL."""
    if backend_of(server_engine.url) != "postgresql":
        raise NothingToCopy(
            "this station works on a local SQLite database: there is no shared server to copy "
            "from, and nothing to sync"
        )
    from app.station.copy_refresh import run  # noqa: PLC0415

    counts, first, seconds = run(server_engine, copy_engine, progress)
    written = dict(counts.written)
    patrons = written.pop("users", 0)
    events = written.pop("events", 0)
    attendance = written.pop("attendance", 0)
    return RefreshSummary(
        patrons=patrons,
        events=events,
        attendance=attendance,
        deleted=counts.deleted,
        seconds=seconds,
        first=first,
        other=sum(written.values()),
    )


def last_synced_at(copy_engine: Engine) -> datetime | None:
    """When the copy was last refreshed (UTC), or None if never."""
    with copy_engine.connect() as connection:
        row = connection.exec_driver_sql(
            'SELECT "syncedAt" FROM station_copy_state WHERE id = 1'
        ).first()
    if row is None or row[0] is None:
        return None
    return datetime.fromisoformat(row[0]).replace(tzinfo=UTC)
