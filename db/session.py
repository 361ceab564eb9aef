"""Sessions and the one helper that owns commit and rollback ("one action = one transaction")."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import TypeVar

from sqlalchemy import Engine
from sqlalchemy.exc import DBAPIError, OperationalError
from sqlalchemy.orm import Session, sessionmaker

T = TypeVar("T")

# Serialization failures, deadlocks and "database is locked" are expected when several kiosks
# write at once; they are retried a bounded number of times and never reach a greeter.
MAX_ATTEMPTS = 6
_RETRYABLE_PG_SQLSTATES = {"40001", "40P01"}


def make_session_factory(engine: Engine) -> sessionmaker[Session]:
    # expire_on_commit=False: results handed to the GUI thread must stay readable after commit.
    return sessionmaker(bind=engine, expire_on_commit=False, autoflush=True)


@contextmanager
def unit_of_work(
    factory: sessionmaker[Session], *, write: bool = True, options: dict | None = None
) -> Iterator[Session]:
    """Open a session, commit if the block succeeds, roll back if it raises, always close.

    `write=True` takes SQLite's write lock up front (BEGIN IMMEDIATE) so that two processes
    never both read, then both try to upgrade to a write and fail; PostgreSQL needs nothing here
    (use cases lock the rows they depend on).
    """
    session = factory()
    try:
        options = dict(options or {})
        if write and session.get_bind().dialect.name == "sqlite":
            options["sqlite_begin"] = "IMMEDIATE"
        if options:  # e.g. db.engine.door_options(): a door action's deadline
            session.connection(execution_options=options)
        yield session
        session.commit()
    except BaseException:
        session.rollback()
        raise
    finally:
        session.close()


def run_in_transaction(
    factory: sessionmaker[Session],
    action: Callable[[Session], T],
    *,
    write: bool = True,
    options: dict | None = None,
) -> T:
    """Run `action(session)` in one unit of work, retrying transient concurrency failures."""
    for attempt in range(1, MAX_ATTEMPTS + 1):
        try:
            with unit_of_work(factory, write=write, options=options) as session:
                return action(session)
        except DBAPIError as exc:
            if attempt == MAX_ATTEMPTS or not is_transient(exc):
                raise
    raise AssertionError("unreachable")


def is_transient(exc: DBAPIError) -> bool:
    sqlstate = getattr(exc.orig, "sqlstate", None)
    if sqlstate in _RETRYABLE_PG_SQLSTATES:
        return True
    return isinstance(exc, OperationalError) and "database is locked" in str(exc.orig)
