"""Generated data sets, cached between runs: they take a minute or two to build.

SQLite: a file under ~/.cache/credopass-bench (XDG_CACHE_HOME is honoured). PostgreSQL: a
database `credopass_bench_<scale>` on the local server, created here. A JSON note beside each
records the sizes, seed, schema revision and how long generation took; a data set whose note
is missing or does not match (other seed, newer migration) is rebuilt.
"""

from __future__ import annotations

import json
import os
import sys
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

from sqlalchemy import Engine, create_engine, text
from sqlalchemy.engine import URL
from sqlalchemy.orm import Session, sessionmaker

from db import migrate
from db.engine import create_app_engine, parse_url, sqlite_url
from db.session import make_session_factory
from db.synthetic import Sizes, generate

DEFAULT_PG_SERVER = "postgresql://postgres@127.0.0.1:5432/postgres"


def cache_folder() -> Path:
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "credopass-bench"


def sizes_for(scale: int, seed: int) -> Sizes:
    """The issue's data set at scale 1,000,000: 1M patrons, 2,000 events, 1M attendance rows."""
    return Sizes(patrons=scale, events=max(2, scale // 500), attendance=scale, seed=seed)


@dataclass
class Dataset:
    backend: str
    scale: int
    url: URL
    engine: Engine
    meta: dict
    generated_now: bool
    sessions: sessionmaker[Session] = field(repr=False, default=None)

    def __post_init__(self):
        self.sessions = make_session_factory(self.engine)

    @property
    def url_text(self) -> str:
        return self.url.render_as_string(hide_password=False)

    def dispose(self) -> None:
        self.engine.dispose()


def open_dataset(
    backend: str, scale: int, seed: int, *, pg_server: str, regenerate: bool = False
) -> Dataset:
    sizes = sizes_for(scale, seed)
    folder = cache_folder()
    folder.mkdir(parents=True, exist_ok=True)
    note_path = folder / f"{backend}-{scale}-seed{seed}.json"
    if backend == "sqlite":
        url = sqlite_url(folder / f"sqlite-{scale}-seed{seed}.db")
    else:
        url = parse_url(pg_server).set(database=f"credopass_bench_{scale}")
    wanted = {"sizes": [sizes.patrons, sizes.events, sizes.attendance, sizes.seed]}
    wanted["revision"] = migrate.head_revision()
    note = _read_note(note_path)
    fresh = (
        not regenerate
        and note is not None
        and all(note.get(k) == v for k, v in wanted.items())
        and _exists(backend, url, pg_server)
    )
    if fresh:
        engine = create_app_engine(url)
        if migrate.current_revision(engine) == wanted["revision"]:
            return Dataset(backend, scale, url, engine, note, generated_now=False)
        engine.dispose()
    _log(f"building the {backend} data set at scale {scale:,} (cached for later runs)...")
    _wipe(backend, url, pg_server)
    engine = create_app_engine(url)
    migrate.upgrade(engine)
    report = generate(engine, sizes)
    note = {
        **wanted,
        "generated_at": datetime.now(UTC).isoformat(timespec="seconds"),
        "generate_seconds": round(report.seconds, 2),
        "search_seconds": round(report.search_seconds, 2),
        "cpu_seconds": round(report.cpu_seconds, 2),
        "load_average": os.getloadavg()[0],
        "awards": report.awards,
    }
    note_path.write_text(json.dumps(note, indent=2) + "\n", encoding="utf-8")
    return Dataset(backend, scale, url, engine, note, generated_now=True)


def _read_note(path: Path) -> dict | None:
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None


def _exists(backend: str, url: URL, pg_server: str) -> bool:
    if backend == "sqlite":
        return Path(url.database).exists()
    admin = create_engine(parse_url(pg_server), isolation_level="AUTOCOMMIT")
    try:
        with admin.connect() as c:
            found = c.scalar(
                text("SELECT 1 FROM pg_database WHERE datname = :n"), {"n": url.database}
            )
        return bool(found)
    finally:
        admin.dispose()


def _wipe(backend: str, url: URL, pg_server: str) -> None:
    if backend == "sqlite":
        for suffix in ("", "-wal", "-shm"):
            Path(url.database + suffix).unlink(missing_ok=True)
        return
    admin = create_engine(parse_url(pg_server), isolation_level="AUTOCOMMIT")
    try:
        with admin.connect() as c:
            c.execute(text(f'DROP DATABASE IF EXISTS "{url.database}" WITH (FORCE)'))
            c.execute(text(f'CREATE DATABASE "{url.database}"'))
    finally:
        admin.dispose()


def _log(message: str) -> None:
    print(message, file=sys.stderr, flush=True)
