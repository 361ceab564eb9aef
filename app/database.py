"""Opening the configured database the way the app and the CLI need it."""

from __future__ import annotations

from dataclasses import dataclass, field

from sqlalchemy import Engine, text
from sqlalchemy.exc import DBAPIError
from sqlalchemy.orm import Session, sessionmaker

from app.errors import DatabaseUnavailable, StartupRefused, first_line
from db import migrate
from db.engine import (
    DatabaseTarget,
    DatabaseUrlError,
    create_app_engine,
    describe_location,
    ensure_default_folder,
    resolve_target,
)
from db.session import make_session_factory


@dataclass
class Database:
    target: DatabaseTarget
    engine: Engine
    sessions: sessionmaker[Session] = field(repr=False)

    @property
    def backend(self) -> str:
        return self.target.backend

    @property
    def location(self) -> str:
        return describe_location(self.target.url)

    def dispose(self) -> None:
        self.engine.dispose()


def connect(target: DatabaseTarget) -> Database:
    """An engine for the target, with the connection proved to work (or a clear error)."""
    ensure_default_folder(target)
    engine = create_app_engine(target.url)
    try:
        with engine.connect() as connection:
            connection.execute(text("SELECT 1"))
    except DBAPIError as exc:
        engine.dispose()
        raise DatabaseUnavailable(explain_connection_error(target, exc)) from None
    return Database(target, engine, make_session_factory(engine))


def explain_connection_error(target: DatabaseTarget, exc: DBAPIError) -> str:
    where = describe_location(target.url)
    detail = first_line(exc.orig) if exc.orig else type(exc).__name__
    return f"Cannot open the database ({where}): {detail}"


def open_for_app(target: DatabaseTarget) -> Database:
    """The start-up policy: upgrade a local SQLite file by itself; never migrate PostgreSQL."""
    database = connect(target)
    try:
        status = migrate.schema_status(database.engine)
        local_and_upgradable = database.backend == "sqlite" and status.state in (
            migrate.SchemaState.EMPTY,
            migrate.SchemaState.BEHIND,
        )
        if local_and_upgradable:
            migrate.upgrade(database.engine)
            return database
        if status.state is migrate.SchemaState.UNMANAGED and database.backend == "sqlite":
            # Only PostgreSQL databases of the web service can be adopted (db/adopt.py).
            raise StartupRefused(
                f"The {database.location} has tables but no CredoPass migration history, so it "
                "is not a CredoPass database. Move it aside, or choose another file with "
                "--database-url."
            )
        if status.state is not migrate.SchemaState.CURRENT:
            raise StartupRefused(status.explain())
    except BaseException:
        database.dispose()
        raise
    return database


def open_configured(database_url: str | None) -> Database:
    """`open_for_app` on the database the user configured (`--database-url`, else
    $DATABASE_URL, else the default file), for the window. A URL or place that cannot be used
    raises StartupRefused with the reason, so the GUI handles two errors, both from `app`."""
    try:
        return open_for_app(resolve_target(database_url))
    except DatabaseUrlError as exc:
        raise StartupRefused(str(exc)) from None
